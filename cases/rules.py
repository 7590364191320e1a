"""Pure domain rules for disagreement cases: the lifecycle (send-rules.md section 4.1) and intake sequence
checks. No ORM, no clock: callers pass `today` and plain values."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .models import Decision, PartyType, Route, Status

S = Status

# send-rules.md section 4.1. WITHDRAWN (the family withdraws) is reachable from every open status.
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

YOUNG_PERSON_MIN_AGE = 16  # CFA 2014 s.83(2): over compulsory school age; send-rules.md glossary
YOUNG_PERSON_MAX_AGE = 25  # a young person is under 25; the portal accepts 16-25 inclusive of age 25


def allowed_transitions(status: str) -> tuple[str, ...]:
    """Statuses a case may move to from `status`, in lifecycle order."""
    targets = TRANSITIONS.get(status, ())
    if status not in NO_WITHDRAWAL_FROM:
        targets = (*targets, S.WITHDRAWN)
    return targets


def can_transition(status: str, target: str) -> bool:
    return target in allowed_transitions(status)


def transition_problems(
    *,
    status: str,
    target: str,
    route: str,
    decision: str,
    decision_sent_on: date | None,
    sections_disputed: Iterable[str],
    reason: str = "",
) -> list[str]:
    """Why a case may not move from `status` to `target` (empty when it may). Guards from section 4.1."""
    if not can_transition(status, target):
        return [f"A case that is {S(status).label.lower()} cannot move to {S(target).label.lower()}."]
    problems: list[str] = []
    sections = set(sections_disputed)
    if target == S.TRIAGED:
        if not decision and route != Route.DRS:
            problems.append("Record the decision under dispute before triage.")
        if decision_sent_on is None and route != Route.DRS:
            problems.append("Record the date the decision letter was sent before triage.")
        if not sections and decision in {Decision.CONTENT_B, Decision.CONTENT_F, Decision.PLACEMENT_I}:
            problems.append("Record which EHC plan sections are disputed before triage.")
    elif target == S.PLACEMENT_ONLY:
        if sections != {"I"}:
            problems.append("Placement only applies when section I is the only disputed matter.")
    elif target == S.DRS_ROUTE:
        if route != Route.DRS:
            problems.append("Change the route to disagreement resolution first.")
    elif target == S.MEDIATION_ROUTE:
        if route == Route.DRS:
            problems.append("Change the route to statutory mediation first.")
    elif target == S.WITHDRAWN and not reason.strip():
        problems.append("Give the reason the family withdrew.")
    return problems


def age_on(born: date, on: date) -> int:
    """Whole years of age on a date (a 29 February birthday counts from 1 March in other years)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


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
) -> dict[str, str]:
    """Impossible sequences on an intake record, as {field name: message}. Empty when the facts hang together."""
    problems: dict[str, str] = {}
    if date_of_birth and date_of_birth > today:
        problems["child_date_of_birth"] = "Date of birth must be today or in the past."
    if decision_sent_on:
        if decision_sent_on > today:
            problems["decision_sent_on"] = "The decision letter date must be today or in the past."
        elif date_of_birth and decision_sent_on < date_of_birth:
            problems["decision_sent_on"] = "The decision letter date cannot be before the child's date of birth."
    if first_contact_on:
        if first_contact_on > today:
            problems["first_contact_on"] = "The date of first contact must be today or in the past."
        elif decision_sent_on and first_contact_on < decision_sent_on:
            problems["first_contact_on"] = "First contact cannot be before the decision letter was sent."
    if party_type == PartyType.YOUNG_PERSON and date_of_birth and date_of_birth <= today:
        age = age_on(date_of_birth, first_contact_on or today)
        if age < YOUNG_PERSON_MIN_AGE:
            problems["party_type"] = (
                f"A young person must be 16 or over to act for themselves; this child was {age} "
                "at first contact. Choose parent or carer."
            )
        elif age > YOUNG_PERSON_MAX_AGE:
            problems["party_type"] = "A young person acting for themselves must be aged 25 or under."
    if route in {Route.MEDIATION, Route.PLACEMENT_ONLY}:
        if not decision:
            problems.setdefault("decision", "Choose the decision under dispute.")
        if not decision_sent_on:
            problems.setdefault("decision_sent_on", "Enter the date the decision letter was sent.")
    if route == Route.PLACEMENT_ONLY and set(sections_disputed) - {"I"}:
        problems["sections_disputed"] = "A placement-only disagreement disputes section I alone."
    return problems
