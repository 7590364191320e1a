"""The Tribunal's clocks, C14 to C17: the timetables of a Tribunal order and of an unopposed appeal, the answer
to the Tribunal's recommendations and the LA's response to the appeal (docs/rules.md §4).

Providers registered in the clock registry like the rest of the pathway's (referrals.clocks, which imports this
module). They read the case's appeals (the "appeals" facts referrals.clocks loads once per batch); each step is met
on the day the LA recorded it as done (TribunalAppeal.steps_done, by clock key).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cases import deadlines
from cases.clock_registry import ClockContext, ClockSpec, clock_provider
from cases.deadlines import ClockCode
from cases.models import Case, Deadline

from .models import TribunalAppeal

B = Deadline.Binds


def step_label(step: str) -> str:
    """How a timetable step reads (its label in cases.deadlines, or its key in words)."""
    return deadlines.DEADLINE_LABELS.get(step, step.replace("_", " ").capitalize())


def _timetable_specs(case_id, code, appeal, timetable: dict[str, date], prefix: str, facts: dict):
    for step, due in timetable.items():
        key = f"{code}:{appeal.pk}:{step}"
        yield ClockSpec(
            case_id,
            code,
            key,
            due,
            B.LA,
            {**facts, "appeal": appeal.pk},
            title=f"{prefix}: {step_label(step)}",
            met_on=_done_on(appeal, key),
        )


def _done_on(appeal: TribunalAppeal, key: str) -> date | None:
    done = (appeal.steps_done or {}).get(key)
    return date.fromisoformat(done) if done else None


def _case_appeals(ctx: ClockContext) -> Iterator[tuple[Case, TribunalAppeal]]:
    appeals = ctx.facts("appeals")
    for case in ctx.cases:
        for appeal in appeals.get(case.pk, ()):
            yield case, appeal


@clock_provider(ClockCode.C14)
def tribunal_order_clock(ctx):
    """C14: the Tribunal order's timetable, from the day the order was sent out (reg 44)."""
    for case, appeal in _case_appeals(ctx):
        if appeal.order_kind and appeal.order_sent_on:
            yield from _timetable_specs(
                case.pk,
                ClockCode.C14,
                appeal,
                deadlines.tribunal_order_deadlines(appeal.order_kind, appeal.order_sent_on),
                "Tribunal order",
                {"order_sent_on": appeal.order_sent_on.isoformat(), "kind": appeal.order_kind},
            )


@clock_provider(ClockCode.C15)
def unopposed_appeal_clock(ctx):
    """C15: an appeal the LA did not oppose, from the day it told the Tribunal (reg 45)."""
    for case, appeal in _case_appeals(ctx):
        if appeal.outcome == TribunalAppeal.Outcome.CONCEDED and appeal.unopposed_kind and appeal.unopposed_notified_on:
            on = appeal.unopposed_notified_on
            yield from _timetable_specs(
                case.pk,
                ClockCode.C15,
                appeal,
                deadlines.unopposed_appeal_deadlines(appeal.unopposed_kind, on),
                "Unopposed appeal",
                {"notified_on": on.isoformat(), "kind": appeal.unopposed_kind},
            )


@clock_provider(ClockCode.C16)
def recommendation_clock(ctx):
    """C16: the ICB and/or LA social care answer the Tribunal's recommendations within 5 weeks."""
    for case, appeal in _case_appeals(ctx):
        if not appeal.recommendation_on:
            continue
        due = deadlines.recommendation_response_deadline(appeal.recommendation_on)
        targets = TribunalAppeal.RecommendationTo
        bodies = (
            [(B.ICB, "icb"), (B.LA, "la")]
            if appeal.recommendation_to == targets.BOTH
            else [(B.ICB if appeal.recommendation_to == targets.ICB else B.LA, "")]
        )
        for binds, suffix in bodies:
            key = f"{ClockCode.C16}:{appeal.pk}" + (f":{suffix}" if suffix else "")
            who = "the ICB" if binds == B.ICB else "LA social care"
            yield ClockSpec(
                case.pk,
                ClockCode.C16,
                key,
                due,
                binds,
                {"recommendation_on": appeal.recommendation_on.isoformat(), "appeal": appeal.pk},
                title=f"Respond to Tribunal recommendations ({who})",
                met_on=_done_on(appeal, key),
            )


@clock_provider(ClockCode.C17)
def tribunal_response_clock(ctx):
    """C17: the LA's response to the appeal by the date the Tribunal directed (no recalculation)."""
    for case, appeal in _case_appeals(ctx):
        if appeal.response_due_on:
            key = f"{ClockCode.C17}:{appeal.pk}"
            yield ClockSpec(
                case.pk,
                ClockCode.C17,
                key,
                appeal.response_due_on,
                B.LA,
                {"directed": True, "appeal": appeal.pk},
                title="LA response to the appeal (as directed)",
                met_on=_done_on(appeal, key),
            )
