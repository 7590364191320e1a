"""The mediation and disagreement-resolution pathway. Reference data: commissioned providers and their
independent mediators (docs/rules.md §9)."""

from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q

from cases.dates import validate_portal_date
from cases.models import Case, School

# Dates a person types: 1 Jan 1900 to 31 Dec 2100 (docs/rules.md §8 D16).
DATE_RANGE = [validate_portal_date]


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
        return self.user.get_full_name() or self.user.get_username()

    @property
    def language_list(self):
        return [lang.strip() for lang in self.languages.split(",") if lang.strip()]


# --- The pathway (docs/rules.md §5 and §9) -------------------------------------------------------------------


class PlanIssue(models.TextChoices):
    """Issues in dispute that outcomes are recorded against."""

    SECTION_B = "B", "Section B: needs"
    SECTION_F = "F", "Section F: provision"
    SECTION_I = "I", "Section I: placement"
    HEALTH = "health", "Health care"
    SOCIAL_CARE = "social_care", "Social care"
    DECISION = "decision", "The decision itself"


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


class Referral(models.Model):
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
    # A copy of the case's decision under dispute, so the management figures count referrals by decision type from
    # the referral's own index rather than looking up each referral's case. Set from the case when the referral is
    # made (save()) and moved with the decision by cases.services.case_update (register_decision_copy).
    case_decision = models.CharField(
        "case's decision under dispute",
        max_length=12,
        blank=True,
        editable=False,
        help_text="The decision under dispute on the case (copied from the case).",
    )
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.case_id is not None:
            with transaction.atomic():
                self.case_decision = case_decision_now(self.case_id)
                super().save(*args, **kwargs)
                return
        super().save(*args, **kwargs)

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


class MediationSession(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    class SessionStatus(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    class Party(models.TextChoices):
        FAMILY = "family", "The family"
        LA = "la", "The LA"
        ICB = "icb", "The ICB"
        MEDIATOR = "mediator", "The mediator"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="sessions")
    # A copy of the referral's case (a referral never moves to another case), set by save() when the session is
    # recorded: the SEN2 figures look up each held session's case appeals by it, rather than going through the
    # referral and the case.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        editable=False,
        related_name="+",
        db_index=False,
        help_text="The referral's case (copied from the referral).",
    )
    starts_at = models.DateTimeField("date and time", validators=DATE_RANGE)
    starts_on = models.DateField(
        "date",
        editable=False,
        help_text="The session's date in England, kept with starts_at by save(): the date-based figures (SEN2, days "
        "to mediation) read it instead of converting every start time to London time.",
    )
    mode = models.CharField(max_length=10, choices=Mode)
    venue = models.CharField(max_length=300, blank=True, help_text="Address, or the online meeting service.")
    notice_sent_on = models.DateField("date notice of the date and place was sent", validators=DATE_RANGE)
    short_notice_consent = models.BooleanField("the family agreed to less than 5 working days' notice", default=False)
    status = models.CharField(max_length=15, choices=SessionStatus, default=SessionStatus.PLANNED)
    cancelled_by = models.CharField(max_length=10, choices=Party, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    party_attended = models.BooleanField("parent or young person attended", default=False)
    supporter_attended = models.BooleanField("supporter or advocate attended", default=False)
    la_decision_maker_attended = models.BooleanField("LA decision-maker attended", default=False)
    icb_attended = models.BooleanField("ICB representative attended", default=False)
    interpreter_attended = models.BooleanField("interpreter attended", default=False)
    child_views_obtained = models.BooleanField("the child's views were obtained", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    calendar_sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="How many times the mediator's calendar invitation was changed or cancelled (its SEQUENCE).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            # Sessions by status and time; with the referral, the date in England and the case, the SEN2 figures
            # read the held sessions of a window from the index alone.
            models.Index(
                fields=["status", "starts_at", "referral", "starts_on", "case"], name="referrals_session_due_idx"
            ),
            # The first held session of each referral (days to mediation, SEN2 figures).
            models.Index(fields=["referral", "status", "starts_on", "starts_at"], name="referrals_session_first_idx"),
        ]

    def __str__(self):
        return f"Session {self.pk} on referral {self.referral_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.case_id is None and self.referral_id is not None:
            self.case_id = self.referral.case_id
        self.starts_on = england_date(self.starts_at)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "starts_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "starts_on"}
        super().save(*args, **kwargs)
        referral_first_held_refresh(self.referral_id)


def referral_first_held_refresh(referral_id: int) -> None:
    """Set the referral's copy of its first held session's date (Referral.first_held_on) from its sessions, in one
    UPDATE (in the caller's transaction: every session service runs in one)."""
    first = (
        MediationSession.objects.filter(referral=models.OuterRef("pk"), status=MediationSession.SessionStatus.HELD)
        .order_by("starts_on")
        .values("starts_on")[:1]
    )
    Referral.objects.filter(pk=referral_id).update(first_held_on=models.Subquery(first))


def case_decision_now(case_id: int) -> str:
    """The case's decision under dispute as it is now, read under the case's row lock (which case_update holds while
    it moves the copies), so a referral or appeal recorded at the same moment cannot keep the decision it replaced."""
    return Case.objects.select_for_update().filter(pk=case_id).values_list("decision", flat=True).get()


def england_date(moment) -> date:
    """The calendar date in England (settings.TIME_ZONE, Europe/London) of an aware datetime."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


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


class TribunalAppeal(models.Model):
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
    # A copy of the case's decision under dispute (as on Referral.case_decision): the appeals are counted by
    # decision type from their own indexes. Set when the appeal is recorded, moved by cases.services.case_update.
    case_decision = models.CharField(
        "case's decision under dispute",
        max_length=12,
        blank=True,
        editable=False,
        help_text="The decision under dispute on the case (copied from the case).",
    )
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.case_id is not None:
            with transaction.atomic():
                self.case_decision = case_decision_now(self.case_id)
                super().save(*args, **kwargs)
                return
        super().save(*args, **kwargs)


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
