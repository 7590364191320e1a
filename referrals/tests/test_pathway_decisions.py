"""The pathway's legal rules (docs/rules.md §8 D12-D17), one test or more per rule: each
recorded fact gives the right clocks in every state of a case, and a correction of any fact moves every clock
that depends on it."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cases import clock_services
from cases import services as case_services
from cases.models import Deadline, Decision, NonWorkingDay, PartyType, Route, Status
from cases.tests.factories import CaseFactory, HealthBodyFactory, SchoolFactory
from dashboards import selectors as dashboard_selectors
from referrals import selectors, services
from referrals.models import AdviserContact, Referral, TribunalAppeal
from referrals.tests.factories import ReferralFactory
from referrals.tests.pathway import LONDON, refer, to_assigned, to_held

pytestmark = pytest.mark.django_db
NOW = "2026-05-20 12:00:00+01:00"  # Wednesday 20 May 2026
S = Deadline.State


def clocks(case) -> dict[str, Deadline]:
    return {d.key: d for d in Deadline.objects.filter(case=case)}


def descriptions(case, kind=None) -> list[str]:
    qs = case.events.order_by("id")
    return [e.description for e in (qs.filter(kind=kind) if kind else qs)]


def recompute(case, officer):
    clock_services.case_clocks_recompute(case=case, actor=officer)
    return clocks(case)


# --- 1 and 2: placement only is section I alone (decision 14) ---------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_sections_b_and_i_disputed_together_need_a_certificate_so_c1_runs(officer):
    both = CaseFactory(decision=Decision.PLACEMENT_I, sections_disputed=["B", "I"], decision_sent_on=date(2026, 3, 27))
    alone = CaseFactory(decision=Decision.PLACEMENT_I, sections_disputed=["I"], decision_sent_on=date(2026, 3, 27))
    assert set(recompute(both, officer)) == {"C1", "C9"}
    assert recompute(both, officer)["C1"].due_on == date(2026, 5, 27)
    assert set(recompute(alone, officer)) == {"C9"}


@time_machine.travel(NOW, tick=False)
def test_placement_information_is_offered_only_when_section_i_is_the_only_part_disputed(officer):
    refusal = CaseFactory(decision=Decision.RTA, decision_sent_on=date(2026, 3, 27))
    with_b = CaseFactory(
        decision=Decision.PLACEMENT_I, sections_disputed=["B", "I"], decision_sent_on=date(2026, 3, 27)
    )
    for case in (refusal, with_b):
        assert AdviserContact.Choice.PLACEMENT_INFO not in services.adviser_choices_for(case)
        with pytest.raises(ValidationError) as exc:
            services.adviser_contact_record(
                case=case, actor=officer, contacted_on=date(2026, 4, 2), choice="placement_info"
            )
        assert "Placement only applies when section I is the only part of the plan disputed" in str(exc.value)
        assert not AdviserContact.objects.filter(case=case).exists()
    alone = CaseFactory(decision=Decision.PLACEMENT_I, sections_disputed=["I"], decision_sent_on=date(2026, 3, 27))
    assert AdviserContact.Choice.PLACEMENT_INFO in services.adviser_choices_for(alone)
    contact = services.adviser_contact_record(
        case=alone, actor=officer, contacted_on=date(2026, 4, 2), choice="placement_info"
    )
    assert contact.choice == "placement_info"
    assert "C1" not in clocks(alone)  # no certificate needed, so no adviser clock to meet


# --- 3: a clock is never missed before its date ---------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_appeal_window_cannot_be_closed_before_its_date_and_nothing_changes_when_refused(officer):
    case = CaseFactory(
        decision=Decision.PLACEMENT_I,
        sections_disputed=["I"],
        decision_sent_on=date(2026, 4, 1),
        first_contact_on=date(2026, 4, 2),
        status=Status.APPEAL_WINDOW_OPEN,
        officer=officer,
    )
    c9 = recompute(case, officer)["C9"]
    assert c9.due_on == date(2026, 6, 1)
    with pytest.raises(ValidationError) as exc:
        case_services.case_change_status(case=case, actor=officer, to_status=Status.WINDOW_EXPIRED)
    assert "open until 5pm on Mon 1 Jun 2026" in str(exc.value)
    case.refresh_from_db()
    c9.refresh_from_db()
    assert case.status == Status.APPEAL_WINDOW_OPEN and c9.state == S.OPEN
    with time_machine.travel("2026-06-02 09:00:00+01:00", tick=False):
        case_services.case_change_status(case=case, actor=officer, to_status=Status.WINDOW_EXPIRED)
    c9.refresh_from_db()
    assert c9.state == S.MISSED


@time_machine.travel(NOW, tick=False)
def test_mediation_not_held_in_time_is_missed_only_once_its_30_days_have_passed(case, officer, providers, mediators):
    referral = to_assigned(case, officer, providers, mediators[0])  # C4: 30 days from 14 Apr = Thu 14 May
    Referral.objects.filter(pk=referral.pk).update(family_told_la_on=date(2026, 5, 1), provider_told_la_on=None)
    clock_services.case_clocks_recompute(case=case, actor=officer)
    assert clocks(case)["C4"].due_on == date(2026, 5, 31)
    services.referral_not_held_in_time(referral=referral, actor=officer, notified_on=date(2026, 5, 20))
    c4 = clocks(case)["C4"]
    assert c4.state == S.OPEN  # its date (Sun 31 May) has not passed
    assert clocks(case)["C6"].due_on == date(2026, 5, 26)  # Thu 21, Fri 22, Tue 26 (Mon 25 a bank holiday)
    with time_machine.travel("2026-06-01 07:00:00+01:00", tick=False):
        call_command("settle_clocks")  # the daily job settles clocks whose date passed
    c4.refresh_from_db()
    assert c4.state == S.MISSED
    assert "Hold the mediation (LA-arranged): missed (not held within 30 days)" in descriptions(case)


# --- 4: short notice the family agreed to is on time ----------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_short_notice_the_family_agreed_to_is_on_time_and_counts_so_on_the_dashboard(
    case, officer, providers, mediators
):
    referral = to_assigned(case, officer, providers, mediators[0])
    session = services.session_schedule(
        referral=referral,
        actor=mediators[0].user,
        starts_at=datetime(2026, 5, 27, 10, 0, tzinfo=LONDON),
        mode="online",
        venue="",
        notice_sent_on=date(2026, 5, 20),
        short_notice_consent=True,
    )
    c7 = clocks(case)[f"C7:{session.pk}"]
    assert (c7.state, c7.met_on, c7.due_on) == (S.MET, date(2026, 5, 20), date(2026, 5, 20))
    assert not c7.met_late
    assert c7.facts["statutory_notice_by"] == "2026-05-19" and c7.facts["short_notice_agreed"] is True
    assert "The family agreed to shorter notice" in c7.note
    period = dashboard_selectors.Period(date(2026, 5, 1), date(2026, 5, 31))
    notice = next(
        g for g in dashboard_selectors.clock_compliance(period=period, today=date(2026, 5, 20)) if g["key"] == "notice"
    )
    assert (notice["on_time"], notice["total"]) == (1, 1)


# --- 5: every clock recomputed when a fact is corrected ----------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_correcting_a_referrals_dates_moves_c3_c4_and_c6_with_each_move_on_the_timeline(
    case, officer, providers, mediators
):
    referral = refer(case, officer, providers[0], health_issues=True, health_told_on=date(2026, 4, 14))
    services.referral_not_held_in_time(referral=referral, actor=officer, notified_on=date(2026, 5, 12))
    before = clocks(case)
    assert (before["C3"].due_on, before["C4"].due_on, before["C6"].due_on) == (
        date(2026, 4, 17),
        date(2026, 5, 14),
        date(2026, 5, 15),
    )
    services.referral_correct_dates(
        referral=referral,
        actor=officer,
        reason="Typed from the wrong letter",
        changes={
            "family_told_la_on": date(2026, 4, 20),
            "health_told_on": date(2026, 4, 20),
            "referred_on": date(2026, 4, 20),
            "not_held_notified_on": date(2026, 5, 18),
        },
    )
    after = clocks(case)
    assert after["C4"].due_on == date(2026, 5, 16)  # the provider told the LA on 16 April: the earlier date
    assert after["C3"].due_on == date(2026, 4, 23)
    assert after["C6"].due_on == date(2026, 5, 21)
    timeline = descriptions(case)
    assert any(
        t.startswith("Referral dates corrected (") and t.endswith(": Typed from the wrong letter") for t in timeline
    )
    for title, old, new in (
        ("Hold the mediation (LA-arranged)", "Thu 14 May 2026", "Sat 16 May 2026"),
        ("Tell the ICB about health issues", "Fri 17 Apr 2026", "Thu 23 Apr 2026"),
        ("Certificate when mediation cannot be held in time", "Fri 15 May 2026", "Thu 21 May 2026"),
    ):
        assert f"{title}: moved from {old} to {new} (referral dates corrected: Typed from the wrong letter)" in timeline


@time_machine.travel(NOW, tick=False)
def test_a_referral_date_correction_is_refused_out_of_order_without_a_reason_and_changes_nothing(
    case, officer, providers
):
    referral = refer(case, officer, providers[0])
    with pytest.raises(ValidationError) as exc:
        services.referral_correct_dates(
            referral=referral, actor=officer, reason="", changes={"referred_on": date(2026, 4, 15)}
        )
    assert "Give the reason for the correction." in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.referral_correct_dates(
            referral=referral, actor=officer, reason="x", changes={"family_told_la_on": date(2026, 3, 1)}
        )
    assert "cannot be before the decision letter was sent" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.referral_correct_dates(
            referral=referral, actor=officer, reason="x", changes={"family_told_la_on": date(2101, 1, 1)}
        )
    assert "between 1 January 1900 and 31 December 2100" in str(exc.value)
    referral.refresh_from_db()
    assert referral.family_told_la_on == date(2026, 4, 14)
    assert clocks(case)["C4"].due_on == date(2026, 5, 14)


@time_machine.travel(NOW, tick=False)
def test_correcting_a_held_sessions_date_moves_when_c4_was_met_and_its_notice_clock(
    case, officer, providers, mediators
):
    referral = to_held(case, officer, providers, mediators[0])  # held Wed 6 May, notice sent Mon 27 Apr
    session = referral.sessions.get()
    assert clocks(case)["C4"].met_on == date(2026, 5, 6)
    services.session_correct(
        session=session,
        actor=mediators[0].user,
        starts_at=datetime(2026, 5, 15, 10, 0, tzinfo=LONDON),
        notice_sent_on=date(2026, 5, 1),
        short_notice_consent=False,
        reason="The session was on the 15th",
    )
    after = clocks(case)
    assert (after["C4"].state, after["C4"].met_on) == (S.MET, date(2026, 5, 15))
    assert after["C4"].met_late  # 30 days ran out on Thu 14 May
    c7 = after[f"C7:{session.pk}"]
    assert (c7.due_on, c7.met_on) == (date(2026, 5, 8), date(2026, 5, 1))
    assert "Hold the mediation (LA-arranged): met on Fri 15 May 2026 (1 day late)" in descriptions(case)


@time_machine.travel(NOW, tick=False)
def test_correcting_the_conclusion_and_agreement_dates_moves_c8_and_the_agreed_actions(
    case, officer, providers, mediators
):
    referral = to_held(case, officer, providers, mediators[0])
    services.referral_conclude(
        referral=referral,
        actor=mediators[0].user,
        concluded_on=date(2026, 5, 7),
        outcome="partial",
        issue_outcomes={"F": "partly"},
        agreement_on=date(2026, 5, 7),
    )
    (action,) = services.agreement_action_add(
        referral=referral, actor=officer, description="Speech therapy report", owner="la", basis="other"
    )
    assert (clocks(case)["C8"].due_on, action.due_on) == (date(2026, 5, 12), date(2026, 5, 21))
    services.referral_conclusion_correct(
        referral=referral,
        actor=officer,
        concluded_on=date(2026, 5, 11),
        agreement_on=date(2026, 5, 11),
        reason="The agreement was signed on Monday",
    )
    action.refresh_from_db()
    assert clocks(case)["C8"].due_on == date(2026, 5, 14)
    assert action.due_on == date(2026, 5, 25) == clocks(case)[f"C11:{action.pk}"].due_on


@time_machine.travel(NOW, tick=False)
def test_correcting_the_appeal_dates_moves_c9_c17_and_the_order_timetable(officer):
    case = CaseFactory(
        decision=Decision.RTA,
        decision_sent_on=date(2026, 1, 5),
        first_contact_on=date(2026, 1, 6),
        status=Status.APPEAL_WINDOW_OPEN,
        officer=officer,
    )
    appeal = services.tribunal_appeal_record(
        case=case,
        actor=officer,
        registered_on=date(2026, 2, 2),
        la_told_on=date(2026, 2, 3),
        response_due_on=date(2026, 3, 16),
    )
    services.tribunal_outcome_record(
        appeal=appeal,
        actor=officer,
        outcome="upheld",
        outcome_on=date(2026, 4, 1),
        order_kind="make_and_maintain_plan",
        order_sent_on=date(2026, 4, 2),
    )
    assert clocks(case)["C9"].met_on == date(2026, 2, 2)
    services.tribunal_appeal_correct(
        appeal=appeal,
        actor=officer,
        reason="Registration letter misread",
        changes={
            "registered_on": date(2026, 2, 4),
            "la_told_on": date(2026, 2, 5),
            "response_due_on": date(2026, 3, 18),
            "order_sent_on": date(2026, 4, 9),
        },
    )
    after = clocks(case)
    assert after["C9"].met_on == date(2026, 2, 4)
    assert after[f"C17:{appeal.pk}"].due_on == date(2026, 3, 18)
    assert after[f"C14:{appeal.pk}:draft_plan"].due_on == date(2026, 5, 14)  # 9 Apr + 5 weeks
    assert any(t.startswith("Appeal dates corrected (") for t in descriptions(case))


@time_machine.travel(NOW, tick=False)
def test_a_new_non_working_day_moves_the_working_day_clocks_c2_to_c8(case, officer, providers, mediators):
    referral = refer(case, officer, providers[0], health_issues=True, health_told_on=date(2026, 4, 14))
    services.referral_not_held_in_time(referral=referral, actor=officer, notified_on=date(2026, 5, 12))
    assert (clocks(case)["C3"].due_on, clocks(case)["C6"].due_on) == (date(2026, 4, 17), date(2026, 5, 15))
    NonWorkingDay.objects.create(day=date(2026, 4, 15), title="One-off closure")
    NonWorkingDay.objects.create(day=date(2026, 5, 13), title="Another one-off closure")
    call_command("recompute_deadlines")
    assert (clocks(case)["C3"].due_on, clocks(case)["C6"].due_on) == (date(2026, 4, 20), date(2026, 5, 18))
    assert "Tell the ICB about health issues: moved from Fri 17 Apr 2026 to Mon 20 Apr 2026 (recomputed)" in (
        descriptions(case)
    )


# --- 6: derived flags follow a corrected fact -----------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_contact_was_late_is_worked_out_again_when_the_decision_date_is_corrected(case, officer):
    contact = services.adviser_contact_record(
        case=case, actor=officer, contacted_on=date(2026, 5, 18), choice="mediation"
    )
    assert contact.late is False  # 18 May, within 2 months of 27 March
    case_services.case_update(case=case, actor=officer, data={"decision_sent_on": date(2026, 3, 10)})
    contact.refresh_from_db()
    assert contact.late is True  # 2 months from 10 March end on 10 May
    case_services.case_update(case=case, actor=officer, data={"decision_sent_on": date(2026, 3, 27)})
    contact.refresh_from_db()
    assert contact.late is False


# --- 7: a corrected certificate keeps the appeal clock on the first date (decision 15) --------------------------


def _declined_case(officer):
    case = CaseFactory(decision=Decision.RTA, decision_sent_on=date(2026, 3, 2), first_contact_on=date(2026, 3, 3))
    services.adviser_contact_record(case=case, actor=officer, contacted_on=date(2026, 3, 10), choice="no_mediation")
    services.certificate_issue(
        case=case,
        actor=officer,
        kind="declined",
        issued_on=date(2026, 3, 12),
        issuer_name="Ann Adviser",
        issuer_role="mediation adviser",
    )
    return case


@time_machine.travel(NOW, tick=False)
def test_a_certificate_corrected_for_another_reason_keeps_the_appeal_clock_and_asks_for_legal_review(officer, manager):
    case = _declined_case(officer)
    assert clocks(case)["C9"].due_on == date(2026, 5, 5)  # 2 March + 2 months is later than 12 March + 1 month
    corrected = services.certificate_issue(
        case=case,
        actor=officer,
        kind="declined",
        issued_on=date(2026, 4, 20),
        issuer_name="Ann Adviser",
        issuer_role="mediation adviser",
        correction_reason="The child's name was misspelt",
    )
    c9 = clocks(case)["C9"]
    assert c9.due_on == date(2026, 5, 5)  # a month from 20 April would be 20 May: not moved
    assert c9.facts["certificate_issued_on"] == "2026-03-12"
    assert c9.needs_legal_review is True
    assert "First certificate issued Thu 12 Mar 2026" in c9.note and "issued Mon 20 Apr 2026" in c9.note
    case.refresh_from_db()
    assert case.certificate_issued_on == date(2026, 3, 12)
    services.certificate_review_confirm(certificate=corrected, actor=manager)
    assert clocks(case)["C9"].needs_legal_review is False
    assert any("confirmed after legal review" in t for t in descriptions(case))


@time_machine.travel(NOW, tick=False)
def test_a_certificate_corrected_because_its_issue_date_was_wrong_moves_the_appeal_clock(officer):
    case = _declined_case(officer)
    services.certificate_issue(
        case=case,
        actor=officer,
        kind="declined",
        issued_on=date(2026, 4, 20),
        issuer_name="Ann Adviser",
        issuer_role="mediation adviser",
        correction_reason="Version 1 had the wrong issue date",
        corrects_issue_date=True,
    )
    c9 = clocks(case)["C9"]
    assert c9.due_on == date(2026, 5, 20) and c9.needs_legal_review is True
    assert any(
        t.startswith("Tribunal must receive the appeal: moved from Tue 5 May 2026 to Wed 20 May 2026")
        for t in descriptions(case)
    )


@time_machine.travel(NOW, tick=False)
def test_a_first_certificate_given_a_correction_reason_is_not_a_correction(officer):
    case = CaseFactory(decision=Decision.RTA, decision_sent_on=date(2026, 3, 2), first_contact_on=date(2026, 3, 3))
    services.adviser_contact_record(case=case, actor=officer, contacted_on=date(2026, 3, 10), choice="no_mediation")
    first = services.certificate_issue(
        case=case,
        actor=officer,
        kind="declined",
        issued_on=date(2026, 3, 12),
        issuer_name="Ann Adviser",
        issuer_role="mediation adviser",
        correction_reason="Nothing to correct yet",
        corrects_issue_date=True,
    )
    assert (first.version, first.correction_reason, first.corrects_issue_date) == (1, "", False)
    assert clocks(case)["C9"].needs_legal_review is False
    assert not any("corrects" in t for t in descriptions(case))


def test_only_a_manager_confirms_a_corrected_certificate(officer):
    from django.core.exceptions import PermissionDenied

    with time_machine.travel(NOW, tick=False):
        case = _declined_case(officer)
        corrected = services.certificate_issue(
            case=case,
            actor=officer,
            kind="declined",
            issued_on=date(2026, 4, 20),
            issuer_name="Ann Adviser",
            issuer_role="mediation adviser",
            correction_reason="Typo",
        )
        with pytest.raises(PermissionDenied):
            services.certificate_review_confirm(certificate=corrected, actor=officer)
    corrected.refresh_from_db()
    assert corrected.review_confirmed_at is None


# --- 8: a young person acting alone (decision 13) ------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("born", "accepted"),
    [(date(2010, 3, 1), False), (date(2009, 8, 31), True), (date(2001, 5, 19), False), (date(2001, 5, 21), True)],
    ids=["16-in-year-11", "left-school-2025", "25-yesterday", "25-tomorrow"],
)
def test_a_young_person_is_over_compulsory_school_age_and_under_25_at_intake(officer, born, accepted):
    data = dict(
        child_first_name="Ola",
        child_last_name="Young",
        child_date_of_birth=born,
        party_type=PartyType.YOUNG_PERSON,
        party_name="Ola Young",
        route=Route.MEDIATION,
        decision=Decision.RTA,
        decision_sent_on=date(2026, 5, 1),
        first_contact_on=date(2026, 5, 5),
        first_contact_channel="phone",
        school=SchoolFactory(),
    )
    if accepted:
        assert case_services.case_create(actor=officer, data=data).pk
    else:
        with pytest.raises(ValidationError):
            case_services.case_create(actor=officer, data=data)


# --- 9: a referral still waiting for the provider can be not held in time -------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_referral_waiting_for_the_provider_can_be_recorded_as_not_held_in_time(case, officer, providers):
    referral = refer(case, officer, providers[0])
    assert referral.status == Referral.Status.REFERRED
    services.referral_not_held_in_time(referral=referral, actor=officer, notified_on=date(2026, 5, 12))
    referral.refresh_from_db()
    assert referral.status == Referral.Status.NOT_HELD
    assert clocks(case)["C6"].due_on == date(2026, 5, 15)


# --- 10: a held mediation stays held ----------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_later_session_cancelled_after_a_held_one_leaves_the_mediation_held(case, officer, providers, mediators):
    referral = to_held(case, officer, providers, mediators[0])
    second = services.session_schedule(
        referral=referral,
        actor=mediators[0].user,
        starts_at=datetime(2026, 6, 3, 10, 0, tzinfo=LONDON),
        mode="online",
        venue="",
        notice_sent_on=date(2026, 5, 20),
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SCHEDULED
    services.session_record(session=second, actor=mediators[0].user, status="cancelled", cancelled_by="family")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.HELD
    services.referral_conclude(
        referral=referral,
        actor=mediators[0].user,
        concluded_on=date(2026, 5, 20),
        outcome="none",
        issue_outcomes={"F": "not_agreed"},
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CONCLUDED


# --- 11: who must act (decision 12) ----------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_health_only_mediation_runs_from_the_day_the_icb_received_the_notice(case, officer, providers):
    referral = refer(
        case, officer, providers[0], health_issues=True, health_only=True, health_told_on=date(2026, 4, 14)
    )
    services.referral_notify_icb(
        referral=referral, actor=officer, notified_on=date(2026, 4, 16), received_on=date(2026, 4, 20)
    )
    c5 = clocks(case)["C5"]
    assert (c5.due_on, c5.binds) == (date(2026, 5, 20), Deadline.Binds.ICB)
    other = CaseFactory(
        decision=Decision.HSC, decision_sent_on=date(2026, 3, 27), health_involved=True, icb=HealthBodyFactory()
    )
    referral = refer(
        other, officer, providers[0], health_issues=True, health_only=True, health_told_on=date(2026, 4, 14)
    )
    services.referral_notify_icb(referral=referral, actor=officer, notified_on=date(2026, 4, 16))
    assert clocks(other)["C5"].due_on == date(2026, 5, 16)  # received: the day it was sent


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("to", "expected"),
    [
        ("icb", {"C16:{pk}": Deadline.Binds.ICB}),
        ("la", {"C16:{pk}": Deadline.Binds.LA}),
        ("both", {"C16:{pk}:icb": Deadline.Binds.ICB, "C16:{pk}:la": Deadline.Binds.LA}),
    ],
)
def test_recommendations_bind_the_icb_or_la_social_care(officer, to, expected):
    case = CaseFactory(decision=Decision.RTA, decision_sent_on=date(2026, 1, 5), status=Status.APPEAL_WINDOW_OPEN)
    appeal = services.tribunal_appeal_record(
        case=case, actor=officer, registered_on=date(2026, 2, 2), la_told_on=date(2026, 2, 3)
    )
    services.tribunal_outcome_record(
        appeal=appeal,
        actor=officer,
        outcome="upheld",
        outcome_on=date(2026, 4, 1),
        order_kind="make_and_maintain_plan",
        order_sent_on=date(2026, 4, 2),
        recommendation_on=date(2026, 4, 1),
        recommendation_to=to,
    )
    found = {d.key: d.binds for d in Deadline.objects.filter(case=case, clock="C16")}
    assert found == {key.format(pk=appeal.pk): binds for key, binds in expected.items()}
    assert TribunalAppeal.objects.get(pk=appeal.pk).recommendation_to == to


@time_machine.travel(NOW, tick=False)
def test_an_icb_telling_the_la_of_an_agreement_binds_the_icb(case, officer, providers, mediators):
    referral = to_held(case, officer, providers, mediators[0])
    services.referral_conclude(
        referral=referral,
        actor=mediators[0].user,
        concluded_on=date(2026, 5, 7),
        outcome="full",
        issue_outcomes={"F": "agreed"},
        agreement_on=date(2026, 5, 7),
    )
    (action,) = services.agreement_action_add(
        referral=referral, actor=officer, description="ICB confirms the therapy", owner="la", basis="icb_to_la"
    )
    c12 = clocks(case)[f"C12:{action.pk}"]
    assert (c12.binds, c12.due_on) == (Deadline.Binds.ICB, date(2026, 5, 14))


@time_machine.travel(NOW, tick=False)
def test_the_familys_windows_leave_the_las_overdue_figures(officer):
    passed = CaseFactory(officer=officer, decision=Decision.RTA, decision_sent_on=date(2026, 1, 5))
    recompute(passed, officer)  # C1 and C9 both passed in March
    referred = CaseFactory(officer=officer, decision=Decision.RTA, decision_sent_on=date(2026, 3, 2))
    ReferralFactory(case=referred, family_told_la_on=date(2026, 4, 1), referred_on=date(2026, 4, 1))
    recompute(referred, officer)  # C4 due Fri 1 May: the LA's, overdue
    work = dashboard_selectors.workload(officers=[officer], today=date(2026, 5, 20))
    assert work["totals"]["overdue"] == 1
    assert Deadline.objects.filter(state=S.OPEN, due_on__lt=date(2026, 5, 20)).count() == 4


# --- The state machine is the only authority -------------------------------------------------------------------


def test_a_referral_status_changes_only_along_the_table():
    referral = Referral(status=Referral.Status.CONCLUDED, outcome="full")
    with pytest.raises(ValidationError) as exc:
        services.referral_set_status(referral, Referral.Status.SCHEDULED)
    assert "cannot move to 'Session arranged'" in str(exc.value)
    referral = Referral(status=Referral.Status.HELD)
    with pytest.raises(ValidationError) as exc:
        services.referral_set_status(referral, Referral.Status.CONCLUDED)
    assert "Record the outcome." in str(exc.value)
    assert referral.status == Referral.Status.HELD


def test_every_clock_code_has_exactly_one_provider():
    from cases.clock_registry import missing_providers, registered_codes
    from cases.deadlines import ClockCode

    assert missing_providers() == []
    assert registered_codes() == set(ClockCode)


@time_machine.travel(NOW, tick=False)
def test_the_mediator_ranking_reads_availability_kept_in_the_admin(case, officer, providers, mediators, admin_client):
    jane, tom, _ = mediators
    referral = refer(
        case,
        officer,
        providers[0],
        family_told_la_on=date(2026, 5, 15),
        provider_told_la_on=None,
        referred_on=date(2026, 5, 15),
    )
    services.referral_respond(referral=referral, actor=officer, accepted=True, responded_on=date(2026, 5, 16))
    url = f"/admin/referrals/mediator/{tom.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="available_from"' in page
    ranked = {r.mediator_id: r for r in selectors.mediator_ranking(referral)}
    assert "No availability date recorded" in " ".join(ranked[tom.pk].reasons)
    tom.available_from = date(2026, 7, 1)
    tom.save()
    ranked = {r.mediator_id: r for r in selectors.mediator_ranking(referral)}
    assert "Not available until Wed 1 Jul 2026, after the 30-day window (Sun 14 Jun 2026)" in ranked[tom.pk].reasons


@time_machine.travel(NOW, tick=False)
def test_a_recorded_disagreement_resolution_outcome_is_never_overwritten(officer, providers):
    case = CaseFactory(route=Route.DRS, first_contact_on=date(2026, 4, 1), decision="", decision_sent_on=None)
    drs = services.drs_refer(case=case, actor=officer, kind="school_provision", provider=providers[1],
                             referred_on=date(2026, 4, 2))  # fmt: skip
    services.drs_record(drs=drs, actor=officer, meeting_on=date(2026, 4, 10))
    with pytest.raises(ValidationError) as exc:
        services.drs_record(drs=drs, actor=officer, meeting_on=date(2026, 4, 11))
    assert "already recorded for Fri 10 Apr 2026" in str(exc.value)
    services.drs_record(drs=drs, actor=officer, outcome="resolved", outcome_on=date(2026, 4, 10))
    with pytest.raises(ValidationError):
        services.drs_record(drs=drs, actor=officer, outcome="unresolved", outcome_on=date(2026, 4, 12))
    drs.refresh_from_db()
    assert (drs.meeting_on, drs.outcome) == (date(2026, 4, 10), "resolved")
