"""Reference data: the providers the LA commissions and their independent mediators (docs/rules.md §9)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cases.models import DATE_RANGE, School


class MediationProvider(models.Model):
    """An independent provider the LA commissions for mediation advice, mediation and/or DRS."""

    name = models.CharField(max_length=200, unique=True)
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    contract_share = models.DecimalField(
        "contract share (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Share of referrals this provider is contracted to take, as a percentage.",
    )
    share_changed_on = models.DateField(
        "contract shares last changed",
        null=True,
        blank=True,
        help_text="Referrals since this date count towards the share.",
        validators=DATE_RANGE,
    )
    offers_mediation = models.BooleanField(default=True)
    offers_drs = models.BooleanField("offers disagreement resolution", default=False)
    active = models.BooleanField(default=True, help_text="Untick instead of deleting: referrals refer to it.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_share__gte=0) & Q(contract_share__lte=100),
                name="referrals_provider_share_range",
            ),
        ]

    def __str__(self):
        return self.name


class Mediator(models.Model):
    """An independent mediator working for a provider. Signs in to see only their own referrals."""

    class Specialism(models.TextChoices):
        HEALTH = "health", "Health"
        SOCIAL_CARE = "social_care", "Social care"
        POST_16 = "post_16", "Post-16"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mediator", verbose_name="user account"
    )
    provider = models.ForeignKey(MediationProvider, on_delete=models.PROTECT, related_name="mediators")
    accreditation = models.CharField(
        max_length=200, blank=True, help_text="For example: College of Mediators SEND register, 2024."
    )
    specialisms = models.JSONField(default=list, blank=True, help_text="Any of: health, social_care, post_16.")
    languages = models.CharField(
        max_length=200, default="English", help_text="Languages the mediator can mediate in, comma separated."
    )
    max_active_cases = models.PositiveSmallIntegerField("maximum active cases", default=8)
    available_from = models.DateField(
        "earliest date available for a session",
        null=True,
        blank=True,
        help_text="Used to rank mediators by who can mediate soonest inside the 30-day window.",
        validators=DATE_RANGE,
    )
    employed_by_la = models.BooleanField(
        "employed by the local authority",
        default=False,
        help_text="An LA employee is not independent and can never be assigned (CFA 2014 s.56).",
    )
    active = models.BooleanField(default=True, help_text="Untick instead of deleting: referrals refer to it.")
    conflict_schools = models.ManyToManyField(
        School, blank=True, related_name="conflicted_mediators", verbose_name="declared conflicts: schools"
    )
    conflict_notes = models.TextField(
        "declared conflicts: other",
        blank=True,
        help_text="Families or people the mediator knows; one per line, surname first.",
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(condition=Q(max_active_cases__gte=1), name="referrals_mediator_capacity_min"),
        ]

    def __str__(self):
        return self.user.display_name

    @property
    def language_list(self):
        return [lang.strip() for lang in self.languages.split(",") if lang.strip()]
