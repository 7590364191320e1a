"""Reference data kept in the admin: schools and other settings, health bodies (ICBs) and the extra non-working
days the deadline engine skips."""

import re
from typing import Self

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from .. import validators
from ..dates import validate_portal_date

# Dates a person types: 1 Jan 1900 to 31 Dec 2100 (docs/rules.md §8 D16).
DATE_RANGE = [validate_portal_date]


class ActiveQuerySet[M: models.Model](models.QuerySet[M]):
    def active(self) -> Self:
        return self.filter(active=True)


class SchoolPhase(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    POST_16 = "post_16", "Post-16"
    INDEPENDENT = "independent", "Independent"


class SettingType(models.TextChoices):
    """What kind of setting a child attends. Schools, colleges and maintained nursery schools have a URN from Get
    Information about Schools; private, voluntary and independent nurseries and childminders are registered with
    Ofsted and may have an Ofsted URN, or none recorded (CFA 2014 s.57 covers early years providers too)."""

    SCHOOL = "school", "School or academy"
    COLLEGE = "college", "College or other post-16 institution"
    MAINTAINED_NURSERY = "maintained_nursery", "Maintained nursery school"
    PVI_NURSERY = "pvi_nursery", "Private, voluntary or independent nursery"
    CHILDMINDER = "childminder", "Childminder"


# Early years settings registered with Ofsted rather than listed in Get Information about Schools: the URN is the
# Ofsted one, and may be unknown.
OFSTED_SETTING_TYPES = (SettingType.PVI_NURSERY, SettingType.CHILDMINDER)
SCHOOL_URN_MESSAGE = "6 digits, for example 100001."
OFSTED_URN_MESSAGE = "Enter the Ofsted URN as EY and 6 digits (EY123456) or as 6 or 7 digits, or leave it blank."


class School(models.Model):
    """A school or other setting a child attends (reference data, kept in the admin): schools and colleges by
    their URN, and early years settings (nurseries, childminders) with an Ofsted URN or none."""

    Phase = SchoolPhase
    SettingType = SettingType

    name = models.CharField(max_length=200)
    setting_type = models.CharField(
        "type of setting",
        max_length=20,
        choices=SettingType,
        default=SettingType.SCHOOL,
        help_text="Private, voluntary and independent nurseries and childminders may have no URN.",
    )
    urn = models.CharField(
        "URN",
        max_length=8,
        blank=True,
        help_text="Schools, colleges and maintained nursery schools: the 6-digit URN from Get Information about "
        "Schools. Other nurseries and childminders: the Ofsted URN if known (EY123456), or blank.",
        validators=[RegexValidator(r"^(\d{6,7}|EY\d{6})$", OFSTED_URN_MESSAGE)],
    )
    phase = models.CharField(max_length=20, choices=Phase)
    postcode = models.CharField(max_length=8, blank=True, validators=[validators.validate_uk_postcode])
    active = models.BooleanField(default=True, help_text="Untick instead of deleting: cases refer to it.")

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "school or setting"
        verbose_name_plural = "schools and settings"
        constraints = [
            models.CheckConstraint(condition=Q(phase__in=SchoolPhase.values), name="cases_school_phase_valid"),
            models.CheckConstraint(
                condition=Q(setting_type__in=SettingType.values), name="cases_school_setting_type_valid"
            ),
            # Only an Ofsted-registered early years setting may have no URN; every URN recorded is unique.
            models.CheckConstraint(
                condition=Q(setting_type__in=OFSTED_SETTING_TYPES) | ~Q(urn=""),
                name="cases_school_urn_unless_early_years",
            ),
            models.CheckConstraint(
                condition=~Q(setting_type__in=OFSTED_SETTING_TYPES) | Q(phase=SchoolPhase.EARLY_YEARS),
                name="cases_school_ofsted_settings_early_years",
            ),
            models.UniqueConstraint(
                fields=["urn"],
                condition=~Q(urn=""),
                name="cases_school_urn_unique",
                violation_error_message="A school or setting with this URN is already recorded.",
            ),
        ]

    def __str__(self):
        if self.urn:
            return f"{self.name} ({self.urn})"
        return f"{self.name} ({self.get_setting_type_display().lower()}, no URN)"

    def clean(self):
        """Schools need their 6-digit URN; an Ofsted-registered setting is an early years one, with its Ofsted URN
        or none."""
        super().clean()
        problems = {}
        if self.setting_type in OFSTED_SETTING_TYPES:
            if self.phase and self.phase != SchoolPhase.EARLY_YEARS:
                problems["phase"] = f"A {self.get_setting_type_display().lower()} is an early years setting."
        elif not re.fullmatch(r"\d{6}", self.urn or ""):
            problems["urn"] = f"A {self.get_setting_type_display().lower()} needs its URN: {SCHOOL_URN_MESSAGE}"
        if problems:
            raise ValidationError(problems)


class HealthBody(models.Model):
    """An integrated care board (ICB): the health commissioning body (older records say CCG)."""

    name = models.CharField(max_length=200, unique=True)
    ods_code = models.CharField("ODS code", max_length=10, unique=True)
    email = models.EmailField(blank=True)
    active = models.BooleanField(default=True, help_text="Untick instead of deleting: cases refer to it.")

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "health body (ICB)"
        verbose_name_plural = "health bodies (ICBs)"

    def __str__(self):
        return self.name


class NonWorkingDay(models.Model):
    """A day that is not a working day beyond the England-and-Wales bank holidays the engine knows
    (a newly proclaimed bank holiday, for example). docs/rules.md §8 D1."""

    day = models.DateField(unique=True, validators=DATE_RANGE)
    title = models.CharField(max_length=200)
    active = models.BooleanField(default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["day"]
        verbose_name = "extra non-working day"

    def __str__(self):
        return f"{self.day:%a %d %b %Y}: {self.title}"
