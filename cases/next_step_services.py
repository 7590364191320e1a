"""Keeping each case's stored next step (Case.next_step, next_step_by, next_step_due_on) true to its facts.

The next step is worked out by cases.next_step (pure) from the case's status, its officer, its open clocks and the
stage its pathway has reached, and stored on the case so the case list and My work filter ("my move") and sort on
it from an index at any size. Every service that changes a case, its clocks or its pathway refreshes it in its own
transaction: clock recomputes do it with the case's next deadline (cases.clock_services), and services that change
a status, an officer or a pathway record without moving a clock call case_next_step_refresh().

The pathway's stage is a fact only the pathway app knows: it registers a loader (register_pathway_loader) that
reads the stage of a batch of cases in a fixed number of queries; cases never imports it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from django.utils import timezone

from . import next_step as rules
from .models import Case, Deadline

PathwayLoader = Callable[[list[int]], dict[int, rules.Pathway]]
_PATHWAY_LOADERS: list[PathwayLoader] = []

NEXT_STEP_FIELDS = ("next_step", "next_step_by", "next_step_due_on")
_CASE_FIELDS = ("id", "status", "route", "officer_id", "next_deadline_on", "next_deadline_title", *NEXT_STEP_FIELDS)


def register_pathway_loader(loader: PathwayLoader) -> PathwayLoader:
    """Register the function that reports the pathway stage of a batch of cases (by case id; absent means none)."""
    if loader not in _PATHWAY_LOADERS:
        _PATHWAY_LOADERS.append(loader)
    return loader


def _pathways(case_ids: list[int]) -> dict[int, rules.Pathway]:
    found: dict[int, rules.Pathway] = {}
    for loader in _PATHWAY_LOADERS:
        found.update(loader(case_ids))
    return found


def open_clocks_by_case(case_ids: Iterable[int]) -> dict[int, list[rules.OpenClock]]:
    """Every open clock of the given cases (one query)."""
    by_case: dict[int, list[rules.OpenClock]] = defaultdict(list)
    rows = Deadline.objects.filter(case_id__in=list(case_ids), state=Deadline.State.OPEN).order_by("due_on", "id")
    for case_id, code, title, binds, due_on in rows.values_list("case_id", "clock", "title", "binds", "due_on"):
        by_case[case_id].append(rules.OpenClock(code, title, binds, due_on))
    return by_case


def compute_next_steps(
    cases: Iterable[Case], *, today: date | None = None, clocks: dict[int, list[rules.OpenClock]] | None = None
) -> dict[int, rules.NextStep]:
    """The next step of each case as its facts give it now (nothing written). `clocks`: the cases' open clocks
    when the caller has read them already."""
    cases = list(cases)
    ids = [case.pk for case in cases]
    today = today or timezone.localdate()
    clocks = clocks if clocks is not None else open_clocks_by_case(ids)
    pathways = _pathways(ids)
    return {
        case.pk: rules.next_step(
            rules.CaseState(
                status=case.status,
                route=case.route,
                has_officer=case.officer_id is not None,
                clocks=tuple(clocks.get(case.pk, ())),
                pathway=pathways.get(case.pk, rules.Pathway()),
            ),
            today=today,
        )
        for case in cases
    }


def stored_next_step(case: Case) -> rules.NextStep:
    return rules.NextStep(case.next_step, case.next_step_by, case.next_step_due_on)


def cases_next_step_refresh(
    case_ids: Iterable[int], *, today: date | None = None, clocks: dict[int, list[rules.OpenClock]] | None = None
) -> list[Case]:
    """Work out the next step of each case again and store the ones that changed (a fixed number of queries per
    batch). Returns the cases read, with their next step as stored now."""
    cases = list(Case.objects.filter(pk__in=list(case_ids)).only(*_CASE_FIELDS))
    computed = compute_next_steps(cases, today=today, clocks=clocks)
    changed = []
    for case in cases:
        step = computed[case.pk]
        if stored_next_step(case) != step:
            case.next_step, case.next_step_by, case.next_step_due_on = step.action, step.by, step.due_on
            changed.append(case)
    Case.objects.bulk_update(changed, list(NEXT_STEP_FIELDS), batch_size=1000)
    return cases


def case_next_step_refresh(case: Case, *, clocks: dict[int, list[rules.OpenClock]] | None = None) -> None:
    """Refresh one case's stored next step (and the copy on `case`). Call it in the transaction of any change to
    the case's status, officer or pathway that does not recompute its clocks (a recompute refreshes it)."""
    (fresh,) = cases_next_step_refresh([case.pk], clocks=clocks)
    for name in NEXT_STEP_FIELDS:
        setattr(case, name, getattr(fresh, name))
