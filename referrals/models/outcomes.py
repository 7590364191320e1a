"""What mediation produced: outcomes by issue, the agreed actions tracked to completion, and certificates."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models import DATE_RANGE

from .providers import MediationProvider
from .referral import Referral


class PlanIssue(models.TextChoices):
    """Issues in dispute that outcomes are recorded against."""

    SECTION_B = "B", "Section B: needs"
    SECTION_F = "F", "Section F: provision"
    SECTION_I = "I", "Section I: placement"
    HEALTH = "health", "Health care"
    SOCIAL_CARE = "social_care", "Social care"
    DECISION = "decision", "The decision itself"


class IssueOutcome(models.Model):
    class Result(models.TextChoices):
        AGREED = "agreed", "Agreed"
        PARTLY = "partly", "Partly agreed"
        NOT_AGREED = "not_agreed", "Not agreed"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="issue_outcomes")
    issue = models.CharField(max_length=15, choices=PlanIssue)
    result = models.CharField(max_length=12, choices=Result)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "issue"], name="referrals_one_outcome_per_issue")]

    def __str__(self):
        return f"{self.issue}: {self.result}"


class AgreementAction(models.Model):
    """Something the written agreement says will be done, tracked to completion (SEND Regs reg 42)."""

    class Owner(models.TextChoices):
        LA = "la", "The LA"
        ICB = "icb", "The ICB"

    class Basis(models.TextChoices):
        APPEALABLE = "appealable", "Appealable matter: Tribunal order timetable (reg 42(2))"
        OTHER = "other", "Other matter: 2 weeks (reg 42(3))"
        ICB_TO_LA = "icb_to_la", "ICB tells the LA of an agreement: 1 week (reg 42(4))"
        AGREED_IN_WRITING = "agreed", "Date the parties agreed in writing (reg 42(5))"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.CharField(max_length=5, choices=Owner)
    basis = models.CharField(max_length=12, choices=Basis)
    order_kind = models.CharField(
        "what the agreement requires (appealable matters)",
        max_length=30,
        blank=True,
        help_text="For appealable matters: which Tribunal-order timetable applies.",
    )
    step = models.CharField(
        "step of the timetable",
        max_length=30,
        blank=True,
        help_text="For appealable matters: which step of the Tribunal-order timetable this action is.",
    )
    due_on = models.DateField(
        validators=DATE_RANGE,
        help_text="Worked out from the agreement date and the basis; for dates agreed in writing, that date.",
    )
    done_on = models.DateField(null=True, blank=True, validators=DATE_RANGE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.description


class Certificate(models.Model):
    """A mediation certificate (CFA 2014 s.55). Never changed once issued; a correction is a new version."""

    class Kind(models.TextChoices):
        DECLINED = "declined", "Mediation declined (s.55(4))"
        CONCLUDED = "concluded", "Mediation concluded (s.55(5))"
        NOT_HELD = "not_held", "Mediation not held within 30 days"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="certificates")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates")
    version = models.PositiveSmallIntegerField(default=1)
    number = models.CharField("certificate number", max_length=40, unique=True)
    kind = models.CharField(max_length=12, choices=Kind)
    issued_on = models.DateField(validators=DATE_RANGE)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField(max_length=200)
    issuer_role = models.CharField(max_length=100)
    provider = models.ForeignKey(MediationProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    pdf = models.FileField(upload_to="certificates/", editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    correction_reason = models.CharField(max_length=500, blank=True)
    corrects_issue_date = models.BooleanField(
        "the correction is to the issue date",
        default=False,
        help_text="Only then does the appeal clock move to this certificate's date (decision 15).",
    )
    review_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The manager who confirmed a corrected certificate after legal review.",
    )
    review_confirmed_at = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="referrals_certificate_version_unique"),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(correction_reason=""), name="referrals_certificate_correction_reason"
            ),
        ]

    def __str__(self):
        return self.number
