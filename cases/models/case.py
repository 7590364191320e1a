"""The disagreement case and the counter behind its references."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .. import validators
from .choices import ContactChannel, Decision, NextStepBy, PartyType, Route, Status
from .reference import DATE_RANGE, HealthBody, School


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
                # With whose move it is and the id, My work counts an officer's open cases by stage and by whose
                # move it is from the index alone (and PostgreSQL counts them without the table too).
                fields=["officer", "status", "next_step_by", "id"],
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
