"""Contact with the mediation adviser, the referral of a case to a provider, and who was assigned to mediate."""

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from cases.models import DATE_RANGE, Case

from .providers import MediationProvider, Mediator


def case_decision_now(case_id: int) -> str:
    """The case's decision under dispute as it is now, read under the case's row lock (which case_update holds while
    it moves the copies), so a referral or appeal recorded at the same moment cannot keep the decision it replaced."""
    return Case.objects.select_for_update().filter(pk=case_id).values_list("decision", flat=True).get()


class CopiesCaseDecision:
    """A pathway row that keeps a copy of its case's decision under dispute (`case_decision`), so the management
    figures count by decision type from the row's own indexes. Set from the case when the row is first saved,
    and moved with the decision by cases.services.case_update (register_decision_copy)."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.case_id is not None:
            with transaction.atomic():
                self.case_decision = case_decision_now(self.case_id)
                super().save(*args, **kwargs)
                return
        super().save(*args, **kwargs)


def case_decision_field() -> models.CharField:
    """The field a CopiesCaseDecision row holds its copy of the case's decision in."""
    return models.CharField(
        "case's decision under dispute",
        max_length=12,
        blank=True,
        editable=False,
        help_text="The decision under dispute on the case (copied from the case).",
    )


class AdviserContact(models.Model):
    """The family's contact with the independent mediation adviser (checked against C1)."""

    class Choice(models.TextChoices):
        MEDIATION = "mediation", "Wants mediation"
        NO_MEDIATION = "no_mediation", "Does not want mediation: certificate only"
        PLACEMENT_INFO = "placement_info", "Placement only: information given, no certificate needed"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="adviser_contact")
    contacted_on = models.DateField("date the family contacted the adviser", validators=DATE_RANGE)
    choice = models.CharField("what the family chose", max_length=20, choices=Choice)
    provider = models.ForeignKey(
        MediationProvider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="adviser's provider",
    )
    adviser_name = models.CharField(max_length=200, blank=True)
    late = models.BooleanField(default=False, help_text="Contacted after the 2-month limit (C1): flagged, not refused.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(choice__in=["mediation", "no_mediation", "placement_info"]),
                name="referrals_adviser_choice_valid",
            )
        ]

    def __str__(self):
        return f"Adviser contact for {self.case_id}"


class Referral(CopiesCaseDecision, models.Model):
    """A referral of one case to a provider for mediation. A provider's decline ends this referral and
    returns the case to the referral queue; a new referral is then made (the statutory clocks run on)."""

    class Status(models.TextChoices):
        REFERRED = "referred", "Waiting for the provider"
        DECLINED = "declined", "Declined by the provider"
        ACCEPTED = "accepted", "Accepted: mediator to be assigned"
        ASSIGNED = "assigned", "Mediator assigned"
        SCHEDULED = "scheduled", "Session arranged"
        HELD = "held", "Session held"
        CONCLUDED = "concluded", "Mediation concluded"
        NOT_HELD = "not_held", "Not held within 30 days"
        WITHDRAWN = "withdrawn", "Family withdrew"
        LA_CONCEDED = "la_conceded", "LA conceded before the meeting"

    class DeclineReason(models.TextChoices):
        CONFLICT = "conflict", "Conflict of interest"
        NO_CAPACITY = "no_capacity", "No capacity"
        OUTSIDE_CONTRACT = "outside_contract", "Outside the contract"
        OTHER = "other", "Other"

    class Outcome(models.TextChoices):
        FULL = "full", "Full agreement"
        PARTIAL = "partial", "Partial agreement"
        NONE = "none", "No agreement"
        WITHDRAWN = "withdrawn", "Withdrawn"
        LA_CONCEDED = "la_conceded", "LA conceded"
        NOT_HELD = "not_held", "Not held within 30 days"
        DECLINED = "declined", "Declined"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey(MediationProvider, on_delete=models.PROTECT, related_name="referrals")
    suggested_provider = models.ForeignKey(
        MediationProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_choice_reason = models.CharField("reason for not using the suggested provider", max_length=500, blank=True)
    referred_on = models.DateField(validators=DATE_RANGE)
    family_told_la_on = models.DateField("date the family told the LA they want mediation", validators=DATE_RANGE)
    provider_told_la_on = models.DateField(
        "date the provider told the LA", null=True, blank=True, validators=DATE_RANGE
    )
    health_issues = models.BooleanField("the issues include health care provision", default=False)
    health_only = models.BooleanField("the issues are only health care provision (ICB arranges)", default=False)
    health_told_on = models.DateField(
        "date the LA was told the issues include health", null=True, blank=True, validators=DATE_RANGE
    )
    icb_notified_on = models.DateField("date the LA notified the ICB", null=True, blank=True, validators=DATE_RANGE)
    icb_received_on = models.DateField(
        "date the ICB received the notice",
        null=True,
        blank=True,
        validators=DATE_RANGE,
        help_text="Health-only mediation (C5) runs from this day; the day the notice was sent when not known.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.REFERRED)
    responded_on = models.DateField("date the provider responded", null=True, blank=True, validators=DATE_RANGE)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason, blank=True)
    decline_detail = models.CharField(max_length=500, blank=True)
    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    not_held_notified_on = models.DateField(
        "date the adviser was told mediation cannot be held within 30 days",
        null=True,
        blank=True,
        validators=DATE_RANGE,
    )
    concluded_on = models.DateField(null=True, blank=True, validators=DATE_RANGE)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    agreement_on = models.DateField("date of the written agreement", null=True, blank=True, validators=DATE_RANGE)
    # A copy of the case's decision under dispute (CopiesCaseDecision), so the management figures count referrals by
    # decision type from the referral's own index rather than looking up each referral's case.
    case_decision = case_decision_field()
    # A copy of the date (in England) of the referral's first held session, so the providers' days to mediation
    # are summed from the referral rows rather than by looking up each referral's sessions. Kept by
    # MediationSession.save(), whichever service records, corrects or holds a session.
    first_held_on = models.DateField(
        "first session held",
        null=True,
        blank=True,
        editable=False,
        help_text="The date of the first held session (copied from the sessions).",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        permissions = [
            ("manage_referrals", "Can refer cases, record provider responses and assign mediators"),
            ("view_all_referrals", "Can see every referral"),
            ("act_as_mediator", "Can record sessions, outcomes and certificates on own referrals"),
            ("issue_certificate", "Can issue mediation certificates"),
            ("manage_tribunal", "Can record tribunal appeals and compliance"),
        ]
        indexes = [
            models.Index(fields=["status", "referred_on"], name="referrals_ref_status_idx"),
            # A mediator's referrals: counted by stage and outcome from the index alone (the mediator's home),
            # and listed newest first without sorting them all (the referrals page).
            models.Index(fields=["mediator", "status", "outcome"], name="referrals_ref_mediator_st_idx"),
            models.Index(fields=["mediator", "-referred_on", "-id"], name="referrals_ref_mediator_new_idx"),
            # A provider's referrals in a period with everything the providers' figures read (responses, the
            # mediation clock's start, the first held session, the outcome, and the case for its certificate
            # clocks): counted from the index alone, without reading a referral row.
            models.Index(
                fields=[
                    "provider",
                    "referred_on",
                    "status",
                    "outcome",
                    "responded_on",
                    "family_told_la_on",
                    "provider_told_la_on",
                    "first_held_on",
                    "case",
                ],
                name="referrals_ref_provider_idx",
            ),
            # A case's referrals by outcome and conclusion date (was a decision changed at mediation?).
            models.Index(fields=["case", "outcome", "concluded_on"], name="referrals_ref_case_outcome_idx"),
            # Referrals concluded in a period, counted by outcome and the case's decision (the copy) from the index
            # alone; with the case, for one officer's figures.
            models.Index(
                fields=["concluded_on", "outcome", "case_decision", "case"], name="referrals_ref_concluded_idx"
            ),
            # The referral list's default order (newest first) walks this index.
            models.Index(fields=["-referred_on", "-id"], name="referrals_ref_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "referred",
                        "declined",
                        "accepted",
                        "assigned",
                        "scheduled",
                        "held",
                        "concluded",
                        "not_held",
                        "withdrawn",
                        "la_conceded",
                    ]
                ),
                name="referrals_referral_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="referrals_decline_has_reason"
            ),
        ]

    def __str__(self):
        return f"Referral {self.pk} of {self.case_id}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("referrals:detail", args=[self.pk])

    @property
    def clock_start(self):
        """C4 runs from the earlier of the two dates the LA was told (docs/rules.md §8 D6)."""
        dates = [d for d in (self.family_told_la_on, self.provider_told_la_on) if d]
        return min(dates) if dates else None

    @property
    def is_active(self):
        return self.status not in {
            self.Status.DECLINED,
            self.Status.CONCLUDED,
            self.Status.WITHDRAWN,
            self.Status.LA_CONCEDED,
        }


class MediatorAssignment(models.Model):
    """Who was assigned to a referral, when and why; reassignment keeps the history."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="assignments")
    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    was_top_suggestion = models.BooleanField(default=True)
    reason = models.CharField("reason for not choosing the top suggestion", max_length=500, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assigned_at", "-id"]

    def __str__(self):
        return f"{self.mediator_id} on referral {self.referral_id}"
