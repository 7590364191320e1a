"""Case shapes for the bulk data: how routes, decisions and statuses are spread, and how long each stage takes."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from cases import rules
from cases.models import (
    ContactChannel,
    Decision,
    PlanSection,
    Route,
    Status,
)
from demo.reference import MEDIATORS, DemoMediator, weighted

DEFAULT_CASES = 200
BATCH_SIZE = 2000
HISTORY_DAYS = 3 * 365  # cases opened over the last three years, up to today

S = Status


# --- Case shapes: route, decision, status and how long each stage takes ------------------------------------

# fmt: off
ROUTE_WEIGHTS = weighted([(Route.MEDIATION, 68), (Route.DRS, 18), (Route.PLACEMENT_ONLY, 14)])
MEDIATION_DECISIONS = weighted([
    (Decision.RTA, 24), (Decision.RTI, 7), (Decision.CONTENT_B, 10), (Decision.CONTENT_F, 24),
    (Decision.PLACEMENT_I, 8), (Decision.RTR, 4), (Decision.RTAM, 12), (Decision.CEASE, 6), (Decision.HSC, 5),
])
# Disagreement resolution covers more than appealable decisions: half record no decision at all.
DRS_DECISIONS = weighted([
    ("", 50), (Decision.RTA, 12), (Decision.RTI, 4), (Decision.CONTENT_F, 14), (Decision.RTAM, 10),
    (Decision.HSC, 10),
])

SECTION_CHOICES = {
    Decision.CONTENT_B: weighted([(("B",), 5), (("B", "F"), 5)]),
    Decision.CONTENT_F: weighted([(("F",), 6), (("B", "F"), 3), (("F", "I"), 1)]),
    Decision.PLACEMENT_I: weighted([(("I",), 4), (("F", "I"), 4), (("B", "F", "I"), 2)]),
    Decision.RTAM: weighted([((), 5), (("B", "F"), 3), (("F",), 2)]),
}
# Health and social care elements alone: (sections, health involved, social care involved).
HSC_CHOICES = weighted([((("C", "G"), True, False), 5), ((("D", "H2"), False, True), 3),
                         ((("C", "D", "G", "H1"), True, True), 2)])
SECTION_ORDER = {section: i for i, section in enumerate(PlanSection.values)}

CHANNEL_WEIGHTS = weighted([
    (ContactChannel.PROVIDER, 30), (ContactChannel.PHONE, 20), (ContactChannel.EMAIL, 18),
    (ContactChannel.ONLINE, 15), (ContactChannel.SENDIASS, 9), (ContactChannel.LETTER, 4),
    (ContactChannel.IN_PERSON, 4),
])

# fmt: on


class _Stage(NamedTuple):
    """How a status sits in time, in days since first contact."""

    weight: float  # how common the status is among cases old enough (and young enough) to be in it
    min_age: int  # a case is at least this old before it can be in this status
    max_age: int  # cases are not left in this status longer than this
    reach: tuple[int, int]  # when a case typically enters the status


NEVER_STALE = 100_000
STAGES: dict[str, _Stage] = {
    S.INTAKE: _Stage(5, 0, 14, (0, 0)),
    S.TRIAGED: _Stage(4, 1, 30, (1, 7)),
    S.DRS_ROUTE: _Stage(2, 5, 60, (3, 20)),
    S.DRS_MEETING_SCHEDULED: _Stage(2, 10, 75, (7, 40)),
    S.DRS_MEETING_HELD: _Stage(1.5, 20, 100, (20, 70)),
    S.RESOLVED: _Stage(3, 30, 200, (30, 90)),
    S.PARTLY_RESOLVED: _Stage(1.5, 30, 200, (30, 90)),
    S.UNRESOLVED: _Stage(1.5, 30, 200, (30, 90)),
    S.DRS_DECLINED: _Stage(1.5, 10, 150, (7, 45)),
    S.MEDIATION_ROUTE: _Stage(8, 3, 60, (2, 10)),
    S.POST_MEDIATION: _Stage(4, 25, 100, (25, 50)),
    S.PLACEMENT_ONLY: _Stage(3, 5, 75, (3, 15)),
    S.NOT_IN_SCOPE: _Stage(1, 3, 90, (2, 10)),
    S.AGREEMENT_IMPLEMENTATION: _Stage(3, 30, 150, (30, 60)),
    S.COMPLIED: _Stage(2, 60, 400, (60, 120)),
    S.BREACHED: _Stage(1, 60, 400, (60, 140)),
    S.APPEAL_WINDOW_OPEN: _Stage(5, 25, 90, (25, 50)),
    S.APPEAL_LODGED: _Stage(4, 60, 330, (50, 90)),
    S.CONCEDED_UNOPPOSED: _Stage(1, 90, 300, (80, 200)),
    S.ORDER_MADE: _Stage(1.5, 150, 500, (150, 300)),
    S.APPEAL_WITHDRAWN: _Stage(1, 80, 400, (70, 250)),
    S.COMPLIANCE: _Stage(1.5, 160, 600, (150, 320)),
    S.WINDOW_EXPIRED: _Stage(2, 70, 400, (65, 90)),
    S.WITHDRAWN: _Stage(2, 3, 300, (3, 120)),
    S.CLOSED: _Stage(45, 40, NEVER_STALE, (40, 400)),
}
MAX_STAGE_AGE = max(stage.reach[0] for stage in STAGES.values()) + 1

# fmt: off
DRS_STATUSES = {S.DRS_ROUTE, S.DRS_MEETING_SCHEDULED, S.DRS_MEETING_HELD, S.RESOLVED, S.PARTLY_RESOLVED,
                S.UNRESOLVED, S.DRS_DECLINED}
MEDIATION_STATUSES = {S.MEDIATION_ROUTE, S.POST_MEDIATION, S.AGREEMENT_IMPLEMENTATION, S.COMPLIED, S.BREACHED}
APPEAL_STATUSES = {S.APPEAL_WINDOW_OPEN, S.APPEAL_LODGED, S.CONCEDED_UNOPPOSED, S.ORDER_MADE, S.APPEAL_WITHDRAWN,
                   S.COMPLIANCE, S.WINDOW_EXPIRED}
ROUTE_STATUSES = {
    Route.MEDIATION: set(S.values) - DRS_STATUSES - {S.PLACEMENT_ONLY},
    Route.DRS: set(S.values) - MEDIATION_STATUSES - APPEAL_STATUSES - {S.PLACEMENT_ONLY},
    Route.PLACEMENT_ONLY: set(S.values) - DRS_STATUSES - {S.NOT_IN_SCOPE},
}
# fmt: on

# Lifecycle steps that are rarer than the alternatives next to them.
STEP_WEIGHTS = {S.WITHDRAWN: 0.08, S.NOT_IN_SCOPE: 0.3, S.DRS_DECLINED: 0.5}


def statuses_for(route: str, health_only: bool) -> set[str]:
    """Statuses a seeded case on this route may hold. Health and social care elements alone (decision HSC)
    have no appeal route (docs/rules.md §1), so those cases never reach the appeal statuses."""
    allowed = ROUTE_STATUSES[route]
    return allowed - APPEAL_STATUSES if health_only else allowed


class LifecyclePath(NamedTuple):
    statuses: tuple[str, ...]  # intake first
    weight: float
    earliest: int  # days since first contact before the last step can have happened


@cache
def lifecycle_paths(route: str, health_only: bool) -> dict[str, list[LifecyclePath]]:
    """Every way through the lifecycle (cases.rules.TRANSITIONS) to each status, keeping to the route."""
    allowed = statuses_for(route, health_only)
    found: dict[str, list[LifecyclePath]] = {}

    def walk(path: tuple[str, ...], weight: float) -> None:
        earliest = max(STAGES[status].reach[0] for status in path)
        found.setdefault(path[-1], []).append(LifecyclePath(path, weight, earliest))
        for target in rules.allowed_transitions(path[-1]):
            if target in allowed and target not in path:
                walk((*path, target), weight * STEP_WEIGHTS.get(target, 1.0))

    walk((S.INTAKE,), 1.0)
    return found


@cache
def path_table(route: str, health_only: bool, status: str, age: int):
    paths = lifecycle_paths(route, health_only)[status]
    fitting = [path for path in paths if path.earliest <= age] or [min(paths, key=lambda p: p.earliest)]
    return weighted([(path, path.weight) for path in fitting])


# Statuses the services only pass through: an unopposed appeal always sets compliance clocks, so tribunal_outcome_record
# moves the case on to compliance at once. Bulk cases never rest there (paths still go through it).
PASSING_STATUSES = frozenset({S.CONCEDED_UNOPPOSED})


@cache
def status_table(route: str, health_only: bool, age: int):
    allowed = statuses_for(route, health_only) - PASSING_STATUSES
    return weighted(
        [
            (status, stage.weight)
            for status, stage in STAGES.items()
            if status in allowed and stage.min_age <= age <= stage.max_age
        ]
    )


# --- Cases ------------------------------------------------------------------------------------------------


class Forced(NamedTuple):
    """What a coverage case must be; None leaves it to chance."""

    route: str | None = None
    status: str | None = None
    decision: str | None = None
    age: int | None = None  # days since first contact
    officer: str | None = None  # username of the officer holding it


# Mediation cases at different ages, so the pathway step (seed_pathway) has a case that fits each referral stage.
REFERRAL_STAGE_AGES = (4, 8, 14, 20, 28, 36, 46, 56)


def bookable_demo_mediators() -> list[DemoMediator]:
    """The demo mediators a referral can go to (active and independent of the LA)."""
    return [m for m in MEDIATORS if m.active and not m.employed_by_la]


def demo_workload_plan() -> list[Forced]:
    """Cases for the demo sign-ins' workspaces: two current mediations and one just concluded for each mediator
    who can take referrals, referral-stage cases of every age, and an agreement being carried out for `officer`."""
    plan = [Forced(route=Route.MEDIATION, status=S.MEDIATION_ROUTE, age=age) for age in REFERRAL_STAGE_AGES]
    for i, _mediator in enumerate(bookable_demo_mediators()):
        plan += [
            Forced(route=Route.MEDIATION, status=S.MEDIATION_ROUTE, age=6 + 5 * i),
            Forced(route=Route.MEDIATION, status=S.MEDIATION_ROUTE, age=12 + 4 * i),
            Forced(route=Route.MEDIATION, status=S.POST_MEDIATION, age=26),
        ]
    plan.append(Forced(route=Route.MEDIATION, status=S.AGREEMENT_IMPLEMENTATION, age=50, officer="officer"))
    return plan


def coverage_plan() -> list[Forced]:
    """One case for every status each route can reach, and one for every decision on the mediation route,
    so even the smallest demo shows every badge, filter value and dashboard row; then the demo workload."""
    plan = [Forced(route=Route.MEDIATION, decision=decision) for decision in Decision.values]
    for route in Route.values:
        plan += [
            Forced(route=route, status=status)
            for status in S.values
            if status in ROUTE_STATUSES[route] and status not in PASSING_STATUSES
        ]
    return plan + demo_workload_plan()
