"""Writes to cases. Each service runs in one transaction, re-checks permission and rules, and writes a
timeline event. Views and commands call these; nothing else changes a case."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Field, Model
from django.utils import timezone

from sendportal.formats import short_date
from sendportal.models import User

from . import clock_services, next_step_services, permissions, rules
from .deadlines import ClockCode
from .models import Case, CaseEvent, CaseNote, CaseReferenceCounter, Deadline, Status
from .timeline import case_event_record

REFERENCE_PREFIX = "SEND"

# Who brings the disagreement and how to reach them (the intake form shows them together).
PARTY_FIELDS = [
    "party_type",
    "party_name",
    "party_relationship",
    "phone",
    "email",
    "address",
    "postcode",
    "preferred_language",
    "interpreter_needed",
    "access_needs",
]
# Fields an officer may set on intake or edit (never status, officer or reference: those have services).
EDITABLE_FIELDS = [
    "support_offered",
    "child_first_name",
    "child_last_name",
    "child_date_of_birth",
    "upn",
    "nhs_number",
    *PARTY_FIELDS,
    "school",
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
    "supporter_name",
]

# Changing one of these moves statutory clocks: the timeline shows old and new values.
DATE_FIELDS = {"decision_sent_on", "first_contact_on", "child_date_of_birth"}
# Case facts the clocks are computed from (the route, the decision and its date, and what is disputed, which
# decides whether the family needs a certificate: decision 14).
CLOCK_FACTS = {
    "route",
    "decision",
    "decision_sent_on",
    "sections_disputed",
    "health_involved",
    "social_care_involved",
}


# Other apps keep a copy of a case's decision under dispute on their own rows (referrals and tribunal appeals, so the
# management figures count them by decision type without looking up each case). They register the model here, and
# case_update moves the copies with the decision under the case's row lock; cases never imports those apps.
_DECISION_COPIES: list[type[Model]] = []


def register_decision_copy(model: type[Model]) -> type[Model]:
    """Register a model with a `case` foreign key and a `case_decision` copy of that case's decision."""
    if model not in _DECISION_COPIES:
        _DECISION_COPIES.append(model)
    return model


def next_case_reference(year: int) -> str:
    """Allocate the next reference for `year` (SEND-2026-00042).

    The counter row is bumped with a single UPDATE ... SET n = n + 1, which the database serialises (row lock
    on PostgreSQL, write lock on SQLite), then read back inside the same transaction: no two intakes can get the
    same number. Must run inside a transaction."""
    updated = CaseReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    if not updated:
        try:
            with transaction.atomic():
                CaseReferenceCounter.objects.create(year=year, last_number=1)
        except IntegrityError:
            # Another intake created this year's counter first: take the next number instead.
            CaseReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = CaseReferenceCounter.objects.get(year=year).last_number
    return f"{REFERENCE_PREFIX}-{year}-{number:05d}"


def _check_intake(case: Case, today: date) -> None:
    """Impossible sequences refused, with the age rule applied on the day the case was taken in."""
    taken_in_on = timezone.localdate(case.created_at) if case.pk and case.created_at else today
    problems = rules.intake_problems(
        taken_in_on=taken_in_on,
        today=today,
        date_of_birth=case.child_date_of_birth,
        decision_sent_on=case.decision_sent_on,
        first_contact_on=case.first_contact_on,
        party_type=case.party_type,
        route=case.route,
        decision=case.decision,
        sections_disputed=case.sections_disputed,
    )
    if problems:
        raise ValidationError(problems)


def _can_hold_cases(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_perm("cases.change_case_status")


@transaction.atomic
def case_create(*, actor: User, data: dict[str, Any]) -> Case:
    """Take in a new disagreement. `data` holds EDITABLE_FIELDS values (already parsed by a form), and may name the
    officer who is to hold it (None: the intake queue); without one, the officer taking it in holds it, or nobody if
    they cannot hold cases (docs/rules.md §8 D19)."""
    if not actor.has_perm("cases.add_case"):
        raise PermissionDenied
    case = Case(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    officer = data["officer"] if "officer" in data else (actor if _can_hold_cases(actor) else None)
    if officer is not None and not _can_hold_cases(officer):
        raise ValidationError({"officer": "That person cannot hold cases."})
    case.officer = officer
    case.status = Status.INTAKE
    case.created_by = actor
    today = timezone.localdate()
    _check_intake(case, today)
    case.reference = next_case_reference(today.year)
    case.full_clean()
    case.save()
    case_event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.CREATED,
        description=f"Case {case.reference} opened ({case.get_route_display().lower()})",
    )
    if officer is not None:
        case_event_record(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.OFFICER_ASSIGNED,
            description=f"Assigned to {officer.display_name}",
            data={"officer": officer.pk},
        )
    clock_services.case_clocks_recompute(case=case, actor=actor)
    return case


@transaction.atomic
def case_update(*, case: Case, actor: User, data: dict[str, Any], version: int | None = None) -> Case:
    """Change intake details, saving only what changed; date corrections are shown old -> new.

    `version` is the version the edit form was opened at: if someone has saved since, nothing is saved and
    StaleEdit says what they changed (optimistic concurrency, checked under the case's row lock)."""
    if not permissions.can_edit_case(actor, case):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and version != case.version:
        fields, who, at = _changes_since(case, version)
        raise StaleEdit(case=case, fields=fields, actor=who, at=at)
    changed, moves = _apply_edits(case, data)
    if not changed:
        return case
    _check_intake(case, timezone.localdate())
    case.full_clean()
    case.version += 1
    case.save(update_fields=[*changed, "version", "updated_at"])
    if "decision" in changed:
        for model in _DECISION_COPIES:
            model._default_manager.filter(case=case).update(case_decision=case.decision)
    case_event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.UPDATED,
        description=_update_description(changed, moves),
        data={"fields": changed, "dates": moves, "version": case.version},
    )
    if CLOCK_FACTS.intersection(changed):
        reason = "decision letter date corrected" if "decision_sent_on" in changed else "case details changed"
        clock_services.case_clocks_recompute(case=case, actor=actor, reason=reason)
    else:
        next_step_services.case_next_step_refresh(case)
    return case


def _apply_edits(case: Case, data: dict[str, Any]) -> tuple[list[str], dict[str, list[str | None]]]:
    """Set on `case` each editable field whose value `data` changes. Returns the changed fields and, for the dates
    among them, [old, new] in ISO form."""
    changed: list[str] = []
    moves: dict[str, list[str | None]] = {}
    for field, value in data.items():
        if field not in EDITABLE_FIELDS:
            continue
        old = getattr(case, field)
        if old == value:
            continue
        changed.append(field)
        if field in DATE_FIELDS:
            moves[field] = [old.isoformat() if old else None, value.isoformat() if value else None]
        setattr(case, field, value)
    return changed, moves


def _update_description(changed: list[str], moves: dict[str, list[str | None]]) -> str:
    """ "Changed <fields>", then each moved date old to new."""
    description = "Changed " + ", ".join(_label(f) for f in changed)
    for field, (old, new) in moves.items():
        description += f"; {_label(field)}: {_fmt(old)} to {_fmt(new)}"
    return description


class StaleEdit(ValidationError):
    """The edit form was opened at an older version of the case: someone saved in between. Carries the case as
    saved now and what was changed since (field names, and who changed them last and when)."""

    def __init__(self, *, case: Case, fields: list[str], actor: User | None, at: datetime | None) -> None:
        super().__init__("Someone else saved changes to this case after this form was opened.", code="stale")
        self.case, self.fields, self.actor, self.at = case, fields, actor, at


def _changes_since(case: Case, version: int) -> tuple[list[str], User | None, datetime | None]:
    """Fields changed by the edits saved after `version`, with the actor and time of the latest of them."""
    fields: list[str] = []
    latest = None
    events = case.events.filter(kind=CaseEvent.Kind.UPDATED, data__version__gt=version).select_related("actor")
    for event in events.order_by("created_at", "id"):
        fields += [f for f in event.data.get("fields", []) if f not in fields]
        latest = event
    return fields, latest.actor if latest else None, latest.created_at if latest else None


def _label(field_name: str) -> str:
    """A case field's name as people read it (its verbose name)."""
    field = Case._meta.get_field(field_name)
    return str(field.verbose_name) if isinstance(field, Field) else field_name


def _fmt(iso: str | None) -> str:
    return short_date(date.fromisoformat(iso)) if iso else "none"


@transaction.atomic
def case_assign_officer(*, case: Case, actor: User, officer: User | None, reason: str = "") -> Case:
    if not permissions.can_assign_officer(actor, case):
        raise PermissionDenied
    if officer is not None and not _can_hold_cases(officer):
        raise ValidationError({"officer": "That person cannot hold cases."})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.officer_id == (officer.pk if officer else None):
        return case
    case.officer = officer
    case.save(update_fields=["officer", "updated_at"])
    Deadline.objects.filter(case=case).update(officer=officer)  # the case's clocks go with it
    who = officer.display_name if officer else "nobody"
    case_event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.OFFICER_ASSIGNED,
        description=f"Assigned to {who}" + (f": {reason}" if reason else ""),
        data={"officer": officer.pk if officer else None, **({"reason": reason} if reason else {})},
    )
    next_step_services.case_next_step_refresh(case)  # a case nobody holds: assign an officer
    return case


@transaction.atomic
def case_change_status(*, case: Case, actor: User, to_status: str, reason: str = "", authorised: bool = False) -> Case:
    """Move a case along an allowed transition of its lifecycle (docs/rules.md §5).

    `authorised=True` is for other services that move the case as a consequence of an action they have
    already authorised (a mediator concluding a mediation moves the case to "after mediation")."""
    if not authorised and not permissions.can_change_status(actor, case):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case.pk)
    appeal_window = case.deadlines.filter(key=ClockCode.C9).exclude(state=Deadline.State.SUPERSEDED).first()
    problems = rules.transition_problems(
        status=case.status,
        target=to_status,
        route=case.route,
        decision=case.decision,
        decision_sent_on=case.decision_sent_on,
        sections_disputed=case.sections_disputed,
        reason=reason,
        today=timezone.localdate(),
        appeal_window_closes_on=appeal_window.due_on if appeal_window else None,
    )
    if problems:
        raise ValidationError(problems)
    old = case.status
    case.status = to_status
    fields = ["status", "updated_at"]
    if to_status == Status.CLOSED:
        case.closed_on = timezone.localdate()
        fields.append("closed_on")
    if to_status == Status.WITHDRAWN:
        case.withdrawn_reason = reason.strip()
        fields.append("withdrawn_reason")
    case.save(update_fields=fields)
    description = f"Status changed from {Status(old).label} to {Status(to_status).label}"
    if reason.strip():
        description += f": {reason.strip()}"
    case_event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.STATUS_CHANGED,
        description=description,
        data={"from": old, "to": to_status},
    )
    if to_status in (Status.CLOSED, Status.WINDOW_EXPIRED):
        # Closing settles every open clock (missed if already due, otherwise no longer applies); an expired window
        # is C9 missed. The providers say so from the new status.
        clock_services.case_clocks_recompute(case=case, actor=actor, reason=f"case {Status(to_status).label.lower()}")
    else:
        next_step_services.case_next_step_refresh(case)
    return case


@transaction.atomic
def case_note_add(*, case: Case, actor: User, text: str, visibility: str = CaseNote.Visibility.INTERNAL) -> CaseNote:
    if not permissions.can_add_note(actor, case):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": "Enter the note."})
    note = CaseNote(case=case, author=actor, text=text.strip(), visibility=visibility)
    note.full_clean()
    note.save()
    label = "Shared note" if visibility == CaseNote.Visibility.SHARED else "Internal note"
    case_event_record(case=case, actor=actor, kind=CaseEvent.Kind.NOTE_ADDED, description=f"{label} added")
    return note
