"""The next step on a case: the one next thing to do, who must do it and by when (docs/rules.md §8 D18).

Pure: worked out from the case's status, route, whether an officer holds it, its open clocks and the stage the
pathway has reached (which the pathway app reports as a `PathwayStage`, so this module knows nothing of referral
records), with `today` passed in. No ORM, no clock. The result is stored on the case (cases.next_step_services)
whenever the case or its clocks change, so lists filter and sort on it from an index.

How it is chosen:
1. A closed case has none. A case nobody holds: assign an officer.
2. Every open clock someone other than the family must act on is a candidate step (a certificate for the provider,
   telling the ICB, an agreed action, a Tribunal step), due on its date; so is the step the case's stage calls for
   (refer, accept, assign a mediator, arrange or hold the session, record an outcome, close), due when the clock
   behind it falls due (the 30-day mediation clock for arranging the mediation) or with no date.
3. The earliest-due candidate wins; an undated step comes after every dated one, and the stage's own step wins a
   tie. A certificate still to be issued therefore comes before "open the appeal window".
4. When nobody but the family has anything to do, the family's window (contact the adviser, C1; decide whether to
   appeal, C9) is the next step, theirs (docs/rules.md §8 D12). Once that window has passed it becomes the LA's
   prompt to record what happened or close the case, with no date of its own (a passed window is not overdue work).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .models import NextStepBy, Route, Status

S = Status
BY = NextStepBy

# Deadline.Binds values (who a clock binds), as stored on the clock rows.
BINDS_LA, BINDS_FAMILY, BINDS_ADVISER, BINDS_ICB = "la", "family", "adviser", "icb"
# Who acts on a clock: the mediation adviser works for the provider, whom the LA chases (§8 D12).
WHO_FOR_BINDS = {BINDS_LA: BY.LA, BINDS_FAMILY: BY.FAMILY, BINDS_ADVISER: BY.PROVIDER, BINDS_ICB: BY.ICB}


class PathwayStage(StrEnum):
    """Where the mediation or disagreement-resolution pathway of a case stands (reported by the pathway app)."""

    NONE = "none"  # nothing recorded yet
    ADVISER_MEDIATION = "adviser_mediation"  # the family told the adviser they want mediation; not yet referred
    ADVISER_DECLINED = "adviser_declined"  # the family does not want mediation: certificate only
    ADVISER_PLACEMENT = "adviser_placement"  # placement only: information given
    REFERRAL_DECLINED = "referral_declined"  # the provider declined the latest referral
    AWAITING_PROVIDER = "awaiting_provider"  # referred: the provider to accept or decline
    MEDIATOR_TO_ASSIGN = "mediator_to_assign"  # accepted: a mediator to be assigned
    SESSION_TO_ARRANGE = "session_to_arrange"  # a mediator assigned: no session arranged
    SESSION_ARRANGED = "session_arranged"  # a session arranged (Pathway.session_on)
    OUTCOME_TO_RECORD = "outcome_to_record"  # a session held: the mediation's outcome to record
    NOT_HELD = "not_held"  # not held within 30 days
    MEDIATION_ENDED = "mediation_ended"  # concluded, withdrawn or the LA conceded
    DRS_REFERRED = "drs_referred"  # referred for disagreement resolution: no meeting date yet
    DRS_MEETING_ARRANGED = "drs_meeting_arranged"  # a meeting date recorded (Pathway.meeting_on)
    DRS_ENDED = "drs_ended"  # the disagreement resolution's outcome is recorded


@dataclass(frozen=True)
class Pathway:
    stage: PathwayStage = PathwayStage.NONE
    session_on: date | None = None  # the arranged session's date (SESSION_ARRANGED)
    meeting_on: date | None = None  # the disagreement resolution meeting's date (DRS_MEETING_ARRANGED)
    health_only: bool = False  # the mediation is about health care alone: the ICB arranges it (C5)


@dataclass(frozen=True)
class OpenClock:
    """An open statutory clock, as stored (Deadline row)."""

    code: str
    title: str
    binds: str
    due_on: date


@dataclass(frozen=True)
class CaseState:
    status: str
    route: str
    has_officer: bool
    clocks: tuple[OpenClock, ...] = ()
    pathway: Pathway = field(default_factory=Pathway)


@dataclass(frozen=True)
class NextStep:
    action: str
    by: str  # NextStepBy value
    due_on: date | None = None


NONE = NextStep("", "", None)

# Statuses where what is left is to close the case (after any clock still open).
CLOSE_AFTER = frozenset({
    S.RESOLVED, S.PARTLY_RESOLVED, S.UNRESOLVED, S.DRS_DECLINED, S.NOT_IN_SCOPE, S.COMPLIED, S.BREACHED,
    S.APPEAL_WITHDRAWN, S.WINDOW_EXPIRED, S.WITHDRAWN,
})  # fmt: skip
# Statuses before the case's route is under way: the pathway's stage says what comes next.
BEFORE_OR_ON_THE_ROUTE = frozenset({S.INTAKE, S.TRIAGED, S.MEDIATION_ROUTE, S.DRS_ROUTE, S.DRS_MEETING_SCHEDULED})

# What each clock asks of whoever it binds (the clock's own title says it for agreed actions and Tribunal steps).
CERTIFICATE_ACTIONS = {
    "C2": "Issue the certificate: mediation declined",
    "C6": "Issue the certificate: mediation not held within 30 days",
    "C8": "Issue the certificate after mediation",
}
CLOCK_ACTIONS = {
    **CERTIFICATE_ACTIONS,
    "C3": "Tell the ICB the mediation issues include health care",
    "C7": "Send the family notice of the session's date and place",
    "C12": "Tell the LA of the agreement reached without it",
    "C17": "Send the LA's response to the appeal",
}
# Clocks whose date is the due date of the stage's step rather than a step of their own.
STAGE_CLOCKS = {"C4", "C5"}
FAMILY_CLOCKS = {"C1", "C9"}


def clock_step(clock: OpenClock) -> NextStep:
    """The step an open clock asks for, by whom and by when."""
    action = CLOCK_ACTIONS.get(clock.code) or clock.title
    return NextStep(action[:200], WHO_FOR_BINDS.get(clock.binds, BY.LA), clock.due_on)


def _clock(clocks: Iterable[OpenClock], *codes: str) -> OpenClock | None:
    found = [c for c in clocks if c.code in codes]
    return min(found, key=lambda c: c.due_on) if found else None


def _mediation_due(state: CaseState) -> date | None:
    """The 30-day mediation clock the arranging steps work to (C5 for health-only mediation, else C4)."""
    clock = _clock(state.clocks, "C5") if state.pathway.health_only else None
    clock = clock or _clock(state.clocks, "C4")
    return clock.due_on if clock else None


def _fmt(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def family_window_step(state: CaseState, *, today: date) -> NextStep | None:
    """The family's open window (C1 before C9), theirs while it runs; once passed, the LA's prompt."""
    c1, c9 = _clock(state.clocks, "C1"), _clock(state.clocks, "C9")
    if c1 is not None:
        if c1.due_on >= today:
            return NextStep("Contact the mediation adviser (2 months from the decision letter)", BY.FAMILY, c1.due_on)
        return NextStep(
            f"The family's time to contact the adviser ended on {_fmt(c1.due_on)}: ask the family, or close the case",
            BY.LA,
        )
    if c9 is not None:
        if c9.due_on >= today:
            return NextStep("Decide whether to appeal to the Tribunal", BY.FAMILY, c9.due_on)
        return NextStep(
            f"The appeal window closed on {_fmt(c9.due_on)}: record the appeal, or that the window expired", BY.LA
        )
    return None


def _mediation_stage_step(state: CaseState, *, today: date) -> NextStep | None:
    """The step the mediation pathway's stage calls for (before the case moves past mediation)."""
    p, stage = state.pathway, state.pathway.stage
    due = _mediation_due(state)
    arranging_by = BY.ICB if p.health_only else BY.MEDIATOR
    match stage:
        case PathwayStage.ADVISER_MEDIATION:
            return NextStep("Refer the case to a mediation provider", BY.LA)
        case PathwayStage.REFERRAL_DECLINED:
            return NextStep("Refer the case to another mediation provider", BY.LA, due)
        case PathwayStage.AWAITING_PROVIDER:
            return NextStep("Accept or decline the referral", BY.PROVIDER, due)
        case PathwayStage.MEDIATOR_TO_ASSIGN:
            return NextStep("Assign a mediator", BY.LA, due)
        case PathwayStage.SESSION_TO_ARRANGE:
            return NextStep("Arrange the mediation session", arranging_by, due)
        case PathwayStage.SESSION_ARRANGED:
            return NextStep("Hold the mediation session and record it", BY.MEDIATOR, p.session_on or due)
        case PathwayStage.OUTCOME_TO_RECORD:
            return NextStep("Record the outcome of the mediation", BY.MEDIATOR)
        case PathwayStage.MEDIATION_ENDED:
            if state.status == S.MEDIATION_ROUTE:
                return NextStep("Move the case on from mediation", BY.LA)
            return None
        case PathwayStage.NOT_HELD | PathwayStage.ADVISER_DECLINED | PathwayStage.ADVISER_PLACEMENT:
            return None  # a certificate (C6, C2) or the family's appeal window comes next
    # Nothing recorded yet: the family contacts the adviser while their window runs (C1); with no window (health
    # or social care alone, placement only) the LA takes the case forward.
    if state.route == Route.PLACEMENT_ONLY or _clock(state.clocks, "C1", "C9"):
        return None
    return NextStep("Refer the case to a mediation provider", BY.LA)


def _drs_stage_step(state: CaseState) -> NextStep:
    p = state.pathway
    match p.stage:
        case PathwayStage.DRS_REFERRED:
            return NextStep("Arrange the disagreement resolution meeting", BY.PROVIDER)
        case PathwayStage.DRS_MEETING_ARRANGED:
            return NextStep("Record the outcome of the disagreement resolution meeting", BY.LA, p.meeting_on)
        case PathwayStage.DRS_ENDED:
            return NextStep("Close the case", BY.LA)
    return NextStep("Refer the case for disagreement resolution", BY.LA)


def stage_step(state: CaseState, *, today: date) -> NextStep | None:
    """The step the case's status (and its pathway's stage) calls for, if any."""
    status = state.status
    if status in CLOSE_AFTER:
        return NextStep("Close the case", BY.LA)
    if status in BEFORE_OR_ON_THE_ROUTE:
        if state.route == Route.DRS or status in (S.DRS_ROUTE, S.DRS_MEETING_SCHEDULED):
            return _drs_stage_step(state)
        return _mediation_stage_step(state, today=today)
    match status:
        case S.DRS_MEETING_HELD:
            return NextStep("Record the outcome of the disagreement resolution meeting", BY.LA)
        case S.PLACEMENT_ONLY:
            return None  # the family's appeal window (C9), or a request for mediation
        case S.POST_MEDIATION:
            return NextStep("Record the agreement, or move the case to the appeal window", BY.LA)
        case S.AGREEMENT_IMPLEMENTATION:
            return NextStep("Record whether the agreement was complied with", BY.LA)
        case S.APPEAL_WINDOW_OPEN:
            return None  # the family's appeal window (C9)
        case S.APPEAL_LODGED:
            return NextStep("Record the Tribunal's decision", BY.LA)
        case S.CONCEDED_UNOPPOSED | S.ORDER_MADE:
            return NextStep("Record what the order requires and move the case to compliance", BY.LA)
        case S.COMPLIANCE:
            return NextStep("Close the case once every step of the order is done", BY.LA)
    return None


def next_step(state: CaseState, *, today: date) -> NextStep:
    """The one next thing to do on the case, who must do it and by when (see the module docstring)."""
    if state.status == S.CLOSED:
        return NONE
    work = [c for c in state.clocks if c.binds != BINDS_FAMILY and c.code not in STAGE_CLOCKS]
    if not state.has_officer:
        dated = sorted(c.due_on for c in work) or [_mediation_due(state)]
        return NextStep("Assign an officer to the case", BY.LA, dated[0])
    candidates: list[tuple[int, NextStep]] = []
    own = stage_step(state, today=today)
    if own is not None:
        candidates.append((0, own))
    candidates += [(1, clock_step(c)) for c in work]
    if candidates:
        return min(candidates, key=lambda item: (item[1].due_on is None, item[1].due_on or today, item[0]))[1]
    window = family_window_step(state, today=today)
    if window is not None:
        return window
    return NextStep("Move the case on", BY.LA)
