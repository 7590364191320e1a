"""Statutory clocks on cases: the one way to store, move, meet, waive and recompute a Deadline row.

Due dates come only from cases.deadlines (pure). This module supplies the facts, the working-day calendar
(England and Wales bank holidays plus the admin's extra non-working days) and today's London date, and
writes a timeline event whenever a due date appears or moves. The referrals app sets the clocks only it has
facts for (C2-C8, C10-C16) through deadline_set(); the case-level clocks (C1, C9) are computed here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import deadlines
from .models import Case, CaseEvent, Deadline, Decision, NonWorkingDay, Route, Status

# Decisions whose appeal needs a mediation certificate first (send-rules.md 2.1); HSC has no appeal at all.
APPEALABLE_DECISIONS = {d for d in Decision.values if d != Decision.HSC}
CERTIFICATE_NEEDED = APPEALABLE_DECISIONS - {Decision.PLACEMENT_I}


@dataclass(frozen=True)
class ClockSpec:
    """A computed clock, ready to store."""

    key: str
    clock: str
    due_on: date
    binds: str
    facts: dict
    due_time: time | None = None
    needs_legal_review: bool = False
    note: str = ""
    title: str = ""

    @property
    def display_title(self) -> str:
        return self.title or deadlines.CLOCKS[self.clock].title


def working_calendar() -> deadlines.EnglandBankHolidaysPlus:
    """England and Wales bank holidays plus the extra non-working days kept in the admin."""
    return deadlines.EnglandBankHolidaysPlus(NonWorkingDay.objects.active().values_list("day", flat=True))


def fmt(day: date | None) -> str:
    return day.strftime("%a %-d %b %Y") if day else "none"


# --- Pure: which case-level clocks apply, from the case's own facts ---------------------------------------


def case_level_clocks(
    *, route: str, decision: str, decision_sent_on: date | None, certificate_issued_on: date | None, calendar
) -> list[ClockSpec]:
    """C1 (contact the adviser) and C9 (appeal deadline) from the facts the case holds."""
    specs: list[ClockSpec] = []
    if decision_sent_on is None or decision not in APPEALABLE_DECISIONS or route == Route.DRS:
        return specs
    if decision in CERTIFICATE_NEEDED:
        specs.append(
            ClockSpec(
                key="C1", clock="C1", binds=Deadline.Binds.FAMILY,
                due_on=deadlines.adviser_contact_deadline(decision_sent_on),
                facts={"decision_sent_on": decision_sent_on.isoformat()},
            )
        )
    detail = deadlines.appeal_deadline_detail(decision_sent_on, certificate_issued_on, holidays=calendar)
    facts = {
        "decision_sent_on": decision_sent_on.isoformat(),
        "limb": detail.limb,
        "raw_end": detail.raw_end.isoformat(),
    }
    if certificate_issued_on:
        facts["certificate_issued_on"] = certificate_issued_on.isoformat()
    note = detail.adjustment
    if detail.needs_legal_review:
        note = f"Needs legal review: {detail.review_reason}" if detail.review_reason else "Needs legal review"
    specs.append(
        ClockSpec(
            key="C9", clock="C9", binds=Deadline.Binds.FAMILY, due_on=detail.due, due_time=detail.due_time,
            facts=facts, needs_legal_review=detail.needs_legal_review, note=note[:300],
        )
    )
    return specs


# --- Writes ------------------------------------------------------------------------------------------------


def case_next_deadline_refresh(case: Case) -> None:
    """Copy the earliest open clock onto the case (for the case list's column, sort and filter)."""
    nxt = Deadline.objects.filter(case=case, state=Deadline.State.OPEN).order_by("due_on", "id").first()
    on, title = (nxt.due_on, nxt.title) if nxt else (None, "")
    Case.objects.filter(pk=case.pk).update(next_deadline_on=on, next_deadline_title=title)
    case.next_deadline_on, case.next_deadline_title = on, title


def cases_next_deadline_refresh(case_ids) -> None:
    """Bulk version for many cases: two queries per batch."""
    case_ids = list(case_ids)
    earliest: dict[int, tuple[date, str]] = {}
    rows = (
        Deadline.objects.filter(case_id__in=case_ids, state=Deadline.State.OPEN)
        .order_by("case_id", "-due_on", "-id")
        .values_list("case_id", "due_on", "title")
    )
    for case_id, due_on, title in rows:
        earliest[case_id] = (due_on, title)  # ordered descending, so the last one kept is the earliest
    updates = []
    for case in Case.objects.filter(pk__in=case_ids).only("id", "next_deadline_on", "next_deadline_title"):
        on, title = earliest.get(case.pk, (None, ""))
        if (case.next_deadline_on, case.next_deadline_title) != (on, title):
            case.next_deadline_on, case.next_deadline_title = on, title
            updates.append(case)
    Case.objects.bulk_update(updates, ["next_deadline_on", "next_deadline_title"], batch_size=1000)


def _event(case, actor, kind, description, data=None):
    from .services import case_event_record

    return case_event_record(case=case, actor=actor, kind=kind, description=description, data=data)


@transaction.atomic
def deadline_set(*, case: Case, spec: ClockSpec, actor, reason: str = "") -> Deadline:
    """Create or update the clock `spec.key` on `case`. A new or moved due date goes on the timeline."""
    existing = Deadline.objects.select_for_update().filter(case=case, key=spec.key).first()
    title = spec.display_title
    if existing is None:
        deadline = Deadline.objects.create(
            case=case, key=spec.key, clock=spec.clock, title=title, binds=spec.binds, due_on=spec.due_on,
            due_time=spec.due_time, facts=spec.facts, needs_legal_review=spec.needs_legal_review, note=spec.note,
        )
        _event(
            case, actor, CaseEvent.Kind.DEADLINE_MOVED, f"{title}: due {fmt(spec.due_on)}",
            {"key": spec.key, "from": None, "to": spec.due_on.isoformat()},
        )
        case_next_deadline_refresh(case)
        return deadline
    old_due = existing.due_on
    existing.title, existing.binds, existing.due_on, existing.due_time = title, spec.binds, spec.due_on, spec.due_time
    existing.facts, existing.needs_legal_review, existing.note = spec.facts, spec.needs_legal_review, spec.note
    if existing.state == Deadline.State.SUPERSEDED:
        existing.state = Deadline.State.OPEN
    existing.save()
    if old_due != spec.due_on:
        why = f" ({reason})" if reason else ""
        _event(
            case, actor, CaseEvent.Kind.DEADLINE_MOVED,
            f"{title}: moved from {fmt(old_due)} to {fmt(spec.due_on)}{why}",
            {"key": spec.key, "from": old_due.isoformat(), "to": spec.due_on.isoformat()},
        )
    case_next_deadline_refresh(case)
    return existing


@transaction.atomic
def deadline_supersede(*, case: Case, key: str, actor, reason: str) -> Deadline | None:
    """The clock no longer applies (for example the decision was corrected to one with no appeal)."""
    deadline = Deadline.objects.select_for_update().filter(case=case, key=key, state=Deadline.State.OPEN).first()
    if deadline is None:
        return None
    deadline.state = Deadline.State.SUPERSEDED
    deadline.save(update_fields=["state", "updated_at"])
    _event(case, actor, CaseEvent.Kind.DEADLINE_MOVED, f"{deadline.title}: no longer applies ({reason})", {"key": key})
    case_next_deadline_refresh(case)
    return deadline


@transaction.atomic
def deadline_mark_missed(*, case: Case, key: str, actor, reason: str) -> Deadline | None:
    """The obligation behind an open clock can no longer be met on time (for example mediation was not held
    within 30 days)."""
    deadline = Deadline.objects.select_for_update().filter(case=case, key=key, state=Deadline.State.OPEN).first()
    if deadline is None:
        return None
    deadline.state = Deadline.State.MISSED
    deadline.save(update_fields=["state", "updated_at"])
    _event(case, actor, CaseEvent.Kind.DEADLINE_MOVED, f"{deadline.title}: missed ({reason})", {"key": key})
    case_next_deadline_refresh(case)
    return deadline


@transaction.atomic
def deadline_mark_met(*, case: Case, key: str, met_on: date, actor) -> Deadline | None:
    """Record that the obligation behind an open clock was done on `met_on`."""
    deadline = Deadline.objects.select_for_update().filter(case=case, key=key).first()
    if deadline is None or deadline.state not in (Deadline.State.OPEN, Deadline.State.MISSED):
        return deadline
    if met_on > timezone.localdate():
        raise ValidationError("A clock cannot be met on a date in the future.")
    deadline.state, deadline.met_on = Deadline.State.MET, met_on
    deadline.save(update_fields=["state", "met_on", "updated_at"])
    late = (met_on - deadline.due_on).days
    timing = "on time" if late <= 0 else f"{late} day{'s' if late != 1 else ''} late"
    _event(
        case, actor, CaseEvent.Kind.DEADLINE_MET, f"{deadline.title}: met on {fmt(met_on)} ({timing})",
        {"key": key, "met_on": met_on.isoformat()},
    )
    case_next_deadline_refresh(case)
    return deadline


@transaction.atomic
def deadline_waive(*, deadline: Deadline, actor, reason: str) -> Deadline:
    """A manager waives a clock (for example the parties agreed other dates in writing), with a reason."""
    if not actor.has_perm("cases.waive_deadline"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for waiving this clock."})
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.state != Deadline.State.OPEN:
        raise ValidationError("Only an open clock can be waived.")
    deadline.state, deadline.waived_reason, deadline.waived_by = Deadline.State.WAIVED, reason[:500], actor
    deadline.save(update_fields=["state", "waived_reason", "waived_by", "updated_at"])
    _event(
        deadline.case, actor, CaseEvent.Kind.DEADLINE_WAIVED, f"{deadline.title}: waived ({reason})",
        {"key": deadline.key},
    )
    case_next_deadline_refresh(deadline.case)
    return deadline


@transaction.atomic
def case_clocks_recompute(*, case: Case, actor, calendar=None, reason: str = "") -> list[Deadline]:
    """Recompute the case-level clocks (C1, C9) from the case's facts; supersede those that no longer apply."""
    calendar = calendar if calendar is not None else working_calendar()
    if case.status == Status.CLOSED:
        return []
    specs = case_level_clocks(
        route=case.route, decision=case.decision, decision_sent_on=case.decision_sent_on,
        certificate_issued_on=case.certificate_issued_on, calendar=calendar,
    )
    result = [deadline_set(case=case, spec=spec, actor=actor, reason=reason) for spec in specs]
    for key in {"C1", "C9"} - {spec.key for spec in specs}:
        deadline_supersede(case=case, key=key, actor=actor, reason="the decision no longer has this clock")
    return result


@transaction.atomic
def case_record_certificate_issued(*, case: Case, issued_on: date, actor) -> Case:
    """The latest mediation certificate's issue date: it moves the appeal deadline (C9, rule 12)."""
    if case.decision_sent_on and issued_on < case.decision_sent_on:
        raise ValidationError({"issued_on": "A certificate cannot be issued before the decision letter was sent."})
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": "The certificate's issue date cannot be in the future."})
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.certificate_issued_on = issued_on
    case.save(update_fields=["certificate_issued_on", "updated_at"])
    case_clocks_recompute(case=case, actor=actor, reason=f"certificate issued {fmt(issued_on)}")
    return case


@transaction.atomic
def case_clocks_close(*, case: Case, actor, today: date) -> None:
    """When a case closes: open clocks already past due are missed; the rest no longer apply."""
    for deadline in Deadline.objects.select_for_update().filter(case=case, state=Deadline.State.OPEN):
        deadline.state = Deadline.State.MISSED if deadline.due_on < today else Deadline.State.SUPERSEDED
        deadline.save(update_fields=["state", "updated_at"])
    case_next_deadline_refresh(case)


def _state_for_new_clock(row: dict, due_on: date) -> str:
    """A clock found for a case that is already closed is not open: missed if it fell due before the case
    closed, otherwise it no longer applies (the same rule as case_clocks_close)."""
    if row["status"] != Status.CLOSED:
        return Deadline.State.OPEN
    closed_on = row["closed_on"]
    return Deadline.State.MISSED if closed_on and due_on < closed_on else Deadline.State.SUPERSEDED


def deadlines_recompute_all(*, batch_size: int = 2000, actor=None) -> dict[str, int]:
    """Recompute the case-level clocks of every case in bulk (for rule changes and the benchmark).

    Reads cases in primary-key batches, compares with stored rows, and writes only differences with
    bulk_create / bulk_update; every moved date still gets its timeline event."""
    calendar = working_calendar()
    counts = {"cases": 0, "created": 0, "moved": 0, "unchanged": 0}
    last_pk = 0
    fields = [
        "id", "route", "decision", "decision_sent_on", "certificate_issued_on", "status", "closed_on", "officer_id",
    ]
    while True:
        batch = list(Case.objects.filter(pk__gt=last_pk).order_by("pk").values(*fields)[:batch_size])
        if not batch:
            return counts
        last_pk = batch[-1]["id"]
        with transaction.atomic():
            existing = {
                (d.case_id, d.key): d
                for d in Deadline.objects.filter(case_id__in=[c["id"] for c in batch], key__in=["C1", "C9"])
            }
            to_create, to_update, events = [], [], []
            for row in batch:
                specs = case_level_clocks(
                    route=row["route"], decision=row["decision"], decision_sent_on=row["decision_sent_on"],
                    certificate_issued_on=row["certificate_issued_on"], calendar=calendar,
                )
                for spec in specs:
                    current = existing.get((row["id"], spec.key))
                    if current is None:
                        to_create.append(
                            Deadline(
                                case_id=row["id"], officer_id=row["officer_id"], key=spec.key, clock=spec.clock,
                                title=spec.display_title,
                                binds=spec.binds, due_on=spec.due_on, due_time=spec.due_time, facts=spec.facts,
                                needs_legal_review=spec.needs_legal_review, note=spec.note,
                                state=_state_for_new_clock(row, spec.due_on),
                            )
                        )
                        events.append(
                            CaseEvent(
                                case_id=row["id"], actor=actor, kind=CaseEvent.Kind.DEADLINE_MOVED,
                                description=f"{spec.display_title}: due {fmt(spec.due_on)}",
                                data={"key": spec.key, "from": None, "to": spec.due_on.isoformat()},
                            )
                        )
                    elif current.due_on != spec.due_on or current.needs_legal_review != spec.needs_legal_review:
                        events.append(
                            CaseEvent(
                                case_id=row["id"], actor=actor, kind=CaseEvent.Kind.DEADLINE_MOVED,
                                description=f"{spec.display_title}: moved from {fmt(current.due_on)} to "
                                f"{fmt(spec.due_on)} (recomputed)",
                                data={
                                    "key": spec.key,
                                    "from": current.due_on.isoformat(),
                                    "to": spec.due_on.isoformat(),
                                },
                            )
                        )
                        current.due_on, current.due_time, current.facts = spec.due_on, spec.due_time, spec.facts
                        current.needs_legal_review, current.note = spec.needs_legal_review, spec.note
                        to_update.append(current)
                    else:
                        counts["unchanged"] += 1
            Deadline.objects.bulk_create(to_create, batch_size=1000)
            Deadline.objects.bulk_update(
                to_update, ["due_on", "due_time", "facts", "needs_legal_review", "note"], batch_size=1000
            )
            CaseEvent.objects.bulk_create(events, batch_size=1000)
            cases_next_deadline_refresh([c["id"] for c in batch])
            counts["cases"] += len(batch)
            counts["created"] += len(to_create)
            counts["moved"] += len(to_update)
