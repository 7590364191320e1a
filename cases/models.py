"""Intake records: the disagreement case, the child or young person, the family contact, reference data
(schools and settings, health bodies, extra non-working days) and the case timeline.

Business rules live in rules.py (pure) and services.py (writes); this module holds fields, choices and
database constraints only.
"""

import re
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from . import validators
from .dates import validate_portal_date

# Dates a person types: 1 Jan 1900 to 31 Dec 2100 (docs/rules.md §8 D16).
DATE_RANGE = [validate_portal_date]

# --- Reference data -------------------------------------------------------------------------------------


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


# --- The case ------------------------------------------------------------------------------------------


class Decision(models.TextChoices):
    """The LA decision under dispute (docs/rules.md §1)."""

    RTA = "RTA", "Refusal to carry out an EHC needs assessment"
    RTI = "RTI", "Refusal to issue an EHC plan"
    CONTENT_B = "CONTENT-B", "Needs in section B of the plan"
    CONTENT_F = "CONTENT-F", "Special educational provision in section F"
    PLACEMENT_I = "PLACEMENT-I", "School or setting named in section I"
    RTR = "RTR", "Refusal to re-assess"
    RTAM = "RTAM", "Refusal to amend or replace the plan"
    CEASE = "CEASE", "Decision to cease to maintain the plan"
    HSC = "HSC", "Health or social care elements only"

    @property
    def short_label(self) -> str:
        """A few words for a list's column, in place of the code (which staff outside the SEN team do not know)."""
        return DECISION_SHORT_LABELS[self.value]


DECISION_SHORT_LABELS = {
    "RTA": "Refusal to assess",
    "RTI": "Refusal to issue a plan",
    "CONTENT-B": "Plan: needs (B)",
    "CONTENT-F": "Plan: provision (F)",
    "PLACEMENT-I": "Plan: placement (I)",
    "RTR": "Refusal to re-assess",
    "RTAM": "Refusal to amend the plan",
    "CEASE": "Ceasing the plan",
    "HSC": "Health or social care only",
}


class PlanSection(models.TextChoices):
    """EHC plan sections (SEND Regs 2014 reg 12)."""

    A = "A", "A: views, interests and aspirations"
    B = "B", "B: special educational needs"
    C = "C", "C: health care needs"
    D = "D", "D: social care needs"
    E = "E", "E: outcomes"
    F = "F", "F: special educational provision"
    G = "G", "G: health care provision"
    H1 = "H1", "H1: social care provision (CSDPA 1970 s.2)"
    H2 = "H2", "H2: other social care provision"
    I = "I", "I: placement"  # noqa: E741 - the plan section is called I
    J = "J", "J: personal budget"
    K = "K", "K: advice and information"


class Route(models.TextChoices):
    MEDIATION = "mediation", "Statutory mediation"
    DRS = "drs", "Disagreement resolution"
    PLACEMENT_ONLY = "placement_only", "Placement only"


class PartyType(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person acting for themselves (16 to 25)"
    ALTERNATIVE = "alternative", "Alternative person (young person lacks capacity)"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    ONLINE = "online", "Online form"
    IN_PERSON = "in_person", "In person"
    PROVIDER = "provider", "Through the mediation provider"
    SENDIASS = "sendiass", "Through SENDIASS"


class Status(models.TextChoices):
    """Disagreement case lifecycle (docs/rules.md §5). Transitions are in rules.py."""

    INTAKE = "intake", "Intake"
    TRIAGED = "triaged", "Triaged"
    DRS_ROUTE = "drs_route", "Disagreement resolution"
    DRS_MEETING_SCHEDULED = "drs_meeting_scheduled", "DRS meeting scheduled"
    DRS_MEETING_HELD = "drs_meeting_held", "DRS meeting held"
    RESOLVED = "resolved", "Resolved"
    PARTLY_RESOLVED = "partly_resolved", "Partly resolved"
    UNRESOLVED = "unresolved", "Unresolved"
    DRS_DECLINED = "drs_declined", "DRS declined"
    MEDIATION_ROUTE = "mediation_route", "Mediation"
    POST_MEDIATION = "post_mediation", "After mediation"
    PLACEMENT_ONLY = "placement_only", "Placement only"
    NOT_IN_SCOPE = "not_in_scope", "Not in scope"
    AGREEMENT_IMPLEMENTATION = "agreement_implementation", "Agreement being carried out"
    COMPLIED = "complied", "Agreement complied with"
    BREACHED = "breached", "Agreement breached"
    APPEAL_WINDOW_OPEN = "appeal_window_open", "Appeal window open"
    APPEAL_LODGED = "appeal_lodged", "Appeal lodged"
    CONCEDED_UNOPPOSED = "conceded_unopposed", "Conceded (unopposed appeal)"
    ORDER_MADE = "order_made", "Tribunal order made"
    APPEAL_WITHDRAWN = "appeal_withdrawn", "Appeal withdrawn"
    COMPLIANCE = "compliance", "Complying with order"
    WINDOW_EXPIRED = "window_expired", "Appeal window expired"
    WITHDRAWN = "withdrawn", "Withdrawn by the family"
    CLOSED = "closed", "Closed"


class NextStepBy(models.TextChoices):
    """Who must take a case's next step (cases.next_step)."""

    LA = "la", "The LA"
    FAMILY = "family", "The family"
    PROVIDER = "provider", "The provider"
    MEDIATOR = "mediator", "The mediator"
    ICB = "icb", "The ICB"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> Self:
        return self.exclude(status=Status.CLOSED)


class Case(models.Model):
    """One disagreement about one LA decision (docs/rules.md §5)."""

    reference = models.CharField(max_length=20, unique=True, editable=False)

    # The child or young person.
    child_first_name = models.CharField("first name", max_length=100)
    child_last_name = models.CharField("last name", max_length=100)
    child_date_of_birth = models.DateField("date of birth", validators=DATE_RANGE)
    upn = models.CharField(
        "UPN",
        max_length=13,
        blank=True,
        validators=[validators.validate_upn],
        help_text="Unique Pupil Number, if known: 13 characters starting with a check letter.",
    )
    nhs_number = models.CharField(
        "NHS number",
        max_length=12,
        blank=True,
        validators=[validators.validate_nhs_number],
        help_text="If known: 10 digits, for example 943 476 5919.",
    )

    # Who brings the disagreement.
    party_type = models.CharField("who brings the disagreement", max_length=20, choices=PartyType)
    party_name = models.CharField("full name", max_length=200)
    party_relationship = models.CharField(
        "relationship to the child",
        max_length=100,
        blank=True,
        help_text="For example mother, foster carer, deputy. Leave blank for a young person.",
    )
    phone = models.CharField(max_length=16, blank=True, validators=[validators.validate_uk_phone])
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validators.validate_uk_postcode])
    preferred_language = models.CharField(max_length=60, default="English")
    interpreter_needed = models.BooleanField(default=False)
    access_needs = models.TextField(blank=True)

    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="school or setting",
    )

    # The disagreement.
    route = models.CharField(max_length=20, choices=Route)
    decision = models.CharField("decision under dispute", max_length=12, choices=Decision, blank=True)
    sections_disputed = models.JSONField("EHC plan sections disputed", default=list, blank=True)
    health_involved = models.BooleanField("health care issues", default=False)
    social_care_involved = models.BooleanField("social care issues", default=False)
    icb = models.ForeignKey(
        HealthBody, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="ICB"
    )
    decision_sent_on = models.DateField(
        "date the decision letter was sent", null=True, blank=True, validators=DATE_RANGE
    )
    first_contact_on = models.DateField("date of first contact", validators=DATE_RANGE)
    first_contact_channel = models.CharField("how they first contacted us", max_length=20, choices=ContactChannel)
    sendiass_involved = models.BooleanField("SENDIASS involved", default=False)
    support_offered = models.BooleanField(
        "we told the family about SENDIASS and the Independent Supporters",
        default=False,
        help_text="Free, impartial information, advice and support, shown on the intake form and printed on letters.",
    )
    supporter_name = models.CharField("independent supporter or advocate", max_length=200, blank=True)

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="assigned officer",
    )
    status = models.CharField(max_length=30, choices=Status, default=Status.INTAKE)
    closed_on = models.DateField(null=True, blank=True, validators=DATE_RANGE)
    certificate_issued_on = models.DateField(
        "latest mediation certificate issued",
        null=True,
        blank=True,
        editable=False,
        help_text="Set by the certificate service; drives the appeal deadline (C9).",
    )
    withdrawn_reason = models.TextField(blank=True)
    # Denormalised from the open Deadline rows (kept by clock_services) so the case list can sort and
    # filter on the next clock with an index, at any size.
    next_deadline_on = models.DateField("next deadline", null=True, blank=True, editable=False)
    next_deadline_title = models.CharField(max_length=200, blank=True, editable=False)
    # The one next thing to do, who must do it and by when (cases.next_step), kept by the services whenever the case,
    # its clocks or its pathway change (cases.next_step_services), so lists filter on "my move" from an index.
    next_step = models.CharField("next step", max_length=200, blank=True, editable=False)
    next_step_by = models.CharField("next step is for", max_length=10, choices=NextStepBy, blank=True, editable=False)
    next_step_due_on = models.DateField("next step due", null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every edit of the intake details (services.case_update): the edit form carries the version it was
    # opened at, so a save from a form opened before someone else's save is caught instead of undoing it.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_all_cases", "Can see every case"),
            ("assign_officer", "Can assign an officer to a case"),
            ("change_case_status", "Can move a case through its lifecycle"),
            ("export_cases", "Can export case lists"),
            ("waive_deadline", "Can waive a statutory clock with a reason"),
            ("view_team_work", "Can see every officer's clocks and work queues"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="cases_case_status_idx"),
            # An officer's cases by status, sorted by next deadline from the index alone (the case list finds a
            # page's ids first, then reads those rows).
            models.Index(fields=["officer", "status", "next_deadline_on"], name="cases_case_officer_next_idx"),
            models.Index(fields=["child_last_name", "child_first_name"], name="cases_case_child_idx"),
            models.Index(fields=["child_date_of_birth", "decision_sent_on"], name="cases_case_dup_idx"),
            # A referral's or appeal's case decision (management figures by decision type) without reading the
            # case's row.
            models.Index(fields=["id", "decision"], name="cases_case_decision_of_idx"),
            models.Index(fields=["decision_sent_on"], name="cases_case_decision_idx"),
            models.Index(fields=["first_contact_on"], name="cases_case_contact_idx"),
            models.Index(fields=["next_deadline_on"], name="cases_case_next_deadline_idx"),
            # "My move" (the LA's next step, one officer's or anyone's) in due order, from the index alone.
            models.Index(fields=["next_step_by", "officer", "next_step_due_on"], name="cases_case_next_step_idx"),
            # The case list's default order (newest first) walks this index instead of sorting every case.
            models.Index(fields=["-created_at", "-id"], name="cases_case_created_idx"),
            # (The search by a child's name has vendor-specific indexes: migrations 0011 and 0013.)
            # Most cases are closed after a year or two: partial indexes over the open ones only, for an
            # officer's open cases (My work, the case list's "mine") and the unassigned intake queue.
            models.Index(
                # With the id, an officer's open cases are counted from the index alone on PostgreSQL too.
                fields=["officer", "status", "id"],
                condition=~Q(status="closed"),
                name="cases_case_open_officer_idx",
            ),
            models.Index(
                fields=["created_at", "id"],
                condition=Q(officer__isnull=True) & ~Q(status="closed"),
                name="cases_case_queue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="cases_case_status_valid"),
            models.CheckConstraint(condition=Q(route__in=Route.values), name="cases_case_route_valid"),
            models.CheckConstraint(condition=Q(decision__in=[*Decision.values, ""]), name="cases_case_decision_valid"),
            models.CheckConstraint(condition=Q(party_type__in=PartyType.values), name="cases_case_party_type_valid"),
            models.CheckConstraint(
                condition=Q(decision_sent_on__isnull=True) | Q(decision_sent_on__gte=models.F("child_date_of_birth")),
                name="cases_case_decision_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(decision_sent_on__isnull=True) | Q(first_contact_on__gte=models.F("decision_sent_on")),
                name="cases_case_contact_after_decision",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.pk])

    @property
    def decision_short(self) -> str:
        return Decision(self.decision).short_label if self.decision else ""

    @property
    def child_name(self):
        return f"{self.child_first_name} {self.child_last_name}"

    @property
    def is_closed(self):
        return self.status == Status.CLOSED


class CaseReferenceCounter(models.Model):
    """Per-year counter behind case references (SEND-2026-00042). Incremented with an atomic UPDATE
    so concurrent intakes never get the same number."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class CaseNote(models.Model):
    """A note on a case. Internal notes are for the LA only; shared notes are also seen by the mediator."""

    class Visibility(models.TextChoices):
        INTERNAL = "internal", "Internal to the LA"
        SHARED = "shared", "Shared with the mediator"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.INTERNAL)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=["internal", "shared"]), name="cases_casenote_visibility_valid"
            ),
        ]

    def __str__(self):
        return f"Note on {self.case_id} by {self.author_id}"


class CaseEvent(models.Model):
    """The case timeline: an append-only record written by every service that changes a case."""

    class Kind(models.TextChoices):
        CREATED = "created", "Case opened"
        UPDATED = "updated", "Details changed"
        OFFICER_ASSIGNED = "officer_assigned", "Officer assigned"
        STATUS_CHANGED = "status_changed", "Status changed"
        NOTE_ADDED = "note_added", "Note added"
        DEADLINE_MOVED = "deadline_moved", "Deadline moved"
        DEADLINE_MET = "deadline_met", "Deadline met"
        DEADLINE_WAIVED = "deadline_waived", "Deadline waived"
        REFERRAL = "referral", "Referral"
        MEDIATION = "mediation", "Mediation"
        CERTIFICATE = "certificate", "Certificate"
        AGREEMENT = "agreement", "Agreement"
        TRIBUNAL = "tribunal", "Tribunal"
        EXPORTED = "exported", "Exported"
        LEGAL_HOLD = "legal_hold", "Legal hold"
        ANONYMISED = "anonymised", "Anonymised"
        LETTER = "letter", "Letter sent"
        DOCUMENT = "document", "Document"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    description = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="cases_event_case_idx")]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


# --- Statutory clocks on cases ---------------------------------------------------------------------------


class Deadline(models.Model):
    """One statutory clock on one case (docs/rules.md §4): computed by cases.deadlines from recorded
    facts, stored so lists and dashboards can query it, and recomputed by services when a fact changes."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        MISSED = "missed", "Missed"
        WAIVED = "waived", "Waived"
        SUPERSEDED = "superseded", "No longer applies"

    class Binds(models.TextChoices):
        LA = "la", "The LA"
        FAMILY = "family", "The family"
        ADVISER = "adviser", "The mediation adviser"
        ICB = "icb", "The ICB"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    key = models.CharField(max_length=40, help_text="Unique per case: the clock code, or code:item.")
    clock = models.CharField(max_length=4)
    title = models.CharField(max_length=200)
    binds = models.CharField(max_length=10, choices=Binds, default=Binds.LA)
    due_on = models.DateField()
    due_time = models.TimeField(null=True, blank=True)
    facts = models.JSONField(default=dict, blank=True, help_text="The recorded facts the due date came from.")
    state = models.CharField(max_length=12, choices=State, default=State.OPEN)
    met_on = models.DateField(null=True, blank=True)
    needs_legal_review = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    waived_reason = models.CharField(max_length=500, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A copy of the case's officer, so one officer's clocks come from one index (cases_deadline_officer_idx)
    # rather than from every clock of every case they hold. Set from the case when a clock is created (save(),
    # and the bulk writers set it themselves) and moved with the case by services.case_assign_officer.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
        help_text="The officer holding the case (copied from the case).",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="cases_deadline_one_per_key"),
            models.CheckConstraint(
                condition=Q(state__in=["open", "met", "missed", "waived", "superseded"]),
                name="cases_deadline_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="met") | Q(met_on__isnull=False), name="cases_deadline_met_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(state="waived") | ~Q(waived_reason=""), name="cases_deadline_waived_has_reason"
            ),
        ]
        indexes = [
            # "overdue" and "due between" queries: open clocks by due date.
            models.Index(fields=["state", "due_on"], name="cases_deadline_due_idx"),
            # A case's clocks by state; with the clock and met date, a provider's certificate clocks (C2, C6, C8)
            # are counted from the index alone.
            models.Index(fields=["case", "state", "due_on", "clock", "met_on"], name="cases_deadline_case_idx"),
            models.Index(fields=["clock", "state"], name="cases_deadline_clock_idx"),
            # Clock compliance over a period (management dashboard): counted from the index alone, in its order.
            models.Index(fields=["clock", "due_on", "state", "met_on"], name="cases_deadline_compliance_idx"),
            # One officer's open clocks by due date (My work, the Deadlines page).
            models.Index(fields=["officer", "state", "due_on"], name="cases_deadline_officer_idx"),
            # The open clocks that are work for the LA (not the family's windows), by due date with their case: the
            # management dashboard's overdue and due-this-week counts read a few thousand entries, not every open
            # clock's row. (State and binds are in it too, so SQLite sees it holds all the query reads.)
            models.Index(
                fields=["state", "due_on", "binds", "case"],
                condition=Q(state="open") & ~Q(binds="family"),
                name="cases_deadline_la_open_idx",
            ),
            # A case's certificate clocks (C2, C6, C8) with what compliance needs: the providers' certificate
            # figures look up each referral's case here rather than among all of the case's clocks. The condition
            # is written as the query writes it (dashboards.selectors.certificate_clock): SQLite uses a partial
            # index only for a condition written alike, and never for an IN list of bound parameters.
            models.Index(
                fields=["case", "state", "due_on", "met_on", "clock"],
                condition=Q(clock="C2") | Q(clock="C6") | Q(clock="C8"),
                name="cases_deadline_certificate_idx",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.key} due {self.due_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not (self._state.adding and self.case_id is not None):
            return super().save(*args, **kwargs)
        # A new clock belongs to whoever holds the case now. Read under the case's row lock (which
        # case_assign_officer holds while it moves the case's clocks), not from a case object loaded earlier,
        # so a reassignment at the same moment cannot leave the new clock with the previous officer.
        with transaction.atomic():
            self.officer_id = (
                Case.objects.select_for_update().filter(pk=self.case_id).values_list("officer_id", flat=True).get()
            )
            return super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    @property
    def met_late(self):
        return self.state == self.State.MET and self.met_on is not None and self.met_on > self.due_on


class StaffPreference(models.Model):
    """Per-user settings: deadline reminder emails can be turned off."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    reminder_emails = models.BooleanField(
        "send me a daily email listing my clocks that are overdue or due soon", default=True
    )

    def __str__(self):
        return f"Preferences of {self.user_id}"


class ReminderSent(models.Model):
    """One row per officer per day a reminder was sent: running the command twice sends nothing new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    deadline_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "sent_on"], name="cases_reminder_once_a_day")]

    def __str__(self):
        return f"Reminder to {self.user_id} on {self.sent_on}"


class CoverQuerySet(models.QuerySet):
    def current(self, today):
        """Covers in force on `today` (not ended early)."""
        return self.filter(ended_early_at__isnull=True, starts_on__lte=today, ends_on__gte=today)

    def current_or_coming(self, today):
        return self.filter(ended_early_at__isnull=True, ends_on__gte=today)


class Cover(models.Model):
    """A colleague covers an officer's work while the officer is away. From `starts_on` to `ends_on` (both
    included) the officer's open clocks show on the colleague's My work and Deadlines pages and the officer's
    daily reminders go to the colleague. The cases stay the officer's: nothing moves back when the cover ends."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="covers")
    colleague = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="covering")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    ended_early_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_early_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    objects = CoverQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["colleague", "ends_on"]), models.Index(fields=["officer", "ends_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="cases_cover_ends_after_start"),
            models.CheckConstraint(condition=~Q(officer=F("colleague")), name="cases_cover_not_self"),
        ]

    def __str__(self):
        return f"Cover for {self.officer_id} by {self.colleague_id} {self.starts_on}-{self.ends_on}"
