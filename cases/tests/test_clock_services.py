"""Clocks stored on cases: computed from the facts, recomputed when a fact changes, moves on the timeline."""

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from cases import clock_services, services
from cases.models import Case, CaseEvent, Deadline, Decision, NonWorkingDay, Route, Status
from cases.tests.factories import CaseFactory
from referrals.tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db
NOW = "2026-11-20 12:00:00+00:00"


def clocks(case):
    return {d.key: d for d in Deadline.objects.filter(case=case)}


def make_case(officer, **overrides):
    case = CaseFactory(**overrides)
    clock_services.case_clocks_recompute(case=case, actor=officer)
    case.refresh_from_db()
    return case


def test_e1_letter_27_march_gives_adviser_and_appeal_clocks_on_27_may(officer):
    case = make_case(officer, decision_sent_on=date(2026, 3, 27), decision=Decision.RTA)
    found = clocks(case)
    assert found["C1"].due_on == date(2026, 5, 27)
    assert found["C1"].binds == Deadline.Binds.FAMILY
    assert found["C9"].due_on == date(2026, 5, 27)
    assert found["C9"].due_time == time(17, 0)
    assert found["C9"].facts["limb"] == "decision"
    # Both bind the family (decision 12): windows, not the LA's work, so neither is the case's next deadline.
    assert case.next_deadline_on is None
    assert case.events.filter(kind=CaseEvent.Kind.DEADLINE_MOVED).count() == 2


def test_placement_only_decision_has_an_appeal_clock_but_no_adviser_clock(officer):
    case = make_case(officer, decision=Decision.PLACEMENT_I, decision_sent_on=date(2026, 3, 27))
    assert set(clocks(case)) == {"C9"}


def test_health_and_social_care_only_has_no_appeal_clock(officer):
    case = make_case(officer, decision=Decision.HSC, decision_sent_on=date(2026, 3, 27))
    assert clocks(case) == {}
    assert case.next_deadline_on is None


def test_e7_appeal_ending_in_august_moves_to_first_working_day_of_september(officer):
    case = make_case(officer, decision_sent_on=date(2026, 6, 15))
    c9 = clocks(case)["C9"]
    assert c9.due_on == date(2026, 9, 1)
    assert "August" in c9.note


def test_e25_edge_case_is_flagged_for_legal_review(officer):
    with time_machine.travel("2028-11-01 12:00:00+00:00", tick=False):
        case = make_case(officer, decision_sent_on=date(2028, 10, 24), first_contact_on=date(2028, 10, 25))
    c9 = clocks(case)["C9"]
    assert c9.due_on == date(2028, 12, 27)
    assert c9.needs_legal_review is True


@time_machine.travel(NOW, tick=False)
def test_correcting_the_decision_date_moves_the_appeal_deadline_on_the_timeline(officer):
    case = make_case(officer, decision_sent_on=date(2026, 3, 27), first_contact_on=date(2026, 4, 1))
    services.case_update(case=case, actor=officer, data={"decision_sent_on": date(2026, 3, 30)})
    c9 = clocks(case)["C9"]
    assert c9.due_on == date(2026, 6, 1)  # 30 March + 2 months = Sat 30 May, next working day Mon 1 June
    moved = case.events.filter(kind=CaseEvent.Kind.DEADLINE_MOVED, data__key="C9").order_by("-id").first()
    assert "moved from Wed 27 May 2026" in moved.description
    assert "decision letter date corrected" in moved.description


def test_certificate_issue_moves_appeal_deadline_to_certificate_plus_one_month(officer):
    with time_machine.travel("2026-12-01 12:00:00+00:00", tick=False):
        case = make_case(officer, decision_sent_on=date(2026, 10, 1), first_contact_on=date(2026, 10, 2))
        assert clocks(case)["C9"].due_on == date(2026, 12, 1)
        CertificateFactory(case=case, referral=None, issued_on=date(2026, 11, 27))
        clock_services.case_clocks_recompute(case=case, actor=officer, reason="certificate issued Fri 27 Nov 2026")
    c9 = clocks(case)["C9"]
    assert c9.due_on == date(2027, 1, 4)  # E9: 27 Dec is in the Christmas window
    assert c9.facts["limb"] == "certificate"
    moved = case.events.filter(kind=CaseEvent.Kind.DEADLINE_MOVED, data__key="C9").order_by("-id").first()
    assert moved.description == (
        "Tribunal must receive the appeal: moved from Tue 1 Dec 2026 to Mon 4 Jan 2027 "
        "(certificate issued Fri 27 Nov 2026)"
    )


def test_the_case_keeps_a_copy_of_the_date_its_appeal_clock_runs_from(officer):
    with time_machine.travel("2026-12-01 12:00:00+00:00", tick=False):
        case = make_case(officer, decision_sent_on=date(2026, 10, 1), first_contact_on=date(2026, 10, 2))
        CertificateFactory(case=case, referral=None, issued_on=date(2026, 11, 27))
        clock_services.case_clocks_recompute(case=case, actor=officer)
    case.refresh_from_db()
    assert case.certificate_issued_on == date(2026, 11, 27)


def test_changing_to_a_decision_without_clocks_supersedes_them(officer):
    with time_machine.travel(NOW, tick=False):
        case = make_case(officer, decision_sent_on=date(2026, 10, 1))
        services.case_update(case=case, actor=officer, data={"decision": Decision.HSC})
    states = {k: d.state for k, d in clocks(case).items()}
    assert states == {"C1": Deadline.State.SUPERSEDED, "C9": Deadline.State.SUPERSEDED}
    case.refresh_from_db()
    assert case.next_deadline_on is None


def test_extra_non_working_day_from_the_admin_moves_a_working_day_clock(officer):
    # Appeal raw end Fri 2026-05-29 (letter 29 March): a one-off closure that day rolls it to Mon 1 June.
    NonWorkingDay.objects.create(day=date(2026, 5, 29), title="One-off closure")
    case = make_case(officer, decision_sent_on=date(2026, 3, 29), first_contact_on=date(2026, 3, 30))
    assert clocks(case)["C9"].due_on == date(2026, 6, 1)


def test_a_clock_met_by_a_recorded_fact_records_date_and_lateness(officer):
    from referrals.tests.factories import AdviserContactFactory

    with time_machine.travel("2026-06-10 12:00:00+00:00", tick=False):
        case = make_case(officer, decision_sent_on=date(2026, 3, 27))
        AdviserContactFactory(case=case, contacted_on=date(2026, 5, 29))
        clock_services.case_clocks_recompute(case=case, actor=officer)
    c1 = clocks(case)["C1"]
    assert c1.state == Deadline.State.MET
    assert c1.met_late is True
    assert case.events.filter(description__contains="met on Fri 29 May 2026 (2 days late)").exists()


def test_only_managers_can_waive_and_a_reason_is_required(officer, manager):
    case = make_case(officer, decision_sent_on=date(2026, 3, 27))
    c1 = clocks(case)["C1"]
    with pytest.raises(PermissionDenied):
        clock_services.deadline_waive(deadline=c1, actor=officer, reason="x")
    with pytest.raises(ValidationError):
        clock_services.deadline_waive(deadline=c1, actor=manager, reason="   ")
    clock_services.deadline_waive(deadline=c1, actor=manager, reason="Agreed other dates in writing")
    c1.refresh_from_db()
    assert c1.state == Deadline.State.WAIVED
    assert c1.waived_by == manager
    assert case.events.filter(kind=CaseEvent.Kind.DEADLINE_WAIVED).exists()


@time_machine.travel(NOW, tick=False)
def test_closing_a_case_marks_past_clocks_missed_and_future_ones_superseded(officer):
    case = make_case(officer, decision_sent_on=date(2026, 9, 1), first_contact_on=date(2026, 9, 2))
    # C1 and C9 both due Sun 1 Nov / Mon 2 Nov 2026: already past on 20 Nov.
    case2 = make_case(officer, decision_sent_on=date(2026, 11, 2), first_contact_on=date(2026, 11, 3))
    for c in (case, case2):
        services.case_change_status(case=c, actor=officer, to_status=Status.WITHDRAWN, reason="Moved away")
        services.case_change_status(case=c, actor=officer, to_status=Status.CLOSED)
    assert {d.state for d in clocks(case).values()} == {Deadline.State.MISSED}
    assert {d.state for d in clocks(case2).values()} == {Deadline.State.SUPERSEDED}


def test_bulk_recompute_matches_single_case_recompute(officer):
    cases = [CaseFactory(decision_sent_on=date(2026, m, 27), route=Route.MEDIATION) for m in range(1, 7)]
    counts = clock_services.deadlines_recompute_all(batch_size=4)
    assert counts == {"cases": 6, "created": 12, "moved": 0, "changed": 0, "unchanged": 0}
    expected = {}
    for case in cases:
        expected[case.pk] = {k: d.due_on for k, d in clocks(case).items()}
        Deadline.objects.filter(case=case).delete()
        clock_services.case_clocks_recompute(case=case, actor=officer)
        assert {k: d.due_on for k, d in clocks(case).items()} == expected[case.pk]
    again = clock_services.deadlines_recompute_all()
    assert again == {"cases": 6, "created": 0, "moved": 0, "changed": 0, "unchanged": 12}


def test_bulk_recompute_gives_new_clocks_their_cases_officer(officer, other_officer):
    mine = CaseFactory(officer=officer, decision_sent_on=date(2026, 3, 27), route=Route.MEDIATION)
    theirs = CaseFactory(officer=other_officer, decision_sent_on=date(2026, 3, 27), route=Route.MEDIATION)
    nobodys = CaseFactory(officer=None, decision_sent_on=date(2026, 3, 27), route=Route.MEDIATION)
    assert clock_services.deadlines_recompute_all()["created"] == 6
    assert set(mine.deadlines.values_list("officer", flat=True)) == {officer.pk}
    assert set(theirs.deadlines.values_list("officer", flat=True)) == {other_officer.pk}
    assert set(nobodys.deadlines.values_list("officer", flat=True)) == {None}


def test_bulk_recompute_moves_changed_dates_with_a_timeline_entry(officer):
    case = make_case(officer, decision_sent_on=date(2026, 3, 27))
    Case.objects.filter(pk=case.pk).update(decision_sent_on=date(2026, 3, 30))
    counts = clock_services.deadlines_recompute_all()
    assert counts["moved"] == 2
    assert clocks(case)["C9"].due_on == date(2026, 6, 1)
    assert case.events.filter(description__contains="(recomputed)").count() == 2


def test_recompute_command_reports(officer, capsys):
    make_case(officer, decision_sent_on=date(2026, 3, 27))
    call_command("recompute_deadlines")
    assert "Recomputed clocks for 1 cases" in capsys.readouterr().out


def test_bulk_recompute_never_opens_clocks_on_closed_cases():
    closed = CaseFactory(status=Status.CLOSED, closed_on=date(2026, 5, 1), decision_sent_on=date(2026, 1, 5))
    later = CaseFactory(status=Status.CLOSED, closed_on=date(2026, 2, 1), decision_sent_on=date(2026, 1, 5))
    clock_services.deadlines_recompute_all()
    assert {d.state for d in Deadline.objects.filter(case=closed)} == {Deadline.State.MISSED}
    assert {d.state for d in Deadline.objects.filter(case=later)} == {Deadline.State.SUPERSEDED}
    closed.refresh_from_db()
    assert closed.next_deadline_on is None


@time_machine.travel(NOW, tick=False)
def test_window_expired_closes_the_appeal_clock(officer):
    case = make_case(
        officer, decision=Decision.PLACEMENT_I, decision_sent_on=date(2026, 8, 3), first_contact_on=date(2026, 8, 4)
    )
    for status in (Status.TRIAGED, Status.PLACEMENT_ONLY, Status.APPEAL_WINDOW_OPEN, Status.WINDOW_EXPIRED):
        Case.objects.filter(pk=case.pk).update(sections_disputed=["I"])
        case.refresh_from_db()
        services.case_change_status(case=case, actor=officer, to_status=status)
    c9 = clocks(case)["C9"]
    assert c9.state == Deadline.State.MISSED
    assert case.events.filter(description__contains="missed (the appeal window closed with no appeal known)").exists()
