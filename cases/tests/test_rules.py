"""Pure rules: no database (pytest-django refuses queries in tests without a django_db mark)."""

from datetime import date

import pytest

from cases import rules
from cases.models import Decision, PartyType, Route, Status

TODAY = date(2026, 11, 28)


def facts(**overrides):
    base = dict(
        today=TODAY,
        date_of_birth=date(2016, 5, 14),
        decision_sent_on=date(2026, 10, 1),
        first_contact_on=date(2026, 10, 5),
        party_type=PartyType.PARENT,
        route=Route.MEDIATION,
        decision=Decision.RTA,
        sections_disputed=[],
    )
    base.update(overrides)
    return base


def test_consistent_intake_has_no_problems():
    assert rules.intake_problems(**facts()) == {}


def test_date_of_birth_in_the_future_is_refused():
    problems = rules.intake_problems(**facts(date_of_birth=date(2026, 11, 29)))
    assert problems["child_date_of_birth"] == "Date of birth must be today or in the past."


def test_decision_letter_before_birth_is_refused():
    problems = rules.intake_problems(**facts(date_of_birth=date(2020, 1, 1), decision_sent_on=date(2019, 12, 31)))
    assert "before the child's date of birth" in problems["decision_sent_on"]


def test_decision_letter_in_the_future_is_refused():
    problems = rules.intake_problems(**facts(decision_sent_on=date(2026, 12, 1), first_contact_on=date(2026, 12, 2)))
    assert problems["decision_sent_on"] == "The decision letter date must be today or in the past."


def test_first_contact_before_the_decision_letter_is_refused():
    problems = rules.intake_problems(**facts(first_contact_on=date(2026, 9, 30)))
    assert problems["first_contact_on"] == "First contact cannot be before the decision letter was sent."


def test_first_contact_on_the_day_of_the_letter_is_accepted():
    assert rules.intake_problems(**facts(first_contact_on=date(2026, 10, 1))) == {}


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        # Turned 16 on 31 Aug 2026: compulsory school age ended on the last Friday of June 2026 (26 June).
        (date(2010, 8, 31), True),
        # Turned 16 on 1 Sep 2026, the first day of a new school year: compulsory school age runs to 25 June 2027.
        (date(2010, 9, 1), False),
        # Turned 16 in October 2026, still in Year 11 on 28 Nov 2026: a child, not a young person.
        (date(2010, 10, 5), False),
        (date(2001, 11, 29), True),  # 24, turning 25 the next day
    ],
)
def test_young_person_acting_for_themselves_is_over_compulsory_school_age_and_under_25(born, ok):
    problems = rules.intake_problems(**facts(date_of_birth=born, party_type=PartyType.YOUNG_PERSON))
    assert ("party_type" not in problems and "child_date_of_birth" not in problems) is ok


def test_a_sixteen_year_old_in_year_11_is_told_when_compulsory_school_age_ends():
    problems = rules.intake_problems(**facts(date_of_birth=date(2010, 10, 5), party_type=PartyType.YOUNG_PERSON))
    assert "must be over compulsory school age" in problems["party_type"]
    assert "25 June 2027" in problems["party_type"]
    assert "a parent or carer brings the disagreement" in problems["party_type"]


def test_an_alternative_person_acts_only_for_a_young_person():
    problems = rules.intake_problems(**facts(date_of_birth=date(2016, 5, 14), party_type=PartyType.ALTERNATIVE))
    assert "An alternative person acting for a young person" in problems["party_type"]


@pytest.mark.parametrize("party_type", [PartyType.YOUNG_PERSON, PartyType.PARENT, PartyType.ALTERNATIVE])
def test_nobody_can_bring_these_routes_for_someone_25_or_older(party_type):
    problems = rules.intake_problems(**facts(date_of_birth=date(2001, 11, 28), party_type=party_type))
    assert "these routes end at 25" in problems["child_date_of_birth"]
    assert "was 25" in problems["child_date_of_birth"]


def test_the_age_rule_reads_the_day_the_case_was_taken_in():
    born = date(2010, 8, 31)  # compulsory school age ended on Fri 26 June 2026
    on_the_last_day = rules.intake_problems(
        **facts(date_of_birth=born, party_type=PartyType.YOUNG_PERSON), taken_in_on=date(2026, 6, 26)
    )
    the_day_after = rules.intake_problems(
        **facts(date_of_birth=born, party_type=PartyType.YOUNG_PERSON), taken_in_on=date(2026, 6, 27)
    )
    assert "party_type" in on_the_last_day
    assert "party_type" not in the_day_after


@pytest.mark.parametrize(
    ("born", "ends"),
    [
        (date(2010, 8, 31), date(2026, 6, 26)),  # 16 on the last day of the school year
        (date(2010, 9, 1), date(2027, 6, 25)),  # 16 on the first day of the next one
        (date(2011, 1, 15), date(2027, 6, 25)),
        (date(2008, 2, 29), date(2024, 6, 28)),  # a leap-day birthday turns 16 on 1 March 2024
        (date(2015, 6, 30), date(2031, 6, 27)),  # last Friday of June 2031 is the 27th
    ],
)
def test_compulsory_school_age_ends_on_the_last_friday_in_june_of_the_school_year_they_turn_16(born, ends):
    assert rules.compulsory_school_age_ends(born) == ends
    assert ends.weekday() == 4 and ends.month == 6 and ends.day > 23


def test_mediation_route_needs_the_decision_and_its_date():
    problems = rules.intake_problems(**facts(decision="", decision_sent_on=None))
    assert problems["decision"] == "Choose the decision under dispute."
    assert problems["decision_sent_on"] == "Enter the date the decision letter was sent."


def test_disagreement_resolution_needs_no_decision():
    assert rules.intake_problems(**facts(route=Route.DRS, decision="", decision_sent_on=None)) == {}


def test_placement_only_disputes_section_i_alone():
    problems = rules.intake_problems(**facts(route=Route.PLACEMENT_ONLY, sections_disputed=["B", "I"]))
    assert "section I alone" in problems["sections_disputed"]


def test_age_on_a_leap_day_birthday():
    assert rules.age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert rules.age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16
    assert rules.age_on(date(2008, 2, 29), date(2025, 3, 1)) == 17


def test_every_status_has_a_transition_entry_and_only_closed_is_terminal():
    assert set(rules.TRANSITIONS) == set(Status.values)
    terminal = [s for s in Status.values if not rules.allowed_transitions(s)]
    assert terminal == [Status.CLOSED]


def test_every_status_is_reachable_from_intake():
    seen, frontier = {Status.INTAKE}, [Status.INTAKE]
    while frontier:
        for nxt in rules.allowed_transitions(frontier.pop()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(Status.values)


@pytest.mark.parametrize(
    ("status", "target", "allowed"),
    [
        (Status.INTAKE, Status.TRIAGED, True),
        (Status.INTAKE, Status.CLOSED, False),
        (Status.INTAKE, Status.MEDIATION_ROUTE, False),
        (Status.TRIAGED, Status.MEDIATION_ROUTE, True),
        (Status.MEDIATION_ROUTE, Status.POST_MEDIATION, True),
        (Status.POST_MEDIATION, Status.APPEAL_WINDOW_OPEN, True),
        (Status.APPEAL_LODGED, Status.ORDER_MADE, True),
        (Status.ORDER_MADE, Status.COMPLIANCE, True),
        (Status.COMPLIANCE, Status.CLOSED, True),
        (Status.TRIAGED, Status.WITHDRAWN, True),
        (Status.WITHDRAWN, Status.CLOSED, True),
        (Status.WITHDRAWN, Status.WITHDRAWN, False),
        (Status.CLOSED, Status.INTAKE, False),
        (Status.CLOSED, Status.WITHDRAWN, False),
    ],
)
def test_transition_table(status, target, allowed):
    assert rules.can_transition(status, target) is allowed


def guard(status, target, **kw):
    base = dict(route=Route.MEDIATION, decision=Decision.RTA, decision_sent_on=date(2026, 10, 1), sections_disputed=[])
    base.update(kw)
    return rules.transition_problems(status=status, target=target, **base)


def test_triage_needs_decision_and_letter_date():
    problems = guard(Status.INTAKE, Status.TRIAGED, decision="", decision_sent_on=None)
    assert "Record the decision under dispute before triage." in problems
    assert "Record the date the decision letter was sent before triage." in problems


def test_triage_of_a_content_dispute_needs_the_sections():
    problems = guard(Status.INTAKE, Status.TRIAGED, decision=Decision.CONTENT_F)
    assert problems == ["Record which EHC plan sections are disputed before triage."]


def test_placement_only_status_needs_section_i_of_a_plan_alone():
    assert guard(Status.TRIAGED, Status.PLACEMENT_ONLY, decision=Decision.PLACEMENT_I, sections_disputed=["I"]) == []
    refused = ["Placement only applies when section I of a plan is the only disputed matter."]
    assert guard(
        Status.TRIAGED, Status.PLACEMENT_ONLY, decision=Decision.PLACEMENT_I, sections_disputed=["F", "I"]
    ) == (refused)
    # A refusal to assess is not about a plan at all.
    assert guard(Status.TRIAGED, Status.PLACEMENT_ONLY, decision=Decision.RTA, sections_disputed=["I"]) == refused


@pytest.mark.parametrize(
    ("decision", "sections", "health", "placement_only"),
    [
        (Decision.PLACEMENT_I, ["I"], False, True),
        (Decision.PLACEMENT_I, [], False, True),  # a placement decision with no sections recorded disputes I
        (Decision.PLACEMENT_I, ["B", "I"], False, False),  # decision 14: B with I needs a certificate
        (Decision.PLACEMENT_I, ["F", "I"], False, False),
        (Decision.PLACEMENT_I, ["I", "G"], False, False),  # a health section with I
        (Decision.PLACEMENT_I, ["I"], True, False),  # health care issues in dispute too
        (Decision.CONTENT_F, ["I"], False, True),
        (Decision.RTA, ["I"], False, False),  # not about a plan
        (Decision.CEASE, [], False, False),
    ],
)
def test_placement_only_is_section_i_of_a_plan_alone(decision, sections, health, placement_only):
    assert rules.is_placement_only(decision=decision, sections_disputed=sections, health_involved=health) is (
        placement_only
    )
    needs = rules.needs_certificate(
        route=Route.MEDIATION,
        decision=decision,
        decision_sent_on=date(2026, 10, 1),
        sections_disputed=sections,
        health_involved=health,
    )
    assert needs is (not placement_only)


def test_no_certificate_route_without_an_appeal():
    for decision, route, sent in (
        (Decision.HSC, Route.MEDIATION, date(2026, 10, 1)),
        (Decision.RTA, Route.DRS, date(2026, 10, 1)),
        (Decision.RTA, Route.MEDIATION, None),
    ):
        assert not rules.needs_certificate(route=route, decision=decision, decision_sent_on=sent, sections_disputed=[])


def test_the_appeal_window_cannot_be_closed_before_its_last_day_has_passed():
    window = dict(appeal_window_closes_on=date(2026, 12, 1))
    assert guard(Status.APPEAL_WINDOW_OPEN, Status.WINDOW_EXPIRED, today=date(2026, 11, 30), **window) == [
        "The family's appeal window is open until 5pm on Tue 1 Dec 2026: it can be recorded as expired from the "
        "next day."
    ]
    assert guard(Status.APPEAL_WINDOW_OPEN, Status.WINDOW_EXPIRED, today=date(2026, 12, 1), **window) != []
    assert guard(Status.APPEAL_WINDOW_OPEN, Status.WINDOW_EXPIRED, today=date(2026, 12, 2), **window) == []
    assert guard(Status.APPEAL_WINDOW_OPEN, Status.WINDOW_EXPIRED, today=date(2026, 12, 2)) == [
        "This case has no appeal window to close."
    ]


def test_drs_status_needs_the_drs_route():
    assert guard(Status.TRIAGED, Status.DRS_ROUTE) == ["Change the route to disagreement resolution first."]
    assert guard(Status.TRIAGED, Status.DRS_ROUTE, route=Route.DRS) == []


def test_withdrawal_needs_a_reason():
    assert guard(Status.TRIAGED, Status.WITHDRAWN) == ["Give the reason the family withdrew."]
    assert guard(Status.TRIAGED, Status.WITHDRAWN, reason="Family moved away") == []


def test_disallowed_transition_message_names_both_statuses():
    assert guard(Status.CLOSED, Status.INTAKE) == ["A case that is closed cannot move to intake."]
