"""What anonymising a case keeps and what it clears, field by field, for every model that hangs off a case.

The one place this is decided: services.cases_anonymise applies it, docs/retention.md lists it, and a test checks
that every concrete field of these models is either cleared or kept here (so a new field forces a decision) and
that the docs name every field.

Kept: everything the dashboards and the SEN2 figures read (dashboards/selectors/: statuses, routes, decision
types, dates of the process, clocks, referrals, sessions' dates and status, outcomes, appeals, the officer and the
mediator), so every figure is the same before and after. Cleared: names, contact details, the date of birth,
identifying numbers, free text and the certificate PDFs. Case notes are free text only and are deleted.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Case as When_
from django.db.models import CharField, Value
from django.db.models import When as Branch
from django.db.models.functions import Cast, Concat

from cases.models import Case, CaseEvent, CaseNote, Deadline, Status
from documents.models import Document
from letters.models import Letter
from referrals.models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    DisagreementResolution,
    IssueOutcome,
    MediationSession,
    MediatorAssignment,
    Referral,
    TribunalAppeal,
)

from .models import CaseRetention

ANONYMISED_FIRST_NAME = "Anonymised"
ANONYMISED_DATE_OF_BIRTH = date(1900, 1, 1)
"""The earliest date the portal accepts (docs/rules.md §8 D16): nobody of that age can use these routes, so it
cannot be mistaken for a real date of birth, and it keeps the case's 'decision after birth' constraint true."""
ANONYMISED_REFERENCE_PREFIX = "ANON-"
REASON_REMOVED = "Reason removed when the case was anonymised"
ACTION_REMOVED = "Agreed action (description removed when the case was anonymised)"


def _prefixed_pk(prefix: str):
    return Concat(Value(prefix), Cast("pk", output_field=CharField()), output_field=CharField())


def _if_filled(field: str, replacement: str):
    """`replacement` where the field has text, '' where it had none (a constraint may require the text)."""
    return When_(Branch(**{field: ""}, then=Value("")), default=Value(replacement), output_field=CharField())


# model -> (path from the model to the case, {field: what it becomes}). Applied with one UPDATE per model for a
# whole batch of cases. Case notes are deleted rather than cleared (they are nothing but free text).
CLEARED = {
    Case: (
        "",
        {
            "reference": _prefixed_pk(ANONYMISED_REFERENCE_PREFIX),
            "child_first_name": Value(ANONYMISED_FIRST_NAME),
            "child_last_name": Value(""),
            "child_date_of_birth": Value(ANONYMISED_DATE_OF_BIRTH),
            "upn": Value(""),
            "nhs_number": Value(""),
            "party_name": Value(""),
            "party_relationship": Value(""),
            "phone": Value(""),
            "email": Value(""),
            "address": Value(""),
            "postcode": Value(""),
            "preferred_language": Value(""),
            "access_needs": Value(""),
            "school": Value(None),
            "supporter_name": Value(""),
            "withdrawn_reason": Value(""),
        },
    ),
    Deadline: ("case", {"waived_reason": _if_filled("waived_reason", REASON_REMOVED)}),
    AdviserContact: ("case", {"adviser_name": Value("")}),
    Referral: ("case", {"provider_choice_reason": Value(""), "decline_detail": Value("")}),
    MediatorAssignment: ("referral__case", {"reason": Value("")}),
    MediationSession: ("referral__case", {"venue": Value(""), "cancel_reason": Value("")}),
    AgreementAction: ("referral__case", {"description": Value(ACTION_REMOVED)}),
    Certificate: (
        "case",
        {
            "number": _prefixed_pk(ANONYMISED_REFERENCE_PREFIX + "CERT-"),
            "pdf": Value(""),
            "correction_reason": _if_filled("correction_reason", REASON_REMOVED),
        },
    ),
    CaseRetention: ("case", {"hold_reason": Value("")}),
    # A letter's text names the family and the child; what kind it was, when and how it went stay.
    Letter: ("case", {"recipient": Value(""), "subject": Value(""), "body": Value("")}),
}

# The case timeline: each description is rewritten (services.safe_event) and its data keeps only these keys,
# which hold ids, statuses, clock keys and dates of the process, never free text or a date of birth.
SAFE_EVENT_KEYS = frozenset(
    {
        "from",
        "to",
        "fields",
        "key",
        "met_on",
        "referral",
        "session",
        "certificate",
        "provider",
        "mediator",
        "officer",
        "outcome",
        "status",
        "accepted",
        "choice",
        "late",
        "audit_entry",
        "note",
        "run",
    }
)
EVENT_REWRITTEN = {"description", "data"}

# Deleted with their files: a note is nothing but free text, and a document is the family's or the LA's own words.
DELETED_MODELS = (CaseNote, Document)

# Everything else, field by field: kept as it is.
KEPT = {
    Case: {
        "id",
        "party_type",
        "interpreter_needed",
        "route",
        "decision",
        "sections_disputed",
        "health_involved",
        "social_care_involved",
        "icb",
        "decision_sent_on",
        "first_contact_on",
        "first_contact_channel",
        "sendiass_involved",
        "support_offered",
        "officer",
        "status",
        "closed_on",
        "certificate_issued_on",
        "next_deadline_on",
        "next_deadline_title",
        "next_step",
        "next_step_by",
        "next_step_due_on",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    },
    CaseEvent: {"id", "case", "actor", "kind", "created_at"},
    Deadline: {
        "id",
        "case",
        "key",
        "clock",
        "title",
        "binds",
        "due_on",
        "due_time",
        "facts",
        "state",
        "met_on",
        "needs_legal_review",
        "note",
        "waived_by",
        "officer",
        "created_at",
        "updated_at",
    },
    AdviserContact: {"id", "case", "contacted_on", "choice", "provider", "late", "recorded_by", "created_at"},
    Referral: {
        "id",
        "case",
        "provider",
        "suggested_provider",
        "referred_on",
        "family_told_la_on",
        "provider_told_la_on",
        "health_issues",
        "health_only",
        "health_told_on",
        "icb_notified_on",
        "icb_received_on",
        "status",
        "responded_on",
        "decline_reason",
        "mediator",
        "not_held_notified_on",
        "concluded_on",
        "outcome",
        "agreement_on",
        "case_decision",
        "first_held_on",
        "created_by",
        "created_at",
        "updated_at",
    },
    MediatorAssignment: {"id", "referral", "mediator", "assigned_by", "assigned_at", "was_top_suggestion", "ended_at"},
    MediationSession: {
        "id",
        "referral",
        "case",
        "calendar_sequence",
        "starts_at",
        "starts_on",
        "mode",
        "notice_sent_on",
        "short_notice_consent",
        "status",
        "cancelled_by",
        "party_attended",
        "supporter_attended",
        "la_decision_maker_attended",
        "icb_attended",
        "interpreter_attended",
        "child_views_obtained",
        "recorded_by",
        "created_at",
    },
    IssueOutcome: {"id", "referral", "issue", "result"},
    AgreementAction: {"id", "referral", "owner", "basis", "order_kind", "step", "due_on", "done_on", "created_at"},
    Certificate: {
        "id",
        "case",
        "referral",
        "version",
        "kind",
        "issued_on",
        "issued_by",
        "issuer_name",
        "issuer_role",
        "provider",
        "sha256",
        "corrects_issue_date",
        "review_confirmed_by",
        "review_confirmed_at",
        "replaces",
        "created_at",
    },
    TribunalAppeal: {
        "id",
        "case",
        "registered_on",
        "la_told_on",
        "response_due_on",
        "hearing_on",
        "outcome",
        "outcome_on",
        "order_kind",
        "order_sent_on",
        "unopposed_kind",
        "unopposed_notified_on",
        "recommendation_on",
        "recommendation_to",
        "steps_done",
        "case_decision",
        "created_by",
        "created_at",
    },
    DisagreementResolution: {
        "id",
        "case",
        "kind",
        "provider",
        "referred_on",
        "meeting_on",
        "outcome",
        "outcome_on",
        "created_by",
        "created_at",
    },
    CaseRetention: {
        "id",
        "case",
        "stage",
        "anonymised_at",
        "delete_due_on",
        "legal_hold",
        "hold_by",
        "hold_since",
        "updated_at",
    },
    Letter: {"id", "case", "kind", "method", "sent_on", "sent_by", "created_at"},
}

# Every model whose rows belong to a case, with the path from it to the case: the audit log entries about these
# rows are scrubbed when the case is anonymised and deleted with it, and the DPO's access log for a case reads
# them. A model added for letters or documents goes here too.
CASE_ROWS = {
    Case: "",
    CaseNote: "case",
    Referral: "case",
    AdviserContact: "case",
    MediationSession: "referral__case",
    AgreementAction: "referral__case",
    Certificate: "case",
    TribunalAppeal: "case",
    DisagreementResolution: "case",
    CaseRetention: "case",
    Letter: "case",
    Document: "case",
}


def case_filter(path: str, case_ids) -> dict:
    """The filter() keywords selecting a model's rows for these cases."""
    return {"pk__in" if not path else f"{path}__in": case_ids}


def safe_event(kind: str, data: dict) -> tuple[str, dict]:
    """A timeline entry with nothing but its kind (and, for a status change, the two statuses): descriptions hold
    free text (reasons, names of the people who withdrew, venues) and cannot be cleaned word by word."""
    kept = {key: value for key, value in (data or {}).items() if key in SAFE_EVENT_KEYS}
    statuses = dict(Status.choices)
    if kind == CaseEvent.Kind.STATUS_CHANGED and kept.get("from") in statuses and kept.get("to") in statuses:
        return f"Status changed from {statuses[kept['from']]} to {statuses[kept['to']]}", kept
    label = dict(CaseEvent.Kind.choices).get(kind, "Event")
    return f"{label} (details removed when the case was anonymised)", kept
