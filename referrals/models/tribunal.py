"""Tribunal appeals, and disagreement resolution (CFA 2014 s.57)."""

from django.conf import settings
from django.db import models

from cases.models import DATE_RANGE

from .providers import MediationProvider
from .referral import CopiesCaseDecision, case_decision_field


class TribunalAppeal(CopiesCaseDecision, models.Model):
    """An appeal the LA has been told of (the Tribunal sets its own dates: C17)."""

    class RecommendationTo(models.TextChoices):
        LA = "la", "LA social care"
        ICB = "icb", "The ICB (health)"
        BOTH = "both", "Both the ICB and LA social care"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        PARTLY_UPHELD = "partly_upheld", "Partly upheld"
        DISMISSED = "dismissed", "Dismissed"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CONCEDED = "conceded", "Conceded"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="appeals")
    registered_on = models.DateField("date the Tribunal registered the appeal", validators=DATE_RANGE)
    la_told_on = models.DateField("date the LA was told", validators=DATE_RANGE)
    response_due_on = models.DateField("LA response due (as directed)", null=True, blank=True, validators=DATE_RANGE)
    hearing_on = models.DateField("hearing date (as directed)", null=True, blank=True, validators=DATE_RANGE)
    outcome = models.CharField(max_length=15, choices=Outcome, blank=True)
    outcome_on = models.DateField(null=True, blank=True, validators=DATE_RANGE)
    order_kind = models.CharField("what the order requires", max_length=30, blank=True)
    order_sent_on = models.DateField("date the order was sent out", null=True, blank=True, validators=DATE_RANGE)
    unopposed_kind = models.CharField("unopposed appeal: decision conceded", max_length=30, blank=True)
    unopposed_notified_on = models.DateField(
        "date the LA told the Tribunal it will not oppose", null=True, blank=True, validators=DATE_RANGE
    )
    recommendation_on = models.DateField(
        "date of health or social care recommendations", null=True, blank=True, validators=DATE_RANGE
    )
    recommendation_to = models.CharField(
        "recommendations made to",
        max_length=4,
        choices=RecommendationTo,
        default=RecommendationTo.LA,
        help_text="Who must respond within 5 weeks (C16).",
    )
    steps_done = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The day each compliance step (clock key) was carried out.",
    )
    # A copy of the case's decision under dispute (CopiesCaseDecision): the appeals are counted by decision type
    # from their own indexes.
    case_decision = case_decision_field()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-registered_on", "-id"]
        indexes = [
            # Appeals registered, or decided, in a period: counted by outcome and the case's decision (the copy)
            # from the indexes alone; with the case, for one officer's figures.
            models.Index(
                fields=["registered_on", "outcome", "outcome_on", "case_decision", "case"],
                name="referrals_appeal_reg_idx",
            ),
            models.Index(
                fields=["outcome_on", "outcome", "registered_on", "case_decision", "case"],
                name="referrals_appeal_outcome_idx",
            ),
            # A case's latest appeal (SEN2: was a mediation followed by an appeal?) from the index alone.
            models.Index(fields=["case", "registered_on"], name="referrals_appeal_case_idx"),
        ]

    def __str__(self):
        return f"Appeal {self.pk} on {self.case_id}"


class DisagreementResolution(models.Model):
    """Disagreement resolution (CFA 2014 s.57): voluntary, no certificate, no statutory timescale."""

    class Kind(models.TextChoices):
        LA_OR_EDUCATION_BODY = "la_education", "Family and the LA or an education body: how duties are carried out"
        SCHOOL_PROVISION = "school_provision", "Family and a school or college: the special educational provision"
        HEALTH_DURING_PROCESS = "health_process", "Family and health commissioners during assessment or review"
        SOCIAL_CARE_DURING_PROCESS = (
            "social_care_process",
            "Family and the LA about social care provision during assessment, plan drafting or review",
        )
        LA_AND_HEALTH = "la_health", "The LA and health commissioners during assessment or review"

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "Resolved"
        PARTLY_RESOLVED = "partly_resolved", "Partly resolved"
        UNRESOLVED = "unresolved", "Unresolved"
        DECLINED = "declined", "Declined"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="drs_referrals")
    kind = models.CharField("kind of disagreement", max_length=20, choices=Kind)
    provider = models.ForeignKey(MediationProvider, on_delete=models.PROTECT, related_name="drs_referrals")
    referred_on = models.DateField(validators=DATE_RANGE)
    meeting_on = models.DateField(null=True, blank=True, validators=DATE_RANGE)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    outcome_on = models.DateField(null=True, blank=True, validators=DATE_RANGE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self):
        return f"DRS {self.pk} on {self.case_id}"
