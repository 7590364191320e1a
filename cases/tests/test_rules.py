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
        (date(2010, 10, 5), True),  # 16th birthday on the day of first contact
        (date(2010, 10, 6), False),  # 16 tomorrow: still 15
        (date(2001, 10, 6), True),  # 24, turning 25 the next day
        (date(2000, 10, 5), False),  # 26
    ],
)
def test_young_person_acting_for_themselves_must_be_16_to_25_at_first_contact(born, ok):
    problems = rules.intake_problems(**facts(date_of_birth=born, party_type=PartyType.YOUNG_PERSON))
    assert ("party_type" not in problems) is ok


def test_young_person_under_16_message_says_why():
    problems = rules.intake_problems(**facts(date_of_birth=date(2012, 1, 1), party_type=PartyType.YOUNG_PERSON))
    assert "must be 16 or over" in problems["party_type"]
    assert "was 14" in problems["party_type"]


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


def test_placement_only_status_needs_section_i_alone():
    assert guard(Status.TRIAGED, Status.PLACEMENT_ONLY, sections_disputed=["I"]) == []
    assert guard(Status.TRIAGED, Status.PLACEMENT_ONLY, sections_disputed=["F", "I"]) == [
        "Placement only applies when section I is the only disputed matter."
    ]


def test_drs_status_needs_the_drs_route():
    assert guard(Status.TRIAGED, Status.DRS_ROUTE) == ["Change the route to disagreement resolution first."]
    assert guard(Status.TRIAGED, Status.DRS_ROUTE, route=Route.DRS) == []


def test_withdrawal_needs_a_reason():
    assert guard(Status.TRIAGED, Status.WITHDRAWN) == ["Give the reason the family withdrew."]
    assert guard(Status.TRIAGED, Status.WITHDRAWN, reason="Family moved away") == []


def test_disallowed_transition_message_names_both_statuses():
    assert guard(Status.CLOSED, Status.INTAKE) == ["A case that is closed cannot move to intake."]
