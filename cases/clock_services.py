"""Statutory clocks on cases: the one way to store, recompute and waive a Deadline row.

Which clocks a case has, when each is due and whether it was met come only from the clock registry
(cases.clock_registry): each app registers a provider per clock code for the facts it owns, and the due dates
come from cases.deadlines (pure). This module supplies the working-day calendar (England and Wales bank holidays
plus the admin's extra non-working days) and today's London date, asks every provider, compares the answer with
the stored rows and writes the differences, putting every new clock, moved date and change of state on the
timeline (decisions 9 and 17). Services record facts and then call case_clocks_recompute(); none writes a clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sendportal.formats import short_date
from sendportal.models import User

from . import deadlines, next_step_services
from .clock_registry import CASE_CLOCK_FIELDS, ClockContext, ClockSpec, expected_clocks, refresh_derived_facts
from .models import Case, CaseEvent, Deadline, NonWorkingDay, Status
from .timeline import case_event_record

__all__ = [
    "ClockSpec",
    "case_clocks_recompute",
    "case_next_deadline_refresh",
    "cases_next_deadline_refresh",
    "deadline_waive",
    "deadlines_recompute_all",
    "fmt",
    "working_calendar",
]


def working_calendar() -> deadlines.EnglandBankHolidaysPlus:
    """England and Wales bank holidays plus the extra non-working days kept in the admin."""
    return deadlines.EnglandBankHolidaysPlus(NonWorkingDay.objects.active().values_list("day", flat=True))


def fmt(day: date | None) -> str:
    return short_date(day) if day else "none"


# --- Writes ------------------------------------------------------------------------------------------------


def case_next_deadline_refresh(case: Case) -> None:
    """Copy the earliest open clock someone other than the family must act on onto the case (the case list's
    column, sort and filter), and work out the case's next step again (cases.next_step_services)."""
    (fresh,) = cases_next_deadline_refresh([case.pk])
    case.next_deadline_on, case.next_deadline_title = fresh.next_deadline_on, fresh.next_deadline_title
    for name in next_step_services.NEXT_STEP_FIELDS:
        setattr(case, name, getattr(fresh, name))


def cases_next_deadline_refresh(case_ids: Iterable[int]) -> list[Case]:
    """Bulk version for many cases: the cases' open clocks are read once for both their next deadline and their
    next step; a fixed number of queries per batch. Returns the cases as stored now."""
    case_ids = list(case_ids)
    clocks = next_step_services.open_clocks_by_case(case_ids)
    earliest: dict[int, tuple[date, str]] = {}
    for case_id, rows in clocks.items():
        # Clocks that bind the family (C1, C9) are the family's windows, not the LA's work (decision 12): never a
        # case's "next deadline" (the case list's column, sort and urgency colour).
        work = [c for c in rows if c.binds != Deadline.Binds.FAMILY]  # in due order (then id)
        if work:
            earliest[case_id] = (work[0].due_on, work[0].title)
    updates: list[Case] = []
    cases = next_step_services.cases_next_step_refresh(case_ids, clocks=clocks)
    for case in cases:
        on, title = earliest.get(case.pk, (None, ""))
        if (case.next_deadline_on, case.next_deadline_title) != (on, title):
            case.next_deadline_on, case.next_deadline_title = on, title
            updates.append(case)
    Case.objects.bulk_update(updates, ["next_deadline_on", "next_deadline_title"], batch_size=1000)
    return cases


@transaction.atomic
def deadline_waive(*, deadline: Deadline, actor: User, reason: str) -> Deadline:
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
    case_event_record(
        case=deadline.case,
        actor=actor,
        kind=CaseEvent.Kind.DEADLINE_WAIVED,
        description=f"{deadline.title}: waived ({reason})",
        data={"key": deadline.key},
    )
    case_next_deadline_refresh(deadline.case)
    return deadline


# --- Recomputing: ask every provider, write the differences -------------------------------------------------

S = Deadline.State
_ROW_FIELDS = ("title", "binds", "due_on", "due_time", "facts", "needs_legal_review", "note", "state", "met_on")


def _timing(met_on: date, due_on: date) -> str:
    late = (met_on - due_on).days
    return "on time" if late <= 0 else f"{late} day{'s' if late != 1 else ''} late"


def _target(spec: ClockSpec, row: Deadline | None, case: Case, today: date) -> tuple[str, date | None, str]:
    """(state, met_on, why) the facts give a clock. A clock is only ever missed once its due date has passed."""
    if spec.gone_reason:
        return S.SUPERSEDED, None, spec.gone_reason
    if row is not None and row.state == S.WAIVED:
        return S.WAIVED, None, ""
    if spec.met_on is not None:
        return S.MET, spec.met_on, ""
    if case.status == Status.CLOSED:
        closed_on = case.closed_on or today
        if spec.due_on < closed_on:
            return S.MISSED, None, "the case was closed"
        return S.SUPERSEDED, None, "the case was closed"
    if spec.missed_reason and spec.due_on < today:
        return S.MISSED, None, spec.missed_reason
    return S.OPEN, None, ""


class _Changes:
    """What one recompute writes: new rows, changed rows and their timeline events."""

    def __init__(self, actor: User | None, reason: str, *, record_events: bool = True) -> None:
        self.actor, self.reason, self.record_events = actor, reason, record_events
        self.created: list[Deadline] = []
        self.updated: list[Deadline] = []
        self.events: list[CaseEvent] = []
        self.moved = 0
        self.unchanged = 0
        self.touched_cases: set[int] = set()

    def event(self, case_id: int, kind: str, description: str, data: dict[str, object]) -> None:
        self.touched_cases.add(case_id)
        if not self.record_events:
            return
        self.events.append(
            CaseEvent(case_id=case_id, actor=self.actor, kind=kind, description=description[:500], data=data)
        )
        self.touched_cases.add(case_id)

    def state_event(self, row: Deadline, why: str) -> None:
        title, key = row.title, row.key
        if row.state == S.MET:
            met_on = row.met_on
            assert met_on is not None, "a met clock has the day it was met (cases_deadline_met_has_date)"
            self.event(
                row.case_id,
                CaseEvent.Kind.DEADLINE_MET,
                f"{title}: met on {fmt(met_on)} ({_timing(met_on, row.due_on)})",
                {"key": key, "met_on": met_on.isoformat()},
            )
        elif row.state == S.MISSED:
            self.event(row.case_id, CaseEvent.Kind.DEADLINE_MOVED, f"{title}: missed ({why})", {"key": key})
        elif row.state == S.SUPERSEDED:
            self.event(row.case_id, CaseEvent.Kind.DEADLINE_MOVED, f"{title}: no longer applies ({why})", {"key": key})
        elif row.state == S.OPEN:
            why = f" ({why or self.reason})" if (why or self.reason) else ""
            self.event(row.case_id, CaseEvent.Kind.DEADLINE_MOVED, f"{title}: open again{why}", {"key": key})

    def apply(self, spec: ClockSpec, row: Deadline | None, case: Case, today: date) -> None:
        state, met_on, why = _target(spec, row, case, today)
        title = spec.display_title[:200]
        if row is None:
            if spec.gone_reason:
                return  # a clock the facts say no longer applies is not created
            row = Deadline(
                case_id=case.pk,
                officer_id=case.officer_id,
                key=spec.key,
                clock=spec.code.value,
                title=title,
                binds=spec.binds,
                due_on=spec.due_on,
                due_time=spec.due_time,
                facts=spec.facts,
                needs_legal_review=spec.needs_legal_review,
                note=spec.note[:300],
                state=state,
                met_on=met_on,
            )
            self.created.append(row)
            self.event(
                case.pk,
                CaseEvent.Kind.DEADLINE_MOVED,
                f"{title}: due {fmt(spec.due_on)}",
                {"key": spec.key, "from": None, "to": spec.due_on.isoformat()},
            )
            if state != S.OPEN:
                self.state_event(row, why)
            return
        before = tuple(getattr(row, f) for f in _ROW_FIELDS)
        old_due, old_state, old_met = row.due_on, row.state, row.met_on
        row.title, row.binds, row.due_on, row.due_time = title, spec.binds, spec.due_on, spec.due_time
        row.facts, row.needs_legal_review, row.note = spec.facts, spec.needs_legal_review, spec.note[:300]
        row.state, row.met_on = state, met_on
        if tuple(getattr(row, f) for f in _ROW_FIELDS) == before:
            self.unchanged += 1
            return
        row.updated_at = timezone.now()
        self.updated.append(row)
        self.touched_cases.add(case.pk)
        if old_due != row.due_on:
            self.moved += 1
            because = f" ({self.reason})" if self.reason else ""
            self.event(
                case.pk,
                CaseEvent.Kind.DEADLINE_MOVED,
                f"{title}: moved from {fmt(old_due)} to {fmt(row.due_on)}{because}",
                {"key": spec.key, "from": old_due.isoformat(), "to": row.due_on.isoformat()},
            )
        if (old_state, old_met) != (row.state, row.met_on) and not (old_state == S.OPEN and row.state == S.OPEN):
            self.state_event(row, why)

    def retire(self, row: Deadline) -> None:
        """A stored clock no provider expects any more: an open or missed one no longer applies."""
        if row.state not in (S.OPEN, S.MISSED):
            return
        row.state, row.updated_at = S.SUPERSEDED, timezone.now()
        self.updated.append(row)
        self.state_event(row, self.reason or "the facts no longer give this clock")

    def write(self) -> None:
        Deadline.objects.bulk_create(self.created, batch_size=1000)
        Deadline.objects.bulk_update(self.updated, [*_ROW_FIELDS, "updated_at"], batch_size=1000)
        CaseEvent.objects.bulk_create(self.events, batch_size=1000)


def _recompute(
    cases: Sequence[Case],
    *,
    actor: User | None,
    calendar: Collection[date],
    today: date,
    reason: str,
    record_events: bool = True,
) -> _Changes:
    ctx = ClockContext(cases, calendar=calendar, today=today)
    expected = expected_clocks(ctx)
    refresh_derived_facts(ctx)
    stored: dict[int, dict[str, Deadline]] = defaultdict(dict)
    for row in Deadline.objects.filter(case_id__in=ctx.case_ids).order_by("id"):
        stored[row.case_id][row.key] = row
    changes = _Changes(actor, reason, record_events=record_events)
    for case in ctx.cases:
        rows = stored[case.pk]
        for spec in expected.get(case.pk, ()):
            changes.apply(spec, rows.pop(spec.key, None), case, today)
        for row in rows.values():
            changes.retire(row)
    changes.write()
    return changes


@transaction.atomic
def case_clocks_recompute(
    *, case: Case, actor: User | None, calendar: Collection[date] | None = None, reason: str = ""
) -> list[Deadline]:
    """Ask every clock provider what `case` should have and store the differences (every new clock, moved date
    and change of state goes on the timeline, with `reason`). Returns the case's clocks.

    The case's row is locked first, so a new clock is given the officer who holds the case now (a reassignment at
    the same moment waits) and two recomputes of one case never interleave."""
    locked = Case.objects.select_for_update().only(*CASE_CLOCK_FIELDS).get(pk=case.pk)
    calendar = calendar if calendar is not None else working_calendar()
    _recompute([locked], actor=actor, calendar=calendar, today=timezone.localdate(), reason=reason)
    case_next_deadline_refresh(case)
    return list(Deadline.objects.filter(case_id=case.pk))


def _empty_counts() -> dict[str, int]:
    return {"cases": 0, "created": 0, "moved": 0, "changed": 0, "unchanged": 0}


def _recompute_batch(
    case_ids: list[int],
    *,
    actor: User | None,
    calendar: Collection[date],
    today: date,
    reason: str,
    record_events: bool,
    counts: dict[str, int],
) -> None:
    with transaction.atomic():
        batch = list(Case.objects.select_for_update().filter(pk__in=case_ids).order_by("pk").only(*CASE_CLOCK_FIELDS))
        changes = _recompute(
            batch, actor=actor, calendar=calendar, today=today, reason=reason, record_events=record_events
        )
        cases_next_deadline_refresh([case.pk for case in batch])
    counts["cases"] += len(batch)
    counts["created"] += len(changes.created)
    counts["moved"] += changes.moved
    counts["changed"] += len(changes.updated)
    counts["unchanged"] += changes.unchanged


def recompute_cases(
    case_ids: Iterable[int],
    *,
    actor: User | None = None,
    reason: str = "recomputed",
    record_events: bool = True,
    batch_size: int = 2000,
) -> dict[str, int]:
    """Recompute every clock of the given cases in batches: the same providers as for a single case, asked once
    per batch. `record_events=False` is for the bulk seed (demo.bulk), whose cases are built rather than changed."""
    calendar, today = working_calendar(), timezone.localdate()
    counts = _empty_counts()
    ids = sorted(case_ids)
    for start in range(0, len(ids), batch_size):
        _recompute_batch(
            ids[start : start + batch_size],
            actor=actor,
            calendar=calendar,
            today=today,
            reason=reason,
            record_events=record_events,
            counts=counts,
        )
    return counts


def deadlines_recompute_all(
    *, batch_size: int = 2000, actor: User | None = None, reason: str = "recomputed"
) -> dict[str, int]:
    """Recompute every clock of every case in primary-key batches (after a new non-working day, a rule change, and
    in the benchmark). Only differences are written, and every moved date still gets its timeline event."""
    calendar, today = working_calendar(), timezone.localdate()
    counts = _empty_counts()
    last_pk = 0
    while True:
        ids = list(Case.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return counts
        last_pk = ids[-1]
        _recompute_batch(
            ids, actor=actor, calendar=calendar, today=today, reason=reason, record_events=True, counts=counts
        )


def recompute_lapsed(*, today: date | None = None) -> dict[str, int]:
    """Ask again about every case with an open clock whose date has passed, so a clock the facts say will not be
    met (mediation not held in time) becomes missed once its date has passed, never before (run daily by
    send_deadline_reminders, before it lists anyone's clocks)."""
    today = today or timezone.localdate()
    ids = set(Deadline.objects.filter(state=Deadline.State.OPEN, due_on__lt=today).values_list("case_id", flat=True))
    return recompute_cases(ids, reason="its date passed")
