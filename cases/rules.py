"""Pure domain rules for disagreement cases: the lifecycle (docs/rules.md §5) and intake sequence
checks. No ORM, no clock: callers pass `today` and plain values."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sendportal.formats import day_month_year, short_date

from .models import Decision, PartyType, Route, Status

S = Status

# docs/rules.md §5. WITHDRAWN (the family withdraws) is reachable from every open status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.INTAKE: (S.TRIAGED,),
    S.TRIAGED: (S.DRS_ROUTE, S.MEDIATION_ROUTE, S.PLACEMENT_ONLY, S.NOT_IN_SCOPE),
    S.DRS_ROUTE: (S.DRS_MEETING_SCHEDULED, S.DRS_DECLINED),
    S.DRS_MEETING_SCHEDULED: (S.DRS_MEETING_HELD, S.DRS_DECLINED),
    S.DRS_MEETING_HELD: (S.RESOLVED, S.PARTLY_RESOLVED, S.UNRESOLVED),
    S.RESOLVED: (S.CLOSED,),
    S.PARTLY_RESOLVED: (S.CLOSED,),
    S.UNRESOLVED: (S.CLOSED,),
    S.DRS_DECLINED: (S.CLOSED,),
    S.MEDIATION_ROUTE: (S.POST_MEDIATION,),
    S.PLACEMENT_ONLY: (S.APPEAL_WINDOW_OPEN, S.MEDIATION_ROUTE),
    S.NOT_IN_SCOPE: (S.CLOSED,),
    S.POST_MEDIATION: (S.AGREEMENT_IMPLEMENTATION, S.APPEAL_WINDOW_OPEN),
    S.AGREEMENT_IMPLEMENTATION: (S.COMPLIED, S.BREACHED),
    S.COMPLIED: (S.CLOSED,),
    S.BREACHED: (S.CLOSED,),
    S.APPEAL_WINDOW_OPEN: (S.APPEAL_LODGED, S.WINDOW_EXPIRED),
    S.APPEAL_LODGED: (S.CONCEDED_UNOPPOSED, S.ORDER_MADE, S.APPEAL_WITHDRAWN),
    S.CONCEDED_UNOPPOSED: (S.COMPLIANCE,),
    S.ORDER_MADE: (S.COMPLIANCE,),
    S.APPEAL_WITHDRAWN: (S.CLOSED,),
    S.COMPLIANCE: (S.CLOSED,),
    S.WINDOW_EXPIRED: (S.CLOSED,),
    S.WITHDRAWN: (S.CLOSED,),
    S.CLOSED: (),
}

NO_WITHDRAWAL_FROM = {S.WITHDRAWN, S.CLOSED}

APPEALABLE_SECTIONS = {"B", "F", "I"}

# Decisions with an appeal to the Tribunal (CFA 2014 s.51(2)); health and social care alone has none (2.1).
APPEALABLE_DECISIONS = frozenset(d for d in Decision.values if d != Decision.HSC)
# Decisions about what a plan says (CFA 2014 s.51(2)(c)): the only ones that can be about placement alone.
PLAN_CONTENT_DECISIONS = frozenset({Decision.CONTENT_B, Decision.CONTENT_F, Decision.PLACEMENT_I})
PLACEMENT_SECTION = "I"

YOUNG_PERSON_UPPER_AGE = 25  # CFA 2014 s.83(2): a young person is under 25 (decision 13)
COMPULSORY_SCHOOL_AGE_LAST_BIRTHDAY = 16  # Education Act 1996 s.8: the school year in which the child turns 16
FRIDAY = 4


def disputed_sections(decision: str, sections_disputed: Iterable[str]) -> set[str]:
    """The plan sections in dispute; a placement decision with none recorded disputes section I."""
    sections = set(sections_disputed or ())
    if not sections and decision == Decision.PLACEMENT_I:
        return {PLACEMENT_SECTION}
    return sections


def is_placement_only(
    *,
    decision: str,
    sections_disputed: Iterable[str],
    health_involved: bool = False,
    social_care_involved: bool = False,
) -> bool:
    """Placement only (decision 14): the decision is about a plan and section I is the only part disputed. Once any
    other section (B, F, or the health or care parts) is disputed, the certificate route applies."""
    return (
        decision in PLAN_CONTENT_DECISIONS
        and disputed_sections(decision, sections_disputed) == {PLACEMENT_SECTION}
        and not health_involved
        and not social_care_involved
    )


def has_appeal_window(*, route: str, decision: str, decision_sent_on: date | None) -> bool:
    """The family has a Tribunal appeal window (C9): an appealable decision with its letter date, not on the
    disagreement-resolution route."""
    return decision_sent_on is not None and decision in APPEALABLE_DECISIONS and route != Route.DRS


def needs_certificate(
    *,
    route: str,
    decision: str,
    decision_sent_on: date | None,
    sections_disputed: Iterable[str],
    health_involved: bool = False,
    social_care_involved: bool = False,
) -> bool:
    """The family needs a mediation certificate before appealing, so the 2-month adviser clock (C1) runs: every
    appealable decision except placement only (docs/rules.md §1, §8 D14)."""
    return has_appeal_window(route=route, decision=decision, decision_sent_on=decision_sent_on) and not (
        is_placement_only(
            decision=decision,
            sections_disputed=sections_disputed,
            health_involved=health_involved,
            social_care_involved=social_care_involved,
        )
    )


class CaseFacts(Protocol):
    """What the case-level rules read: a Case, or anything else with its fields."""

    @property
    def route(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def decision_sent_on(self) -> date | None: ...
    @property
    def sections_disputed(self) -> Iterable[str]: ...
    @property
    def health_involved(self) -> bool: ...
    @property
    def social_care_involved(self) -> bool: ...


def case_needs_certificate(case: CaseFacts) -> bool:
    """needs_certificate() for anything with a case's fields."""
    return needs_certificate(
        route=case.route,
        decision=case.decision,
        decision_sent_on=case.decision_sent_on,
        sections_disputed=case.sections_disputed,
        health_involved=case.health_involved,
        social_care_involved=case.social_care_involved,
    )


def case_is_placement_only(case: CaseFacts) -> bool:
    return is_placement_only(
        decision=case.decision,
        sections_disputed=case.sections_disputed,
        health_involved=case.health_involved,
        social_care_involved=case.social_care_involved,
    )


def _last_friday_of_june(year: int) -> date:
    day = date(year, 6, 30)
    return date(year, 6, 30 - (day.weekday() - FRIDAY) % 7)


def _birthday(born: date, age: int) -> date:
    """The day someone born on `born` turns `age` (a 29 February birthday falls on 1 March in other years)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def compulsory_school_age_ends(born: date) -> date:
    """The last day of compulsory school age: the last Friday in June of the school year (1 September to 31
    August) in which the person turns 16 (Education Act 1996 s.8; decision 13)."""
    sixteenth = _birthday(born, COMPULSORY_SCHOOL_AGE_LAST_BIRTHDAY)
    school_year_ends = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    return _last_friday_of_june(school_year_ends)


def is_young_person(born: date, on: date) -> bool:
    """Over compulsory school age and under 25 on `on` (CFA 2014 s.83(2); decision 13)."""
    return compulsory_school_age_ends(born) < on and age_on(born, on) < YOUNG_PERSON_UPPER_AGE


def allowed_transitions(status: str) -> tuple[str, ...]:
    """Statuses a case may move to from `status`, in lifecycle order."""
    targets = TRANSITIONS.get(status, ())
    if status not in NO_WITHDRAWAL_FROM:
        targets = (*targets, S.WITHDRAWN)
    return targets


def can_transition(status: str, target: str) -> bool:
    return target in allowed_transitions(status)


@dataclass(frozen=True)
class _Move:
    """A requested status change with the case facts its guards read."""

    route: str
    decision: str
    decision_sent_on: date | None
    sections: set[str]
    reason: str
    today: date | None
    appeal_window_closes_on: date | None


def _triage_problems(move: _Move) -> Iterator[str]:
    if not move.decision and move.route != Route.DRS:
        yield "Record the decision under dispute before triage."
    if move.decision_sent_on is None and move.route != Route.DRS:
        yield "Record the date the decision letter was sent before triage."
    if not move.sections and move.decision in PLAN_CONTENT_DECISIONS:
        yield "Record which EHC plan sections are disputed before triage."


def _placement_only_problems(move: _Move) -> Iterator[str]:
    placement_alone = disputed_sections(move.decision, move.sections) == {PLACEMENT_SECTION}
    if not placement_alone or move.decision not in PLAN_CONTENT_DECISIONS:
        yield "Placement only applies when section I of a plan is the only disputed matter."


def _drs_route_problems(move: _Move) -> Iterator[str]:
    if move.route != Route.DRS:
        yield "Change the route to disagreement resolution first."


def _mediation_route_problems(move: _Move) -> Iterator[str]:
    if move.route == Route.DRS:
        yield "Change the route to statutory mediation first."


def _withdrawal_problems(move: _Move) -> Iterator[str]:
    if not move.reason.strip():
        yield "Give the reason the family withdrew."


def _window_expired_problems(move: _Move) -> Iterator[str]:
    closes_on = move.appeal_window_closes_on
    if closes_on is None:
        yield "This case has no appeal window to close."
    elif move.today is None or move.today <= closes_on:
        yield (
            f"The family's appeal window is open until 5pm on {short_date(closes_on)}: it can be "
            "recorded as expired from the next day."
        )


# Guards from section 4.1, by the status a case moves to; a move to any other allowed status needs nothing more.
TRANSITION_GUARDS: dict[str, Callable[[_Move], Iterator[str]]] = {
    S.TRIAGED: _triage_problems,
    S.PLACEMENT_ONLY: _placement_only_problems,
    S.DRS_ROUTE: _drs_route_problems,
    S.MEDIATION_ROUTE: _mediation_route_problems,
    S.WITHDRAWN: _withdrawal_problems,
    S.WINDOW_EXPIRED: _window_expired_problems,
}


def transition_problems(
    *,
    status: str,
    target: str,
    route: str,
    decision: str,
    decision_sent_on: date | None,
    sections_disputed: Iterable[str],
    reason: str = "",
    today: date | None = None,
    appeal_window_closes_on: date | None = None,
) -> list[str]:
    """Why a case may not move from `status` to `target` (empty when it may). Guards from section 4.1; the appeal
    window can only be closed once its last day (C9) has passed (`today` and the window's last day given)."""
    if not can_transition(status, target):
        return [f"A case that is {S(status).label.lower()} cannot move to {S(target).label.lower()}."]
    guard = TRANSITION_GUARDS.get(target)
    if guard is None:
        return []
    move = _Move(
        route=route,
        decision=decision,
        decision_sent_on=decision_sent_on,
        sections=set(sections_disputed),
        reason=reason,
        today=today,
        appeal_window_closes_on=appeal_window_closes_on,
    )
    return list(guard(move))


def age_on(born: date, on: date) -> int:
    """Whole years of age on a date (a 29 February birthday counts from 1 March in other years)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _age_problems(party_type: str | None, born: date, taken_in_on: date) -> dict[str, str]:
    """Who may bring the disagreement, by the child's age on the day the case is taken in (decision 13)."""
    age = age_on(born, taken_in_on)
    if age >= YOUNG_PERSON_UPPER_AGE:
        return {
            "child_date_of_birth": (
                f"The young person was {age} when the case was taken in: these routes end at 25 "
                "(Children and Families Act 2014 s.83)."
            )
        }
    if party_type in {PartyType.YOUNG_PERSON, PartyType.ALTERNATIVE} and not is_young_person(born, taken_in_on):
        ends = compulsory_school_age_ends(born)
        who = (
            "A young person acting for themselves"
            if party_type == PartyType.YOUNG_PERSON
            else ("An alternative person acting for a young person")
        )
        return {
            "party_type": (
                f"{who} must be over compulsory school age, which for this child ends on "
                f"{day_month_year(ends)} (the last Friday in June of the school year they turn 16). "
                "Until then a parent or carer brings the disagreement."
            )
        }
    return {}


@dataclass(frozen=True)
class _Intake:
    """The facts of an intake record the sequence checks read."""

    today: date
    date_of_birth: date | None
    decision_sent_on: date | None
    first_contact_on: date | None
    party_type: str | None
    route: str | None
    decision: str | None
    sections_disputed: set[str]
    taken_in_on: date


Problems = Iterator[tuple[str, str]]  # (field name, message)


def _birth_not_future(facts: _Intake) -> Problems:
    if facts.date_of_birth and facts.date_of_birth > facts.today:
        yield "child_date_of_birth", "Date of birth must be today or in the past."


# Intake dates that follow another: (field, the field it follows, message when in the future, message when before).
_DATE_SEQUENCE = (
    (
        "decision_sent_on",
        "date_of_birth",
        "The decision letter date must be today or in the past.",
        "The decision letter date cannot be before the child's date of birth.",
    ),
    (
        "first_contact_on",
        "decision_sent_on",
        "The date of first contact must be today or in the past.",
        "First contact cannot be before the decision letter was sent.",
    ),
)


def _dates_in_sequence(facts: _Intake) -> Problems:
    """Each date is neither in the future nor before the date it follows (when that one is known)."""
    for field, follows, future, before in _DATE_SEQUENCE:
        day, earlier = getattr(facts, field), getattr(facts, follows)
        if not day:
            continue
        if day > facts.today:
            yield field, future
        elif earlier and day < earlier:
            yield field, before


def _who_may_bring_it(facts: _Intake) -> Problems:
    if facts.date_of_birth and facts.date_of_birth <= facts.today:
        yield from _age_problems(facts.party_type, facts.date_of_birth, facts.taken_in_on).items()


def _mediation_needs_the_decision(facts: _Intake) -> Problems:
    if facts.route not in {Route.MEDIATION, Route.PLACEMENT_ONLY}:
        return
    if not facts.decision:
        yield "decision", "Choose the decision under dispute."
    if not facts.decision_sent_on:
        yield "decision_sent_on", "Enter the date the decision letter was sent."


def _placement_only_disputes_section_i(facts: _Intake) -> Problems:
    if facts.route == Route.PLACEMENT_ONLY and facts.sections_disputed - {"I"}:
        yield "sections_disputed", "A placement-only disagreement disputes section I alone."


# In the order their messages are reported; a field keeps the first message found for it.
INTAKE_CHECKS: tuple[Callable[[_Intake], Problems], ...] = (
    _birth_not_future,
    _dates_in_sequence,
    _who_may_bring_it,
    _mediation_needs_the_decision,
    _placement_only_disputes_section_i,
)


def intake_problems(
    *,
    today: date,
    date_of_birth: date | None,
    decision_sent_on: date | None,
    first_contact_on: date | None,
    party_type: str | None,
    route: str | None,
    decision: str | None,
    sections_disputed: Iterable[str] = (),
    taken_in_on: date | None = None,
) -> dict[str, str]:
    """Impossible sequences on an intake record, as {field name: message}. Empty when the facts hang together."""
    facts = _Intake(
        today=today,
        date_of_birth=date_of_birth,
        decision_sent_on=decision_sent_on,
        first_contact_on=first_contact_on,
        party_type=party_type,
        route=route,
        decision=decision,
        sections_disputed=set(sections_disputed or ()),
        taken_in_on=taken_in_on or today,
    )
    problems: dict[str, str] = {}
    for check in INTAKE_CHECKS:
        for field, message in check(facts):
            problems.setdefault(field, message)
    return problems
