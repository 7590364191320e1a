"""What the portal writes to families and where it points them for support.

Letters are drafted from templates an administrator keeps in the admin (one per kind of letter), written in a
small template language of named fields only (letters.sandbox); each letter recorded as sent keeps its text, date,
recipient and method on the case. Support services (SENDIASS and Independent Supporters) are reference data shown
on the case, offered at intake and printed on the letters.

This app sits beside referrals (it reads certificates and agreed actions): cases never imports it, and the case
pages reach it through its template tags, as they reach the mediation panel.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases import validators
from cases.dates import validate_portal_date


class SupportService(models.Model):
    """Free, impartial support a family can be pointed to (SEND Code of Practice ch.2 and 11.6)."""

    class Kind(models.TextChoices):
        SENDIASS = "sendiass", "SENDIASS (information, advice and support)"
        INDEPENDENT_SUPPORTER = "independent_supporter", "Independent Supporter"

    kind = models.CharField(max_length=30, choices=Kind)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=16, blank=True, validators=[validators.validate_uk_phone])
    email = models.EmailField(blank=True)
    website = models.URLField("web address", blank=True)
    area = models.CharField(max_length=200, blank=True, help_text="Where it works, for example the whole borough.")
    active = models.BooleanField(default=True, help_text="Untick to stop showing it; letters already sent keep it.")

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "support service (SENDIASS or Independent Supporter)"
        verbose_name_plural = "support services (SENDIASS and Independent Supporters)"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["sendiass", "independent_supporter"]), name="letters_support_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name


class LetterKind(models.TextChoices):
    """The letters the pathway needs (docs/rules.md §4 and §6)."""

    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement of the disagreement"
    MEDIATION_INFORMATION = "mediation_information", "Mediation information"
    CERTIFICATE_COVER = "certificate_cover", "Cover letter for a mediation certificate"
    AGREEMENT_CONFIRMATION = "agreement_confirmation", "Confirmation of the actions agreed at mediation"


class LetterTemplate(models.Model):
    """The wording of one kind of letter, kept in the admin. Only named fields ({{ case_reference }}) can be used:
    checked when it is saved (letters.sandbox)."""

    kind = models.CharField(max_length=30, choices=LetterKind, unique=True, editable=False)
    subject = models.CharField(max_length=300, help_text="The letter's heading. It may use the fields below.")
    body = models.TextField(
        max_length=20000,
        help_text="Paragraphs are separated by a blank line. Use only the fields listed below, written like "
        "{{ case_reference }}.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LetterKind.values), name="letters_template_kind_valid"),
        ]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        from .sandbox import template_errors

        errors = {}
        for field in ("subject", "body"):
            problems = template_errors(getattr(self, field) or "")
            if problems:
                errors[field] = problems
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)


class Letter(models.Model):
    """A letter recorded as sent to the family: its text as sent, the date, who to and how."""

    class Method(models.TextChoices):
        POST = "post", "By post"
        EMAIL = "email", "By email"
        HAND = "hand", "By hand"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=30, choices=LetterKind)
    recipient = models.CharField(max_length=200)
    method = models.CharField("how it was sent", max_length=10, choices=Method)
    sent_on = models.DateField("date sent", validators=[validate_portal_date])
    subject = models.CharField(max_length=500)
    body = models.TextField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-sent_on", "-id"]
        permissions = [("draft_letter", "Can draft letters to families, download them and record them as sent")]
        indexes = [models.Index(fields=["case", "-sent_on", "-id"], name="letters_letter_case_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LetterKind.values), name="letters_letter_kind_valid"),
            models.CheckConstraint(
                condition=Q(method__in=["post", "email", "hand"]), name="letters_letter_method_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.case_id}"
