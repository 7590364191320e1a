"""The mediation pathway through its services: each transition, its timeline event and its clock effect."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Case, CaseEvent, Deadline, Decision, Route, Status
from cases.tests.factories import CaseFactory, SchoolFactory
from referrals import selectors, services
from referrals.models import (
    AdviserContact,
    Certificate,
    DisagreementResolution,
    MediationSession,
    MediatorAssignment,
    Referral,
    TribunalAppeal,
)
from referrals.tests.pathway import LONDON, refer, to_assigned, to_held

pytestmark = pytest.mark.django_db
NOW = "2026-05-20 12:00:00+01:00"


def clock(case, key):
    return Deadline.objects.get(case=case, key=key)


def events(case, kind=None):
    qs = case.events.order_by("id")
    if kind:
        qs = qs.filter(kind=kind)
    return [e.description for e in qs]


# The providers, mediators and case fixtures and the refer/to_assigned/to_held helpers are in pathway.py
# (shared with the tests of the product decisions).


# --- Adviser stage ---------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_adviser_contact_meets_c1_and_no_mediation_starts_c2(case, officer):
    from cases import clock_services

    clock_services.case_clocks_recompute(case=case, actor=officer)
    services.adviser_contact_record(case=case, actor=officer, contacted_on=date(2026, 4, 1), choice="no_mediation")
    assert clock(case, "C1").state == Deadline.State.MET
    assert clock(case, "C2").due_on == date(2026, 4, 8)  # E2: Easter inside C2
    assert "contacted the mediation adviser on Wed 1 Apr 2026" in events(case, CaseEvent.Kind.REFERRAL)[0]


@time_machine.travel(NOW, tick=False)
def test_late_adviser_contact_is_flagged_not_refused(case, officer):
    contact = services.adviser_contact_record(
        case=case, actor=officer, contacted_on=date(2026, 5, 19), choice="mediation"
    )
    assert contact.late is False
    late_case = CaseFactory(decision_sent_on=date(2026, 2, 27), first_contact_on=date(2026, 3, 1))
    late = services.adviser_contact_record(
        case=late_case, actor=officer, contacted_on=date(2026, 4, 28), choice="mediation"
    )
    assert late.late is True
    assert any("(late: after the 2-month limit)" in text for text in events(late_case))


def test_adviser_contact_before_the_decision_letter_is_refused(case, officer):
    with pytest.raises(ValidationError) as exc:
        services.adviser_contact_record(case=case, actor=officer, contacted_on=date(2026, 3, 1), choice="mediation")
    assert "before the decision letter" in str(exc.value)
    assert not AdviserContact.objects.exists()


# --- Referral, provider response ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_referral_starts_c4_from_the_earlier_date_and_c3_for_health(case, officer, providers):
    referral = refer(case, officer, providers[0], health_issues=True, health_told_on=date(2026, 4, 2))
    assert referral.clock_start == date(2026, 4, 14)
    assert clock(case, "C4").due_on == date(2026, 5, 14)
    assert clock(case, "C3").due_on == date(2026, 4, 9)  # E19: Good Friday and Easter Monday skipped
    case.refresh_from_db()
    assert case.status == Status.MEDIATION_ROUTE
    assert any("Referred to Northway Mediation" in e for e in events(case))


@time_machine.travel(NOW, tick=False)
def test_choosing_another_provider_needs_a_reason(case, officer, providers, mediators):
    north, south = providers
    with pytest.raises(ValidationError) as exc:
        refer(case, officer, south)
    assert "Give a reason for not using the suggested provider." in str(exc.value)
    assert not Referral.objects.exists()
    referral = refer(case, officer, south, provider_choice_reason="Family asked for Bridgewell")
    assert referral.suggested_provider == north
    assert "instead of the suggested provider: Family asked for Bridgewell" in events(case)[0]


@time_machine.travel(NOW, tick=False)
def test_decline_returns_case_to_queue_and_leaves_clocks_alone(case, officer, providers):
    referral = refer(case, officer, providers[0])
    before = clock(case, "C4").due_on
    with pytest.raises(ValidationError):
        services.referral_respond(
            referral=referral, actor=officer, accepted=False, responded_on=date(2026, 4, 15), decline_reason="other"
        )
    services.referral_respond(
        referral=referral, actor=officer, accepted=False, responded_on=date(2026, 4, 15), decline_reason="no_capacity"
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    assert clock(case, "C4").due_on == before
    assert "declined the referral (no capacity); the case is back in the referral queue" in events(case)[-1]
    again = refer(case, officer, providers[1], provider_choice_reason="Northway declined")
    assert again.status == Referral.Status.REFERRED
    assert clock(case, "C4").due_on == before


@time_machine.travel(NOW, tick=False)
def test_second_active_referral_is_refused(case, officer, providers):
    refer(case, officer, providers[0])
    with pytest.raises(ValidationError):
        refer(case, officer, providers[0])


def test_mediator_cannot_refer(case, mediators, providers):
    with pytest.raises(PermissionDenied):
        refer(case, mediators[0].user, providers[0])


@time_machine.travel(NOW, tick=False)
def test_health_only_route_c3_then_c5_from_icb_notification(case, officer, providers):
    referral = refer(case, officer, providers[0], health_only=True, health_told_on=date(2026, 4, 2))
    assert not Deadline.objects.filter(case=case, key="C4").exists()
    services.referral_notify_icb(referral=referral, actor=officer, notified_on=date(2026, 4, 9))
    assert clock(case, "C3").state == Deadline.State.MET
    assert clock(case, "C5").due_on == date(2026, 5, 9)  # E19: Saturday, not rolled forward


# --- Mediator assignment ---------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_assigning_an_la_employee_is_refused_with_the_reason(case, officer, providers, mediators):
    referral = refer(case, officer, providers[0])
    services.referral_respond(referral=referral, actor=officer, accepted=True, responded_on=date(2026, 4, 15))
    with pytest.raises(ValidationError) as exc:
        services.referral_assign_mediator(referral=referral, actor=officer, mediator=mediators[2], reason="x")
    assert "Ian Insider cannot be assigned" in str(exc.value)
    assert "employed by" in str(exc.value).lower()
    referral.refresh_from_db()
    assert referral.mediator is None


@time_machine.travel(NOW, tick=False)
def test_top_suggestion_needs_no_reason_others_do_and_history_is_kept(case, officer, providers, mediators):
    jane, tom, _ = mediators
    referral = refer(case, officer, providers[0])
    services.referral_respond(referral=referral, actor=officer, accepted=True, responded_on=date(2026, 4, 15))
    ranking = selectors.mediator_ranking(referral)
    assert ranking[0].name == "Jane Smith"  # health specialism matches the case
    with pytest.raises(ValidationError):
        services.referral_assign_mediator(referral=referral, actor=officer, mediator=tom)
    services.referral_assign_mediator(referral=referral, actor=officer, mediator=jane)
    services.referral_assign_mediator(referral=referral, actor=officer, mediator=tom, reason="Jane is on leave")
    history = list(MediatorAssignment.objects.filter(referral=referral).order_by("id"))
    assert [a.mediator for a in history] == [jane, tom]
    assert history[0].ended_at is not None and history[1].ended_at is None
    assert history[1].was_top_suggestion is False
    assert "Mediator changed from Jane Smith to Tom Brown: Jane is on leave" in events(case)[-1]


def test_assignment_before_acceptance_is_refused(case, officer, providers, mediators):
    with time_machine.travel(NOW, tick=False):
        referral = refer(case, officer, providers[0])
        with pytest.raises(ValidationError):
            services.referral_assign_mediator(referral=referral, actor=officer, mediator=mediators[0])


# --- Sessions ---------------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_session_notice_shorter_than_five_working_days_needs_consent(case, officer, providers, mediators):
    referral = to_assigned(case, officer, providers, mediators[0])
    starts = datetime(2026, 5, 27, 10, 0, tzinfo=LONDON)  # 5 working days back, skipping Mon 25 May: Tue 19 May
    with pytest.raises(ValidationError) as exc:
        services.session_schedule(
            referral=referral,
            actor=mediators[0].user,
            starts_at=starts,
            mode="online",
            venue="",
            notice_sent_on=date(2026, 5, 20),
        )
    assert "Notice must be sent by Tue 19 May 2026 (5 working days before)" in str(exc.value)
    assert not MediationSession.objects.exists()
    session = services.session_schedule(
        referral=referral,
        actor=mediators[0].user,
        starts_at=starts,
        mode="online",
        venue="",
        notice_sent_on=date(2026, 5, 20),
        short_notice_consent=True,
    )
    assert session.short_notice_consent is True
    assert any(text.endswith("; the family agreed to shorter notice") for text in events(case))


@time_machine.travel(NOW, tick=False)
def test_session_with_enough_notice_meets_c7(case, officer, providers, mediators):
    referral = to_assigned(case, officer, providers, mediators[0])
    session = services.session_schedule(
        referral=referral,
        actor=mediators[0].user,
        starts_at=datetime(2026, 6, 18, 10, 0, tzinfo=LONDON),
        mode="in_person",
        venue="Town Hall",
        notice_sent_on=date(2026, 5, 20),
    )
    c7 = clock(case, f"C7:{session.pk}")
    assert c7.due_on == date(2026, 6, 11)  # E20 without holidays
    assert c7.state == Deadline.State.MET


@time_machine.travel(NOW, tick=False)
def test_mediation_before_the_request_is_refused(case, officer, providers, mediators):
    referral = to_assigned(case, officer, providers, mediators[0])
    with pytest.raises(ValidationError) as exc:
        services.session_schedule(
            referral=referral,
            actor=mediators[0].user,
            starts_at=datetime(2026, 4, 10, 10, 0, tzinfo=LONDON),
            mode="online",
            venue="",
            notice_sent_on=date(2026, 4, 1),
            short_notice_consent=True,
        )
    assert "before the LA was told" in str(exc.value)
    assert not MediationSession.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_held_session_meets_c4(case, officer, providers, mediators):
    referral = to_held(case, officer, providers, mediators[0])
    assert referral.status == Referral.Status.HELD
    c4 = clock(case, "C4")
    assert c4.state == Deadline.State.MET and c4.met_on == date(2026, 5, 6)
    assert "Mediation session held on Wed 6 May 2026; the child's views were obtained" in events(case)


@time_machine.travel(NOW, tick=False)
def test_the_referral_keeps_the_date_of_its_first_held_session(case, officer, providers, mediators):
    # Referral.first_held_on is a copy the management figures read; each session service must keep it.
    mediator = mediators[0].user
    referral = to_assigned(case, officer, providers, mediators[0])

    def arrange(day):
        return services.session_schedule(
            referral=referral,
            actor=mediator,
            starts_at=datetime(2026, 5, day, 10, 0, tzinfo=LONDON),
            mode="online",
            venue="",
            notice_sent_on=date(2026, 4, 27),
        )

    def first_held_on():
        return Referral.objects.values_list("first_held_on", flat=True).get(pk=referral.pk)

    later = arrange(12)
    assert first_held_on() is None  # arranged, not held
    assert MediationSession.objects.get(pk=later.pk).case_id == case.pk  # the session's copy of its case
    services.session_record(session=later, actor=mediator, status="held")
    assert first_held_on() == date(2026, 5, 12)
    earlier = arrange(8)
    services.session_record(session=earlier, actor=mediator, status="cancelled", cancelled_by="family")
    assert first_held_on() == date(2026, 5, 12)  # a cancelled session is not held
    earliest = arrange(6)
    services.session_record(session=earliest, actor=mediator, status="held")
    assert first_held_on() == date(2026, 5, 6)
    services.session_correct(
        session=earliest,
        actor=mediator,
        starts_at=datetime(2026, 5, 14, 10, 0, tzinfo=LONDON),
        notice_sent_on=date(2026, 4, 27),
        short_notice_consent=False,
        reason="It was on the 14th",
    )
    assert first_held_on() == date(2026, 5, 12)  # corrected to after the other held session
    services.session_correct(
        session=later,
        actor=mediator,
        starts_at=datetime(2026, 5, 13, 10, 0, tzinfo=LONDON),
        notice_sent_on=date(2026, 4, 27),
        short_notice_consent=False,
        reason="It was on the 13th",
    )
    assert first_held_on() == date(2026, 5, 13)


@time_machine.travel(NOW, tick=False)
def test_cancelled_session_needs_who_cancelled_and_returns_to_arranging(case, officer, providers, mediators):
    referral = to_assigned(case, officer, providers, mediators[0])
    session = services.session_schedule(
        referral=referral,
        actor=officer,
        starts_at=datetime(2026, 6, 18, 10, 0, tzinfo=LONDON),
        mode="online",
        venue="",
        notice_sent_on=date(2026, 5, 20),
    )
    with pytest.raises(ValidationError):
        services.session_record(session=session, actor=officer, status="cancelled")
    services.session_record(
        session=session, actor=officer, status="cancelled", cancelled_by="la", cancel_reason="Decision-maker ill"
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ASSIGNED
    assert "cancelled by the la: Decision-maker ill" in events(case)[-1]


@time_machine.travel(NOW, tick=False)
def test_another_mediator_cannot_act_on_the_referral(case, officer, providers, mediators):
    referral = to_assigned(case, officer, providers, mediators[0])
    with pytest.raises(PermissionDenied):
        services.session_schedule(
            referral=referral,
            actor=mediators[1].user,
            starts_at=datetime(2026, 6, 18, 10, 0, tzinfo=LONDON),
            mode="online",
            venue="",
            notice_sent_on=date(2026, 5, 20),
        )
    assert not MediationSession.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_not_held_in_time_misses_c4_and_starts_c6(case, officer, providers, mediators):
    referral = to_assigned(case, officer, providers, mediators[0])
    services.referral_not_held_in_time(referral=referral, actor=officer, notified_on=date(2026, 5, 15))
    assert clock(case, "C4").state == Deadline.State.MISSED
    assert clock(case, "C6").due_on == date(2026, 5, 20)


# --- Outcomes, agreements, certificates --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_partial_agreement_creates_c8_and_actions_with_reg_42_deadlines(case, officer, providers, mediators):
    referral = to_held(case, officer, providers, mediators[0])
    with pytest.raises(ValidationError) as exc:
        services.referral_conclude(
            referral=referral,
            actor=mediators[0].user,
            concluded_on=date(2026, 5, 6),
            outcome="partial",
            issue_outcomes={"F": "partly"},
            agreement_on=date(2026, 5, 1),
        )
    assert "The agreement cannot be before the session." in str(exc.value)
    services.referral_conclude(
        referral=referral,
        actor=mediators[0].user,
        concluded_on=date(2026, 5, 6),
        outcome="partial",
        issue_outcomes={"F": "partly", "health": "agreed"},
        agreement_on=date(2026, 5, 6),
    )
    assert clock(case, "C8").due_on == date(2026, 5, 11)
    other = services.agreement_action_add(
        referral=referral, actor=officer, description="Educational psychologist visit", owner="la", basis="other"
    )
    icb = services.agreement_action_add(
        referral=referral, actor=officer, description="ICB confirms therapy", owner="icb", basis="icb_to_la"
    )
    plan = services.agreement_action_add(
        referral=referral,
        actor=officer,
        description="Amend section F",
        owner="la",
        basis="appealable",
        order_kind="amend_contents",
    )
    assert other[0].due_on == date(2026, 5, 20)  # 2 weeks (reg 42(3))
    assert icb[0].due_on == date(2026, 5, 13)  # 1 week (reg 42(4))
    assert plan[0].due_on == date(2026, 6, 10)  # 5 weeks (reg 44 via reg 42(2))
    assert clock(case, f"C11:{other[0].pk}").binds == Deadline.Binds.LA
    assert clock(case, f"C12:{icb[0].pk}").binds == Deadline.Binds.ICB
    case.refresh_from_db()
    assert case.status == Status.AGREEMENT_IMPLEMENTATION
    services.agreement_action_complete(action=other[0], actor=officer, done_on=date(2026, 5, 19))
    assert clock(case, f"C11:{other[0].pk}").state == Deadline.State.MET


@time_machine.travel(NOW, tick=False)
def test_e22_appealable_agreement_to_assess_gives_three_steps(case, officer, providers, mediators):
    referral = to_held(case, officer, providers, mediators[0])
    services.referral_conclude(
        referral=referral,
        actor=officer,
        concluded_on=date(2026, 5, 6),
        outcome="full",
        issue_outcomes={"decision": "agreed"},
        agreement_on=date(2026, 5, 6),
    )
    Referral.objects.filter(pk=referral.pk).update(agreement_on=date(2026, 3, 27))
    referral.refresh_from_db()
    actions = services.agreement_action_add(
        referral=referral,
        actor=officer,
        description="Carry out the EHCNA",
        owner="la",
        basis="appealable",
        order_kind="assess",
    )
    assert sorted(a.due_on for a in actions) == [date(2026, 4, 10), date(2026, 6, 5), date(2026, 7, 3)]


@time_machine.travel(NOW, tick=False)
def test_certificate_is_stored_once_and_moves_the_appeal_deadline(case, officer, providers, mediators):
    from cases import clock_services

    clock_services.case_clocks_recompute(case=case, actor=officer)
    assert clock(case, "C9").due_on == date(2026, 5, 27)
    referral = to_held(case, officer, providers, mediators[0])
    services.referral_conclude(
        referral=referral,
        actor=mediators[0].user,
        concluded_on=date(2026, 5, 6),
        outcome="none",
        issue_outcomes={"F": "not_agreed"},
    )
    cert = services.certificate_issue(
        case=case,
        actor=mediators[0].user,
        kind="concluded",
        issued_on=date(2026, 5, 8),
        issuer_name="Jane Smith",
        issuer_role="Mediator",
        referral=referral,
    )
    assert cert.number == f"CERT-{case.reference}-1"
    assert len(cert.sha256) == 64
    import hashlib

    assert hashlib.sha256(cert.pdf.read()).hexdigest() == cert.sha256
    assert clock(case, "C8").state == Deadline.State.MET
    c9 = clock(case, "C9")
    assert c9.due_on == date(2026, 6, 8)  # 8 May + 1 month = Mon 8 June, later than 27 May
    assert c9.facts["limb"] == "certificate"
    assert any("Certificate CERT-" in e for e in events(case, CaseEvent.Kind.CERTIFICATE))
    with pytest.raises(ValidationError) as exc:
        services.certificate_issue(
            case=case,
            actor=officer,
            kind="concluded",
            issued_on=date(2026, 5, 9),
            issuer_name="Jane Smith",
            issuer_role="Mediator",
            referral=referral,
        )
    assert "Give the reason for issuing a corrected version" in str(exc.value)
    second = services.certificate_issue(
        case=case,
        actor=officer,
        kind="concluded",
        issued_on=date(2026, 5, 9),
        issuer_name="Jane Smith",
        issuer_role="Mediator",
        referral=referral,
        correction_reason="Child's date of birth was wrong",
    )
    assert second.version == 2 and second.replaces == cert
    cert.refresh_from_db()
    assert cert.sha256 == hashlib.sha256(cert.pdf.read()).hexdigest()  # first one unchanged


@time_machine.travel(NOW, tick=False)
def test_declined_certificate_needs_a_decline(case, officer):
    with pytest.raises(ValidationError):
        services.certificate_issue(
            case=case,
            actor=officer,
            kind="declined",
            issued_on=date(2026, 4, 3),
            issuer_name="Ann Adviser",
            issuer_role="Mediation adviser",
        )
    services.adviser_contact_record(case=case, actor=officer, contacted_on=date(2026, 4, 1), choice="no_mediation")
    cert = services.certificate_issue(
        case=case,
        actor=officer,
        kind="declined",
        issued_on=date(2026, 4, 3),
        issuer_name="Ann Adviser",
        issuer_role="Mediation adviser",
    )
    assert cert.kind == Certificate.Kind.DECLINED
    assert clock(case, "C2").state == Deadline.State.MET


@time_machine.travel(NOW, tick=False)
def test_certificate_before_the_decision_letter_is_refused(case, officer):
    services.adviser_contact_record(case=case, actor=officer, contacted_on=date(2026, 4, 1), choice="no_mediation")
    with pytest.raises(ValidationError):
        services.certificate_issue(
            case=case,
            actor=officer,
            kind="declined",
            issued_on=date(2026, 3, 1),
            issuer_name="Ann Adviser",
            issuer_role="Mediation adviser",
        )
    assert not Certificate.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_withdrawal_is_a_decline_with_c2(case, officer, providers, mediators):
    referral = to_assigned(case, officer, providers, mediators[0])
    services.referral_withdraw(referral=referral, actor=officer, withdrawn_on=date(2026, 5, 1), reason="Changed mind")
    assert clock(case, "C2").due_on == date(2026, 5, 7)  # E14: early May bank holiday
    assert clock(case, "C4").state == Deadline.State.SUPERSEDED


@time_machine.travel(NOW, tick=False)
def test_la_conceded_before_the_meeting(case, officer, providers, mediators):
    referral = to_assigned(case, officer, providers, mediators[0])
    services.referral_la_conceded(referral=referral, actor=officer, agreement_on=date(2026, 5, 1))
    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.LA_CONCEDED
    assert referral.agreement_on == date(2026, 5, 1)


# --- Tribunal, DRS -------------------------------------------------------------------------------------------


@time_machine.travel("2026-11-20 12:00:00+00:00", tick=False)
def test_tribunal_appeal_and_order_compliance(officer):
    from cases import clock_services

    case = CaseFactory(decision=Decision.RTA, decision_sent_on=date(2026, 7, 1), first_contact_on=date(2026, 7, 2))
    clock_services.case_clocks_recompute(case=case, actor=officer)
    appeal = services.tribunal_appeal_record(
        case=case,
        actor=officer,
        registered_on=date(2026, 8, 20),
        la_told_on=date(2026, 8, 21),
        response_due_on=date(2026, 10, 1),
    )
    assert clock(case, "C9").state == Deadline.State.MET
    services.tribunal_outcome_record(
        appeal=appeal,
        actor=officer,
        outcome="upheld",
        outcome_on=date(2026, 9, 9),
        order_kind="make_and_maintain_plan",
        order_sent_on=date(2026, 9, 10),
        recommendation_on=date(2026, 9, 10),
    )
    steps = {d.key: d.due_on for d in Deadline.objects.filter(case=case, clock="C14")}
    assert sorted(steps.values()) == [date(2026, 10, 15), date(2026, 11, 26)]  # E24
    assert clock(case, f"C16:{appeal.pk}").due_on == date(2026, 10, 15)
    key = next(k for k, v in steps.items() if v == date(2026, 10, 15))
    services.compliance_step_complete(case=case, actor=officer, key=key, done_on=date(2026, 10, 14))
    assert clock(case, key).state == Deadline.State.MET
    assert TribunalAppeal.objects.get().outcome == "upheld"


@time_machine.travel("2026-11-20 12:00:00+00:00", tick=False)
def test_referrals_and_appeals_copy_their_cases_decision_and_follow_it_when_it_is_corrected(case, officer, providers):
    # Referral.case_decision and TribunalAppeal.case_decision are copies the management figures count by: taken from
    # the case when recorded, and moved by case_update when the decision is corrected.
    from cases import services as case_services

    other = CaseFactory(decision=Decision.RTA, decision_sent_on=date(2026, 3, 27), first_contact_on=date(2026, 4, 1))
    other_referral = refer(other, officer, providers[0])
    referral = refer(case, officer, providers[0])
    appeal = services.tribunal_appeal_record(
        case=case, actor=officer, registered_on=date(2026, 8, 20), la_told_on=date(2026, 8, 21)
    )

    def copies():
        return (
            Referral.objects.values_list("case_decision", flat=True).get(pk=referral.pk),
            TribunalAppeal.objects.values_list("case_decision", flat=True).get(pk=appeal.pk),
        )

    assert copies() == (Decision.CONTENT_F, Decision.CONTENT_F)
    case_services.case_update(
        case=case, actor=officer, data={"decision": Decision.CONTENT_B, "sections_disputed": ["B"]}
    )
    assert copies() == (Decision.CONTENT_B, Decision.CONTENT_B)
    case_services.case_update(case=case, actor=officer, data={"party_name": "Ms Okafor"})  # not the decision
    assert copies() == (Decision.CONTENT_B, Decision.CONTENT_B)
    other_referral.refresh_from_db()
    assert other_referral.case_decision == Decision.RTA  # another case's copies stay


@time_machine.travel("2026-11-20 12:00:00+00:00", tick=False)
def test_a_new_referral_or_appeal_takes_the_cases_decision_as_it_is_now_not_a_stale_copy(case, officer, providers):
    from cases import services as case_services

    loaded_earlier = Case.objects.get(pk=case.pk)
    case_services.case_update(
        case=case, actor=officer, data={"decision": Decision.CONTENT_B, "sections_disputed": ["B"]}
    )
    assert loaded_earlier.decision == Decision.CONTENT_F
    referral = Referral.objects.create(
        case=loaded_earlier,
        provider=providers[0],
        referred_on=date(2026, 4, 14),
        family_told_la_on=date(2026, 4, 14),
        created_by=officer,
    )
    appeal = TribunalAppeal.objects.create(
        case=loaded_earlier, registered_on=date(2026, 8, 20), la_told_on=date(2026, 8, 21), created_by=officer
    )
    assert Referral.objects.get(pk=referral.pk).case_decision == Decision.CONTENT_B
    assert TribunalAppeal.objects.get(pk=appeal.pk).case_decision == Decision.CONTENT_B


@time_machine.travel("2026-11-20 12:00:00+00:00", tick=False)
def test_tribunal_appeal_before_the_decision_is_refused(officer):
    case = CaseFactory(decision_sent_on=date(2026, 7, 1), first_contact_on=date(2026, 7, 2))
    with pytest.raises(ValidationError):
        services.tribunal_appeal_record(
            case=case, actor=officer, registered_on=date(2026, 6, 1), la_told_on=date(2026, 6, 2)
        )


@time_machine.travel(NOW, tick=False)
def test_disagreement_resolution_pathway(officer, providers):
    case = CaseFactory(
        route=Route.DRS, decision="", decision_sent_on=None, first_contact_on=date(2026, 4, 1), school=SchoolFactory()
    )
    drs = services.drs_refer(
        case=case, actor=officer, kind="school_provision", provider=providers[1], referred_on=date(2026, 4, 2)
    )
    case.refresh_from_db()
    assert case.status == Status.DRS_ROUTE
    with pytest.raises(ValidationError):
        services.drs_record(drs=drs, actor=officer, outcome="resolved", outcome_on=date(2026, 4, 20))
    services.drs_record(drs=drs, actor=officer, meeting_on=date(2026, 4, 20))
    services.drs_record(drs=drs, actor=officer, outcome="partly_resolved", outcome_on=date(2026, 4, 20))
    case.refresh_from_db()
    assert case.status == Status.PARTLY_RESOLVED
    assert DisagreementResolution.objects.get().outcome == "partly_resolved"
    assert not Deadline.objects.filter(case=case).exists()  # DRS has no statutory clock or certificate


@time_machine.travel(NOW, tick=False)
def test_disagreement_resolution_covers_social_care_provision_during_an_assessment(officer, providers):
    """A disagreement with the LA about social care provision while an assessment or plan is under way (issue 13
    item 10): referred like the other kinds, and shown with its own description."""
    case = CaseFactory(route=Route.DRS, decision="", decision_sent_on=None, first_contact_on=date(2026, 4, 1))
    drs = services.drs_refer(
        case=case, actor=officer, kind="social_care_process", provider=providers[1], referred_on=date(2026, 4, 2)
    )
    assert drs.get_kind_display() == (
        "Family and the LA about social care provision during assessment, plan drafting or review"
    )
    case.refresh_from_db()
    assert case.status == Status.DRS_ROUTE


def test_drs_provider_must_offer_it(officer, providers):
    case = CaseFactory(route=Route.DRS)
    with pytest.raises(ValidationError):
        services.drs_refer(
            case=case, actor=officer, kind="school_provision", provider=providers[0], referred_on=date(2026, 4, 2)
        )


@time_machine.travel(NOW, tick=False)
def test_no_new_referral_after_a_mediation_has_ended(case, officer, providers, mediators):
    referral = to_assigned(case, officer, providers, mediators[0])
    services.referral_withdraw(referral=referral, actor=officer, withdrawn_on=date(2026, 5, 1), reason="Changed mind")
    with pytest.raises(ValidationError) as exc:
        refer(case, officer, providers[0])
    assert "already ended" in str(exc.value)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("decision", "health", "says", "never"),
    [
        (Decision.HSC, True, "about health or social care provision only", "SEND35"),
        (Decision.RTA, False, "This certificate must be sent with the appeal form (SEND35)", "health or social care"),
    ],
)
def test_an_issued_certificate_says_what_the_case_allows_about_appealing(officer, decision, health, says, never):
    import io

    import pypdf

    case = CaseFactory(
        decision=decision,
        sections_disputed=[],
        decision_sent_on=date(2026, 3, 27),
        first_contact_on=date(2026, 4, 1),
        officer=officer,
        health_involved=health,
        route=Route.MEDIATION,
        status=Status.MEDIATION_ROUTE,
    )
    services.adviser_contact_record(case=case, actor=officer, contacted_on=date(2026, 4, 1), choice="no_mediation")
    cert = services.certificate_issue(
        case=case,
        actor=officer,
        kind="declined",
        issued_on=date(2026, 4, 3),
        issuer_name="Ann Adviser",
        issuer_role="Mediation adviser",
    )
    reader = pypdf.PdfReader(io.BytesIO(cert.pdf.read()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert says in text
    assert never not in text
