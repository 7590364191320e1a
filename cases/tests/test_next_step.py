"""The next step on a case (cases.next_step, pure): every status, every pathway stage and every kind of clock, on
the dates of the worked examples the deadline tests use (E1, E2, E14, E17, E19, E20, E22, E24). No database."""

from datetime import date

import pytest

from cases.deadlines import ClockCode
from cases.models import NextStepBy, Route, Status
from cases.next_step import CaseState, NextStep, OpenClock, Pathway, PathwayStage, next_step

S, P, BY = Status, PathwayStage, NextStepBy

# The clocks of the worked examples, as stored (open).
C1_E1 = OpenClock("C1", "Contact the mediation adviser", "family", date(2026, 5, 27))  # letter Fri 27 Mar 2026
C9_E1 = OpenClock("C9", "Tribunal must receive the appeal", "family", date(2026, 5, 27))
C2_E2 = OpenClock("C2", "Certificate (mediation declined)", "adviser", date(2026, 4, 8))  # declined Wed 1 Apr
C2_E17 = OpenClock("C2", "Certificate (mediation declined)", "adviser", date(2026, 12, 30))  # declined 23 Dec
C8_E14 = OpenClock("C8", "Certificate after mediation", "adviser", date(2026, 5, 7))  # concluded Fri 1 May
C6 = OpenClock("C6", "Certificate (not held within 30 days)", "adviser", date(2026, 5, 19))  # told Thu 14 May
C3_E19 = OpenClock("C3", "LA tells the ICB", "la", date(2026, 4, 9))  # told Thu 2 Apr (Easter)
C5_E19 = OpenClock("C5", "Health-only mediation held", "icb", date(2026, 5, 9))  # ICB received Thu 9 Apr
C4 = OpenClock("C4", "Mediation held", "la", date(2026, 5, 14))  # the LA was told Tue 14 Apr
C7_E20 = OpenClock("C7", "Notice of the mediation", "la", date(2026, 3, 31))  # session Thu 9 Apr
C10_E22 = OpenClock("C10", "Tell the family the EHC needs assessment will be carried out", "la", date(2026, 4, 10))
C11 = OpenClock("C11", "Educational psychologist visit arranged", "la", date(2026, 4, 10))
C12 = OpenClock("C12", "ICB tells the LA of the agreement", "icb", date(2026, 4, 3))
C13 = OpenClock("C13", "Speech and language review (agreed in writing)", "la", date(2026, 6, 1))
C14_E24 = OpenClock("C14", "Tribunal order: draft plan", "la", date(2026, 10, 15))  # order sent Thu 10 Sep
C15 = OpenClock("C15", "Unopposed appeal: amended plan", "la", date(2026, 10, 15))
C16_ICB = OpenClock("C16", "Respond to Tribunal recommendations (the ICB)", "icb", date(2026, 10, 15))
C17 = OpenClock("C17", "LA response to the appeal (as directed)", "la", date(2026, 7, 20))

BEFORE_E1 = date(2026, 4, 1)  # the family's windows of E1 still open
AFTER_E1 = date(2026, 5, 28)  # the day after they closed


def state(status, route=Route.MEDIATION, clocks=(), stage=P.NONE, officer=True, **pathway):
    return CaseState(
        status=status, route=route, has_officer=officer, clocks=tuple(clocks), pathway=Pathway(stage, **pathway)
    )


CASES = {
    # Intake and triage, mediation route: the family's adviser window, then what they chose.
    "intake, nothing recorded: the family contacts the adviser by E1's date": (
        state(S.INTAKE, clocks=[C1_E1, C9_E1]),
        BEFORE_E1,
        NextStep("Contact the mediation adviser (2 months from the decision letter)", BY.FAMILY, date(2026, 5, 27)),
    ),
    "triaged, the adviser window passed: the LA's prompt, with no date": (
        state(S.TRIAGED, clocks=[C1_E1, C9_E1]),
        AFTER_E1,
        NextStep(
            "The family's time to contact the adviser ended on Wed 27 May 2026: ask the family, or close the case",
            BY.LA,
        ),
    ),
    "the family wants mediation: the LA refers": (
        state(S.INTAKE, clocks=[C9_E1], stage=P.ADVISER_MEDIATION),
        BEFORE_E1,
        NextStep("Refer the case to a mediation provider", BY.LA),
    ),
    "the family declined mediation (E2): the provider's certificate by Wed 8 Apr 2026": (
        state(S.TRIAGED, clocks=[C2_E2, C9_E1], stage=P.ADVISER_DECLINED),
        BEFORE_E1,
        NextStep("Issue the certificate: mediation declined", BY.PROVIDER, date(2026, 4, 8)),
    ),
    "declined and the certificate issued: the family decides whether to appeal": (
        state(S.TRIAGED, clocks=[C9_E1], stage=P.ADVISER_DECLINED),
        BEFORE_E1,
        NextStep("Decide whether to appeal to the Tribunal", BY.FAMILY, date(2026, 5, 27)),
    ),
    "placement only, information given: the family's appeal window": (
        state(S.INTAKE, route=Route.PLACEMENT_ONLY, clocks=[C9_E1], stage=P.ADVISER_PLACEMENT),
        BEFORE_E1,
        NextStep("Decide whether to appeal to the Tribunal", BY.FAMILY, date(2026, 5, 27)),
    ),
    "health or social care alone (no appeal window): the LA refers": (
        state(S.INTAKE),
        BEFORE_E1,
        NextStep("Refer the case to a mediation provider", BY.LA),
    ),
    "nobody holds the case: assign an officer, by its earliest clock": (
        state(S.INTAKE, clocks=[C1_E1, C2_E2], officer=False),
        BEFORE_E1,
        NextStep("Assign an officer to the case", BY.LA, date(2026, 4, 8)),
    ),
    "nobody holds a new case with only the family's window: assign, undated": (
        state(S.INTAKE, clocks=[C1_E1], officer=False),
        BEFORE_E1,
        NextStep("Assign an officer to the case", BY.LA),
    ),
    # The mediation route, stage by stage, against the 30-day clock (C4).
    "a provider declined: refer to another, the 30 days still running": (
        state(S.MEDIATION_ROUTE, clocks=[C4], stage=P.REFERRAL_DECLINED),
        BEFORE_E1,
        NextStep("Refer the case to another mediation provider", BY.LA, date(2026, 5, 14)),
    ),
    "referred: the provider accepts or declines": (
        state(S.MEDIATION_ROUTE, clocks=[C4, C9_E1], stage=P.AWAITING_PROVIDER),
        BEFORE_E1,
        NextStep("Accept or decline the referral", BY.PROVIDER, date(2026, 5, 14)),
    ),
    "accepted: the LA assigns a mediator": (
        state(S.MEDIATION_ROUTE, clocks=[C4], stage=P.MEDIATOR_TO_ASSIGN),
        BEFORE_E1,
        NextStep("Assign a mediator", BY.LA, date(2026, 5, 14)),
    ),
    "health issues (E19): telling the ICB by Thu 9 Apr 2026 comes before assigning": (
        state(S.MEDIATION_ROUTE, clocks=[C4, C3_E19], stage=P.MEDIATOR_TO_ASSIGN),
        BEFORE_E1,
        NextStep("Tell the ICB the mediation issues include health care", BY.LA, date(2026, 4, 9)),
    ),
    "a mediator assigned: the mediator arranges the session": (
        state(S.MEDIATION_ROUTE, clocks=[C4], stage=P.SESSION_TO_ARRANGE),
        BEFORE_E1,
        NextStep("Arrange the mediation session", BY.MEDIATOR, date(2026, 5, 14)),
    ),
    "health-only mediation (E19): the ICB arranges it within its 30 days (Sat 9 May 2026)": (
        state(S.MEDIATION_ROUTE, clocks=[C5_E19], stage=P.SESSION_TO_ARRANGE, health_only=True),
        BEFORE_E1,
        NextStep("Arrange the mediation session", BY.ICB, date(2026, 5, 9)),
    ),
    "a session arranged (E20, Thu 9 Apr 2026): the mediator holds and records it": (
        state(S.MEDIATION_ROUTE, clocks=[C4], stage=P.SESSION_ARRANGED, session_on=date(2026, 4, 9)),
        BEFORE_E1,
        NextStep("Hold the mediation session and record it", BY.MEDIATOR, date(2026, 4, 9)),
    ),
    "notice of the session still to send (E20: by Tue 31 Mar 2026)": (
        state(S.MEDIATION_ROUTE, clocks=[C4, C7_E20], stage=P.SESSION_ARRANGED, session_on=date(2026, 4, 9)),
        date(2026, 3, 27),
        NextStep("Send the family notice of the session's date and place", BY.LA, date(2026, 3, 31)),
    ),
    "a session held: the mediator records the outcome": (
        state(S.MEDIATION_ROUTE, stage=P.OUTCOME_TO_RECORD),
        BEFORE_E1,
        NextStep("Record the outcome of the mediation", BY.MEDIATOR),
    ),
    "not held within 30 days: the provider's certificate first": (
        state(S.MEDIATION_ROUTE, clocks=[C6, C9_E1], stage=P.NOT_HELD),
        date(2026, 5, 15),
        NextStep("Issue the certificate: mediation not held within 30 days", BY.PROVIDER, date(2026, 5, 19)),
    ),
    "not held and certified: the family decides whether to appeal": (
        state(S.MEDIATION_ROUTE, clocks=[C9_E1], stage=P.NOT_HELD),
        date(2026, 5, 20),
        NextStep("Decide whether to appeal to the Tribunal", BY.FAMILY, date(2026, 5, 27)),
    ),
    "the family withdrew from mediation (E17, over Christmas): the certificate by Wed 30 Dec 2026": (
        state(S.MEDIATION_ROUTE, clocks=[C2_E17], stage=P.MEDIATION_ENDED),
        date(2026, 12, 23),
        NextStep("Issue the certificate: mediation declined", BY.PROVIDER, date(2026, 12, 30)),
    ),
    "mediation ended and certified, the case still on the mediation route": (
        state(S.MEDIATION_ROUTE, stage=P.MEDIATION_ENDED),
        BEFORE_E1,
        NextStep("Move the case on from mediation", BY.LA),
    ),
    # After mediation.
    "after mediation (E14): the certificate by Thu 7 May 2026 before the appeal window": (
        state(S.POST_MEDIATION, clocks=[C8_E14, C9_E1], stage=P.MEDIATION_ENDED),
        date(2026, 5, 1),
        NextStep("Issue the certificate after mediation", BY.PROVIDER, date(2026, 5, 7)),
    ),
    "after mediation, certified: the LA records the agreement or opens the appeal window": (
        state(S.POST_MEDIATION, clocks=[C9_E1], stage=P.MEDIATION_ENDED),
        date(2026, 5, 8),
        NextStep("Record the agreement, or move the case to the appeal window", BY.LA),
    ),
    "an agreement on an appealable matter (E22): tell the family by Fri 10 Apr 2026": (
        state(S.AGREEMENT_IMPLEMENTATION, clocks=[C10_E22, C13], stage=P.MEDIATION_ENDED),
        date(2026, 3, 30),
        NextStep("Tell the family the EHC needs assessment will be carried out", BY.LA, date(2026, 4, 10)),
    ),
    "an agreement on other matters (C11) and the ICB's week (C12): the ICB's comes first": (
        state(S.AGREEMENT_IMPLEMENTATION, clocks=[C11, C12], stage=P.MEDIATION_ENDED),
        date(2026, 3, 30),
        NextStep("Tell the LA of the agreement reached without it", BY.ICB, date(2026, 4, 3)),
    ),
    "timescales agreed in writing (C13)": (
        state(S.AGREEMENT_IMPLEMENTATION, clocks=[C13], stage=P.MEDIATION_ENDED),
        date(2026, 5, 1),
        NextStep("Speech and language review (agreed in writing)", BY.LA, date(2026, 6, 1)),
    ),
    "every agreed action done: record whether the agreement was complied with": (
        state(S.AGREEMENT_IMPLEMENTATION, stage=P.MEDIATION_ENDED),
        date(2026, 6, 2),
        NextStep("Record whether the agreement was complied with", BY.LA),
    ),
    "complied with: close": (state(S.COMPLIED), date(2026, 6, 2), NextStep("Close the case", BY.LA)),
    "breached: close": (state(S.BREACHED), date(2026, 6, 2), NextStep("Close the case", BY.LA)),
    # Placement only and the appeal window.
    "placement only: the family's appeal window (E1)": (
        state(S.PLACEMENT_ONLY, route=Route.PLACEMENT_ONLY, clocks=[C9_E1]),
        BEFORE_E1,
        NextStep("Decide whether to appeal to the Tribunal", BY.FAMILY, date(2026, 5, 27)),
    ),
    "appeal window open (E1)": (
        state(S.APPEAL_WINDOW_OPEN, clocks=[C9_E1]),
        date(2026, 5, 27),
        NextStep("Decide whether to appeal to the Tribunal", BY.FAMILY, date(2026, 5, 27)),
    ),
    "appeal window passed (the day after E1's date): the LA records what happened": (
        state(S.APPEAL_WINDOW_OPEN, clocks=[C9_E1]),
        AFTER_E1,
        NextStep("The appeal window closed on Wed 27 May 2026: record the appeal, or that the window expired", BY.LA),
    ),
    "window expired: close": (state(S.WINDOW_EXPIRED), AFTER_E1, NextStep("Close the case", BY.LA)),
    # The Tribunal.
    "appeal lodged: the LA's response by the date the Tribunal directed": (
        state(S.APPEAL_LODGED, clocks=[C17]),
        date(2026, 6, 20),
        NextStep("Send the LA's response to the appeal", BY.LA, date(2026, 7, 20)),
    ),
    "appeal lodged, response sent: record the Tribunal's decision": (
        state(S.APPEAL_LODGED),
        date(2026, 7, 21),
        NextStep("Record the Tribunal's decision", BY.LA),
    ),
    "order made, timetable not yet recorded": (
        state(S.ORDER_MADE),
        date(2026, 9, 10),
        NextStep("Record what the order requires and move the case to compliance", BY.LA),
    ),
    "conceded, timetable recorded (C15)": (
        state(S.CONCEDED_UNOPPOSED, clocks=[C15]),
        date(2026, 9, 10),
        NextStep("Unopposed appeal: amended plan", BY.LA, date(2026, 10, 15)),
    ),
    "complying with an order (E24): the draft plan by Thu 15 Oct 2026": (
        state(S.COMPLIANCE, clocks=[C14_E24]),
        date(2026, 9, 10),
        NextStep("Tribunal order: draft plan", BY.LA, date(2026, 10, 15)),
    ),
    "complying: the ICB answers the recommendations (C16)": (
        state(S.COMPLIANCE, clocks=[C16_ICB]),
        date(2026, 9, 10),
        NextStep("Respond to Tribunal recommendations (the ICB)", BY.ICB, date(2026, 10, 15)),
    ),
    "every step of the order done: close": (
        state(S.COMPLIANCE),
        date(2026, 10, 16),
        NextStep("Close the case once every step of the order is done", BY.LA),
    ),
    "appeal withdrawn: close": (state(S.APPEAL_WITHDRAWN), date(2026, 7, 1), NextStep("Close the case", BY.LA)),
    # Disagreement resolution.
    "a disagreement resolution enquiry: refer it": (
        state(S.INTAKE, route=Route.DRS),
        BEFORE_E1,
        NextStep("Refer the case for disagreement resolution", BY.LA),
    ),
    "referred for disagreement resolution: the provider arranges the meeting": (
        state(S.DRS_ROUTE, route=Route.DRS, stage=P.DRS_REFERRED),
        BEFORE_E1,
        NextStep("Arrange the disagreement resolution meeting", BY.PROVIDER),
    ),
    "meeting arranged: record its outcome, by the meeting's date": (
        state(S.DRS_MEETING_SCHEDULED, route=Route.DRS, stage=P.DRS_MEETING_ARRANGED, meeting_on=date(2026, 4, 20)),
        BEFORE_E1,
        NextStep("Record the outcome of the disagreement resolution meeting", BY.LA, date(2026, 4, 20)),
    ),
    "meeting held: record the outcome": (
        state(S.DRS_MEETING_HELD, route=Route.DRS, stage=P.DRS_MEETING_ARRANGED, meeting_on=date(2026, 4, 20)),
        date(2026, 4, 21),
        NextStep("Record the outcome of the disagreement resolution meeting", BY.LA),
    ),
    "a DRS outcome recorded but the case not moved on: close": (
        state(S.TRIAGED, route=Route.DRS, stage=P.DRS_ENDED),
        date(2026, 4, 21),
        NextStep("Close the case", BY.LA),
    ),
    "resolved: close": (state(S.RESOLVED, route=Route.DRS), date(2026, 4, 21), NextStep("Close the case", BY.LA)),
    "partly resolved: close": (
        state(S.PARTLY_RESOLVED, route=Route.DRS),
        date(2026, 4, 21),
        NextStep("Close the case", BY.LA),
    ),
    "unresolved: close": (state(S.UNRESOLVED, route=Route.DRS), date(2026, 4, 21), NextStep("Close the case", BY.LA)),
    "disagreement resolution declined: close": (
        state(S.DRS_DECLINED, route=Route.DRS),
        date(2026, 4, 21),
        NextStep("Close the case", BY.LA),
    ),
    "not in scope: close": (state(S.NOT_IN_SCOPE), BEFORE_E1, NextStep("Close the case", BY.LA)),
    "the family withdrew, a certificate still due (E2): the certificate before closing": (
        state(S.WITHDRAWN, clocks=[C2_E2]),
        BEFORE_E1,
        NextStep("Issue the certificate: mediation declined", BY.PROVIDER, date(2026, 4, 8)),
    ),
    "withdrawn, nothing left: close": (state(S.WITHDRAWN), BEFORE_E1, NextStep("Close the case", BY.LA)),
    "closed: nothing": (state(S.CLOSED, clocks=[C9_E1]), BEFORE_E1, NextStep("", "", None)),
    "closed with nobody holding it: still nothing": (state(S.CLOSED, officer=False), BEFORE_E1, NextStep("", "")),
}


@pytest.mark.parametrize(("given", "today", "expected"), CASES.values(), ids=CASES.keys())
def test_the_next_step(given, today, expected):
    assert next_step(given, today=today) == expected


def test_every_status_every_pathway_stage_and_every_clock_is_covered():
    states = [given for given, _, _ in CASES.values()]
    assert {s.status for s in states} == set(Status.values)
    assert {s.pathway.stage for s in states} == set(PathwayStage)
    assert {c.code for s in states for c in s.clocks} == {code.value for code in ClockCode}


def test_who_is_always_one_of_the_five_and_an_open_case_always_has_a_step():
    for given, today, _ in CASES.values():
        step = next_step(given, today=today)
        if given.status == Status.CLOSED:
            assert step == NextStep("", "", None)
        else:
            assert step.action and step.by in {BY.LA, BY.FAMILY, BY.PROVIDER, BY.MEDIATOR, BY.ICB}


def test_the_family_window_is_theirs_up_to_its_last_day_and_the_las_prompt_from_the_next():
    window = state(S.APPEAL_WINDOW_OPEN, clocks=[C9_E1])
    assert next_step(window, today=date(2026, 5, 27)).by == BY.FAMILY
    after = next_step(window, today=date(2026, 5, 28))
    assert (after.by, after.due_on) == (BY.LA, None)


def test_a_dated_clock_comes_before_an_undated_step_and_the_stage_wins_a_tie():
    same_day = OpenClock("C3", "LA tells the ICB", "la", C4.due_on)
    tie = next_step(state(S.MEDIATION_ROUTE, clocks=[C4, same_day], stage=P.MEDIATOR_TO_ASSIGN), today=BEFORE_E1)
    assert tie == NextStep("Assign a mediator", BY.LA, date(2026, 5, 14))
