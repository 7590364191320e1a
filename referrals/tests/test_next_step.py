"""The stored next step never goes stale (issue 13 item 1): every service that changes a case, its clocks or its
pathway leaves the case's stored next step equal to what its facts give now. The journeys below call every
writing service of cases and referrals; the last test fails when a service is added that no journey calls."""

import inspect
import re
import sys
from datetime import date, datetime

import pytest
import time_machine

from cases import clock_services, team_services
from cases import rules as case_rules
from cases import services as case_services
from cases.models import Case, Decision, NextStepBy, Route, Status
from cases.next_step import NextStep
from cases.next_step_services import compute_next_steps, stored_next_step
from cases.tests.factories import CaseFactory, HealthBodyFactory
from referrals import services
from referrals.models import AdviserContact, Certificate, MediationSession, TribunalAppeal
from referrals.tests.pathway import LONDON

pytestmark = pytest.mark.django_db


def fresh(case_pk: int):
    """The case's stored next step, and what its facts give now."""
    case = Case.objects.get(pk=case_pk)
    return stored_next_step(case), compute_next_steps([case])[case.pk]


def call(module, name: str, case_pk: int | None, **kwargs):
    """Call a service and check the case's stored next step is what its facts give now (`case_pk` None: the case
    the service returns)."""
    result = getattr(module, name)(**kwargs)
    stored, computed = fresh(case_pk if case_pk is not None else result.pk)
    assert stored == computed, f"after {name}: stored {stored}, the facts give {computed}"
    return result


def step_of(case_pk):
    return fresh(case_pk)[0]


@time_machine.travel("2026-05-20 12:00:00+01:00", tick=False)
def test_the_mediation_journey_keeps_the_next_step_true(officer, manager, providers, mediators):
    icb = HealthBodyFactory()
    data = {
        "child_first_name": "Amira",
        "child_last_name": "Khan",
        "child_date_of_birth": date(2016, 5, 14),
        "party_type": "parent",
        "party_name": "Sara Khan",
        "route": Route.MEDIATION,
        "decision": Decision.CONTENT_F,
        "sections_disputed": ["F"],
        "health_involved": True,
        "decision_sent_on": date(2026, 3, 27),
        "first_contact_on": date(2026, 4, 1),
        "first_contact_channel": "phone",
    }
    case = call(case_services, "case_create", None, actor=officer, data=data)
    pk = case.pk
    # E1: the family's 2 months to contact the adviser run to Wed 27 May 2026.
    assert step_of(pk).by == NextStepBy.FAMILY and step_of(pk).due_on == date(2026, 5, 27)
    call(case_services, "case_update", pk, case=case, actor=officer, data={"icb": icb})
    call(case_services, "case_note_add", pk, case=case, actor=officer, text="Spoke to the family")
    call(case_services, "case_assign_officer", pk, case=case, actor=manager, officer=None)
    assert step_of(pk).action == "Assign an officer to the case"
    call(case_services, "case_assign_officer", pk, case=case, actor=manager, officer=officer)
    call(
        services,
        "adviser_contact_record",
        pk,
        case=case,
        actor=officer,
        contacted_on=date(2026, 4, 8),
        choice=AdviserContact.Choice.NO_MEDIATION,
    )
    assert step_of(pk).by == NextStepBy.PROVIDER  # the declined certificate (C2)
    call(
        services,
        "adviser_contact_correct",
        pk,
        contact=AdviserContact.objects.get(case=case),
        actor=officer,
        contacted_on=date(2026, 4, 8),
        choice=AdviserContact.Choice.MEDIATION,
        reason="The family wants mediation after all",
    )
    assert step_of(pk).action == "Refer the case to a mediation provider"
    referral = call(
        services,
        "referral_create",
        pk,
        case=case,
        actor=officer,
        provider=providers[0],
        family_told_la_on=date(2026, 4, 14),
        referred_on=date(2026, 4, 14),
        health_issues=True,
        health_told_on=date(2026, 4, 14),
    )
    call(
        services,
        "referral_correct_dates",
        pk,
        referral=referral,
        actor=officer,
        changes={"provider_told_la_on": date(2026, 4, 15)},
        reason="Provider's email found",
    )
    call(services, "referral_notify_icb", pk, referral=referral, actor=officer, notified_on=date(2026, 4, 15))
    assert step_of(pk).action == "Accept or decline the referral"
    call(
        services,
        "referral_respond",
        pk,
        referral=referral,
        actor=officer,
        accepted=True,
        responded_on=date(2026, 4, 15),
    )
    assert step_of(pk).action == "Assign a mediator"
    call(services, "referral_assign_mediator", pk, referral=referral, actor=officer, mediator=mediators[0])
    assert step_of(pk).by == NextStepBy.MEDIATOR
    call(services, "referral_note_add", pk, referral=referral, actor=officer, text="Family prefers mornings")
    session = call(
        services,
        "session_schedule",
        pk,
        referral=referral,
        actor=mediators[0].user,
        starts_at=datetime(2026, 5, 5, 10, 0, tzinfo=LONDON),
        mode="online",
        venue="Video call",
        notice_sent_on=date(2026, 4, 27),
    )
    call(
        services,
        "session_correct",
        pk,
        session=session,
        actor=officer,
        starts_at=datetime(2026, 5, 6, 10, 0, tzinfo=LONDON),
        notice_sent_on=date(2026, 4, 27),
        short_notice_consent=False,
        reason="Moved a day",
    )
    assert step_of(pk).due_on == date(2026, 5, 6)
    call(
        services,
        "session_record",
        pk,
        session=MediationSession.objects.get(pk=session.pk),
        actor=mediators[0].user,
        status="held",
        attendance={"party_attended": True},
    )
    assert step_of(pk).action == "Record the outcome of the mediation"
    referral.refresh_from_db()
    call(
        services,
        "referral_conclude",
        pk,
        referral=referral,
        actor=mediators[0].user,
        concluded_on=date(2026, 5, 6),
        outcome="partial",
        issue_outcomes={"F": "partly"},
        agreement_on=date(2026, 5, 6),
    )
    assert Case.objects.get(pk=pk).status == Status.AGREEMENT_IMPLEMENTATION
    call(
        services,
        "referral_conclusion_correct",
        pk,
        referral=referral,
        actor=officer,
        concluded_on=date(2026, 5, 6),
        agreement_on=date(2026, 5, 7),
        reason="Agreement signed the next day",
    )
    (action,) = call(
        services,
        "agreement_action_add",
        pk,
        referral=referral,
        actor=officer,
        description="Educational psychologist visit",
        owner="la",
        basis="other",
    )
    first = call(
        services,
        "certificate_issue",
        pk,
        case=case,
        actor=mediators[0].user,
        kind=Certificate.Kind.CONCLUDED,
        issued_on=date(2026, 5, 8),
        issuer_name="Jane Smith",
        issuer_role="Mediator",
        referral=referral,
    )
    assert step_of(pk).action == "Educational psychologist visit"  # the agreed action, due Thu 21 May 2026
    corrected = call(
        services,
        "certificate_issue",
        pk,
        case=case,
        actor=officer,
        kind=Certificate.Kind.CONCLUDED,
        issued_on=date(2026, 5, 9),
        issuer_name="Jane Smith",
        issuer_role="Mediator",
        referral=referral,
        correction_reason="Child's date of birth was wrong",
    )
    assert corrected.replaces == first
    call(services, "certificate_review_confirm", pk, certificate=corrected, actor=manager)
    call(services, "agreement_action_complete", pk, action=action, actor=officer, done_on=date(2026, 5, 19))
    assert step_of(pk).action == "Record whether the agreement was complied with"
    for status in (Status.COMPLIED, Status.CLOSED):
        call(case_services, "case_change_status", pk, case=case, actor=officer, to_status=status)
    assert step_of(pk) == NextStep("", "", None)


@time_machine.travel("2026-05-20 12:00:00+01:00", tick=False)
def test_declines_withdrawals_and_concessions_keep_the_next_step_true(case, officer, other_officer, manager, providers):
    pk = case.pk
    referral = services.referral_create(
        case=case,
        actor=officer,
        provider=providers[0],
        family_told_la_on=date(2026, 4, 14),
        referred_on=date(2026, 4, 14),
    )
    call(
        services,
        "referral_respond",
        pk,
        referral=referral,
        actor=officer,
        accepted=False,
        responded_on=date(2026, 4, 15),
        decline_reason="no_capacity",
    )
    assert step_of(pk).action == "Refer the case to another mediation provider"
    second = services.referral_create(
        case=case,
        actor=officer,
        provider=providers[1],
        family_told_la_on=date(2026, 4, 14),
        referred_on=date(2026, 4, 16),
    )
    call(services, "referral_not_held_in_time", pk, referral=second, actor=officer, notified_on=date(2026, 5, 14))
    assert step_of(pk).by == NextStepBy.PROVIDER  # the not-held certificate (C6)
    call(
        services,
        "referral_withdraw",
        pk,
        referral=second,
        actor=officer,
        withdrawn_on=date(2026, 5, 15),
        reason="Changed mind",
    )
    (waivable,) = case.deadlines.filter(clock="C2", state="open")
    call(clock_services, "deadline_waive", pk, deadline=waivable, actor=manager, reason="Agreed other dates in writing")

    other = CaseFactory(
        decision=Decision.CONTENT_F, sections_disputed=["F"], decision_sent_on=date(2026, 3, 27),
        first_contact_on=date(2026, 4, 1), officer=officer, route=Route.MEDIATION, status=Status.TRIAGED,
    )  # fmt: skip
    referral = services.referral_create(
        case=other,
        actor=officer,
        provider=providers[0],
        family_told_la_on=date(2026, 4, 14),
        referred_on=date(2026, 4, 14),
    )
    services.referral_respond(referral=referral, actor=officer, accepted=True, responded_on=date(2026, 4, 15))
    call(services, "referral_la_conceded", other.pk, referral=referral, actor=officer, agreement_on=date(2026, 4, 20))
    assert Case.objects.get(pk=other.pk).status == Status.AGREEMENT_IMPLEMENTATION
    moved = Case.objects.filter(pk=other.pk)
    call(team_services, "cases_reassign", other.pk, actor=manager, cases=moved, officer=other_officer, reason="Leave")
    assert Case.objects.get(pk=other.pk).officer == other_officer


@time_machine.travel("2026-11-20 12:00:00+00:00", tick=False)
def test_the_tribunal_and_disagreement_resolution_keep_the_next_step_true(officer, providers):
    case = CaseFactory(
        decision=Decision.RTA, decision_sent_on=date(2026, 7, 1), first_contact_on=date(2026, 7, 2), officer=officer,
        status=Status.APPEAL_WINDOW_OPEN,
    )  # fmt: skip
    clock_services.case_clocks_recompute(case=case, actor=officer)
    pk = case.pk
    appeal = call(
        services,
        "tribunal_appeal_record",
        pk,
        case=case,
        actor=officer,
        registered_on=date(2026, 8, 20),
        la_told_on=date(2026, 8, 21),
        response_due_on=date(2026, 10, 1),
    )
    assert step_of(pk).action == "Send the LA's response to the appeal"
    call(
        services,
        "tribunal_appeal_correct",
        pk,
        appeal=appeal,
        actor=officer,
        changes={"response_due_on": date(2026, 10, 2)},
        reason="Directions corrected",
    )
    call(
        services,
        "tribunal_outcome_record",
        pk,
        appeal=TribunalAppeal.objects.get(pk=appeal.pk),
        actor=officer,
        outcome="upheld",
        outcome_on=date(2026, 9, 9),
        order_kind="make_and_maintain_plan",
        order_sent_on=date(2026, 9, 10),
    )
    step = step_of(pk)
    assert step.by == NextStepBy.LA and step.due_on == date(2026, 10, 2)  # the response, then E24's draft plan
    key = case.deadlines.get(clock="C17").key
    call(services, "compliance_step_complete", pk, case=case, actor=officer, key=key, done_on=date(2026, 10, 1))
    assert step_of(pk).due_on == date(2026, 10, 15)  # E24: the draft plan by Thu 15 Oct 2026

    drs_case = CaseFactory(
        route=Route.DRS, decision="", decision_sent_on=None, first_contact_on=date(2026, 4, 1), officer=officer
    )
    drs = call(
        services,
        "drs_refer",
        drs_case.pk,
        case=drs_case,
        actor=officer,
        kind="social_care_process",
        provider=providers[1],
        referred_on=date(2026, 4, 2),
    )
    assert step_of(drs_case.pk).action == "Arrange the disagreement resolution meeting"
    call(services, "drs_record", drs_case.pk, drs=drs, actor=officer, meeting_on=date(2026, 4, 20))
    assert step_of(drs_case.pk).due_on == date(2026, 4, 20)
    call(services, "drs_record", drs_case.pk, drs=drs, actor=officer, outcome="resolved", outcome_on=date(2026, 4, 20))
    assert step_of(drs_case.pk).action == "Close the case"


def test_every_status_transition_refreshes_the_next_step(officer):
    """Each allowed move of the lifecycle, made by the one service that moves a case, leaves the next step true."""
    with time_machine.travel("2026-08-01 12:00:00+01:00", tick=False):
        for source in Status.values:
            for target in case_rules.allowed_transitions(source):
                route = (
                    Route.DRS
                    if "drs" in target or target in (Status.RESOLVED, Status.PARTLY_RESOLVED, Status.UNRESOLVED)
                    else Route.MEDIATION
                )
                placement = target == Status.PLACEMENT_ONLY
                case = CaseFactory(
                    status=source,
                    route=route,
                    officer=officer,
                    decision=Decision.PLACEMENT_I if placement else Decision.CONTENT_F,
                    sections_disputed=["I"] if placement else ["F"],
                    decision_sent_on=date(2026, 3, 27),
                    first_contact_on=date(2026, 4, 1),
                )
                clock_services.case_clocks_recompute(case=case, actor=officer)
                before = step_of(case.pk)
                case_services.case_change_status(case=case, actor=officer, to_status=target, reason="Test move")
                stored, computed = fresh(case.pk)
                assert stored == computed, f"{source} -> {target}: stored {stored}, the facts give {computed}"
                if target == Status.CLOSED:
                    assert stored.action == ""
                assert before.action or source == Status.CLOSED


# Reads, helpers, and the team services that change no case (a colleague's cover of an officer's work).
WRITES_NOTHING = {
    "adviser_choices_for",
    "fact_token",
    "referral_set_status",
    "next_case_reference",
    "can_manage_team",
    "cover_add",
    "cover_end",
    "register_decision_copy",  # registers at start-up which rows copy a case's decision; writes nothing itself
}
MODULES = {
    "services": services,
    "case_services": case_services,
    "clock_services": clock_services,
    "team_services": team_services,
}


def _writing_services(module) -> set[str]:
    names = getattr(module, "__all__", None) or [
        name
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
    ]
    return {
        f"{module.__name__}.{name}"
        for name in names
        if inspect.isfunction(getattr(module, name)) and not name.startswith("_") and name not in WRITES_NOTHING
    }


def test_the_journeys_call_every_service_that_writes():
    """Every writing service of cases and referrals (and the clock waiver) is called by a journey above through
    call(), which checks the next step after it: a new service fails this test until a journey calls it."""
    called = {
        f"{MODULES[module].__name__}.{name}"
        for module, name in re.findall(r'call\(\s*(\w+),\s*"(\w+)"', inspect.getsource(sys.modules[__name__]))
    }
    expected = (
        _writing_services(services)
        | _writing_services(case_services)
        | _writing_services(team_services)
        | {"cases.clock_services.deadline_waive"}
    )
    assert expected - called == set()
