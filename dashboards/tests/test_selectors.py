"""Dashboard figures against hand-built data sets whose answers are worked out by hand in each test."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cases.models import Deadline, Decision
from cases.models import Status as CaseStatus
from dashboards import selectors
from dashboards.selectors import Period
from dashboards.tests import builders as b
from referrals.models import MediationSession, Referral, TribunalAppeal

TODAY = date(2026, 5, 20)  # a Wednesday
PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))
MET, MISSED, OPEN = Deadline.State.MET, Deadline.State.MISSED, Deadline.State.OPEN
S = Referral.Status
O = Referral.Outcome  # noqa: E741 - short name for a table of outcomes


def group(result, key):
    return next(g for g in result if g["key"] == key)


# --- Pure helpers (no database) -------------------------------------------------------------------------------


def test_percent_is_one_decimal_place_with_halves_rounded_up():
    assert selectors.percent(1, 3) == Decimal("33.3")
    assert selectors.percent(2, 3) == Decimal("66.7")
    assert selectors.percent(1, 8) == Decimal("12.5")
    assert selectors.percent(1, 16) == Decimal("6.3")  # 6.25 rounds up, not to even
    assert selectors.percent(0, 0) is None


def test_percent_text_reads_like_the_sen2_measure():
    assert selectors.percent_text(9, 60) == "9 of 60: 15.0%"
    assert selectors.percent_text(0, 0) == "0 of 0: no figure"


def test_period_months_cover_every_month_touched():
    assert Period(date(2025, 11, 15), date(2026, 2, 1)).months() == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_default_period_is_the_last_twelve_months_including_this_one():
    assert selectors.default_period(TODAY) == Period(date(2025, 6, 1), TODAY)
    assert selectors.default_period(date(2026, 1, 31)) == Period(date(2025, 2, 1), date(2026, 1, 31))


def test_academic_year_runs_september_to_august():
    assert selectors.academic_window(2026) == (date(2025, 9, 1), date(2026, 8, 31))
    assert selectors.academic_year_label(2026) == "2025/26"


# --- Clock compliance ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_certificates_three_met_on_time_one_met_late_is_75_percent():
    case = b.case()
    b.deadline(case, "C8", date(2026, 2, 3), MET, date(2026, 2, 2))
    b.deadline(case, "C2", date(2026, 2, 10), MET, date(2026, 2, 10))  # on the day: on time
    b.deadline(case, "C6", date(2026, 3, 5), MET, date(2026, 3, 1))
    b.deadline(case, "C8", date(2026, 3, 9), MET, date(2026, 3, 12))  # late
    # Left out: waived, no longer applies, due outside the period, not a certificate clock.
    b.deadline(case, "C8", date(2026, 2, 4), Deadline.State.WAIVED, waived_reason="agreed in writing")
    b.deadline(case, "C2", date(2026, 2, 5), Deadline.State.SUPERSEDED)
    b.deadline(case, "C8", date(2026, 4, 1), MET, date(2026, 4, 1))
    b.deadline(case, "C9", date(2026, 2, 3), MISSED)

    certificates = group(selectors.clock_compliance(period=PERIOD, today=TODAY), "certificates")

    assert (certificates["on_time"], certificates["late"], certificates["total"]) == (3, 1, 4)
    assert certificates["percent"] == Decimal("75.0")
    assert certificates["text"] == "3 of 4: 75.0%"


@pytest.mark.django_db
def test_open_clock_counts_as_late_once_overdue_and_is_left_out_before_it_is_due():
    case = b.case()
    b.deadline(case, "C4", date(2026, 5, 1), OPEN)  # overdue on 20 May: counted, not on time
    b.deadline(case, "C5", date(2026, 5, 20), OPEN)  # due today: not yet counted
    b.deadline(case, "C4", date(2026, 5, 6), MISSED)
    b.deadline(case, "C5", date(2026, 5, 7), MET, date(2026, 5, 7))
    period = Period(date(2026, 5, 1), date(2026, 5, 31))

    mediation = group(selectors.clock_compliance(period=period, today=TODAY), "mediation")

    assert mediation["text"] == "1 of 3: 33.3%"


@pytest.mark.django_db
def test_each_clock_group_is_counted_on_its_own():
    case = b.case()
    b.deadline(case, "C7", date(2026, 1, 5), MET, date(2026, 1, 5))
    b.deadline(case, "C7", date(2026, 1, 6), MET, date(2026, 1, 8))
    for clock in ("C10", "C11", "C12", "C13"):
        b.deadline(case, clock, date(2026, 2, 2), MET, date(2026, 2, 1))

    result = selectors.clock_compliance(period=PERIOD, today=TODAY)

    assert group(result, "notice")["text"] == "1 of 2: 50.0%"
    assert group(result, "actions")["text"] == "4 of 4: 100.0%"
    assert group(result, "certificates")["total"] == 0
    assert group(result, "certificates")["percent"] is None


@pytest.mark.django_db
def test_compliance_trend_buckets_clocks_by_the_month_they_were_due():
    case = b.case()
    b.deadline(case, "C8", date(2026, 1, 1), MET, date(2026, 1, 1))
    b.deadline(case, "C8", date(2026, 1, 31), MET, date(2026, 1, 30))
    b.deadline(case, "C8", date(2026, 3, 1), MET, date(2026, 3, 1))
    b.deadline(case, "C8", date(2026, 3, 31), MET, date(2026, 4, 2))

    trend = group(selectors.clock_compliance(period=PERIOD, today=TODAY), "certificates")["trend"]

    assert [(m["month"], m["on_time"], m["total"], m["percent"]) for m in trend] == [
        (date(2026, 1, 1), 2, 2, Decimal("100.0")),
        (date(2026, 2, 1), 0, 0, None),
        (date(2026, 3, 1), 1, 2, Decimal("50.0")),
    ]


@pytest.mark.django_db
def test_compliance_for_one_officer_counts_only_their_cases(officer, other_officer):
    b.deadline(b.case(officer=officer), "C8", date(2026, 2, 3), MET, date(2026, 2, 2))
    b.deadline(b.case(officer=other_officer), "C8", date(2026, 2, 3), MET, date(2026, 2, 9))

    mine = group(selectors.clock_compliance(period=PERIOD, today=TODAY, officer=officer), "certificates")

    assert mine["text"] == "1 of 1: 100.0%"


# --- SEN2 --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sen2_three_referrals_held_in_2026_one_followed_by_an_appeal_is_33_3_percent():
    appealed = b.referral(referred_on=date(2026, 1, 5))
    b.session(appealed, date(2026, 2, 10))
    b.appeal(appealed.case, date(2026, 4, 1))
    twice = b.referral(referred_on=date(2026, 2, 1))
    b.session(twice, date(2026, 3, 1))
    b.session(twice, date(2026, 3, 15))  # two held sessions: still one mediation case
    appeal_first = b.referral(referred_on=date(2026, 3, 1))
    b.session(appeal_first, date(2026, 6, 1))
    b.appeal(appeal_first.case, date(2026, 5, 1))  # registered before the mediation: not "followed by"
    # Not held in 2026: held in 2025, or only planned / cancelled / did not attend.
    last_year = b.referral(referred_on=date(2025, 11, 1))
    b.session(last_year, date(2025, 12, 1))
    b.appeal(last_year.case, date(2026, 1, 20))
    planned = b.referral(referred_on=date(2026, 3, 1))
    b.session(planned, date(2026, 4, 1), status=MediationSession.SessionStatus.PLANNED)
    b.session(planned, date(2026, 4, 2), status=MediationSession.SessionStatus.CANCELLED, cancelled_by="la")
    b.session(planned, date(2026, 4, 3), status=MediationSession.SessionStatus.DID_NOT_ATTEND, cancelled_by="family")

    calendar = selectors.sen2_figures(year=2026)["calendar"]

    assert (calendar["held"], calendar["appealed"]) == (3, 1)
    assert calendar["text"] == "1 of 3: 33.3%"
    assert calendar["percent"] == Decimal("33.3")
    assert selectors.sen2_figures(year=2025)["calendar"]["text"] == "1 of 1: 100.0%"


@pytest.mark.django_db
def test_sen2_year_is_the_london_date_of_the_session():
    # 23:30 UTC on 31 December 2025 is still 31 December in London (GMT): a 2025 mediation.
    new_year_eve = b.referral(referred_on=date(2025, 12, 1))
    MediationSession.objects.create(
        referral=new_year_eve,
        starts_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC),
        mode="online",
        notice_sent_on=date(2025, 12, 1),
        status=MediationSession.SessionStatus.HELD,
        recorded_by=b.recorder(),
    )
    # 23:30 UTC on 31 August 2026 is 00:30 on 1 September in London (BST): the next academic year.
    late_august = b.referral(referred_on=date(2026, 8, 1))
    MediationSession.objects.create(
        referral=late_august,
        starts_at=datetime(2026, 8, 31, 23, 30, tzinfo=UTC),
        mode="online",
        notice_sent_on=date(2026, 8, 1),
        status=MediationSession.SessionStatus.HELD,
        recorded_by=b.recorder(),
    )

    figures = selectors.sen2_figures(year=2026)

    assert figures["calendar"]["held"] == 1  # only the late-August one
    assert figures["academic"]["held"] == 1  # only the New Year's Eve one (2025/26)
    assert selectors.sen2_figures(year=2025)["calendar"]["held"] == 1
    assert selectors.sen2_figures(year=2027)["academic"]["held"] == 1


@pytest.mark.django_db
def test_sen2_academic_year_counts_september_to_august_and_breaks_down_appeals():
    autumn = b.referral(b.case(decision=Decision.RTA), referred_on=date(2025, 9, 1))
    b.session(autumn, date(2025, 10, 1))
    b.appeal(autumn.case, date(2025, 11, 1), outcome=TribunalAppeal.Outcome.UPHELD, outcome_on=date(2026, 2, 1))
    summer = b.referral(b.case(decision=Decision.CONTENT_F), referred_on=date(2026, 6, 1))
    b.session(summer, date(2026, 7, 1))
    b.appeal(b.case(decision=Decision.CONTENT_F), date(2026, 8, 31))  # no mediation, last day of the year
    b.appeal(b.case(decision=Decision.CEASE), date(2026, 9, 1))  # next academic year

    academic = selectors.sen2_figures(year=2026)["academic"]

    assert academic["label"] == "2025/26"
    assert academic["text"] == "1 of 2: 50.0%"
    assert academic["appeals_total"] == 2
    assert [(r["code"], r["count"]) for r in academic["appeals_by_decision"]] == [("RTA", 1), ("CONTENT-F", 1)]
    assert [(r["code"], r["count"]) for r in academic["appeals_by_outcome"]] == [("upheld", 1), ("", 1)]


# --- Outcomes and decisions changed --------------------------------------------------------------------------


@pytest.mark.django_db
def test_outcome_mix_counts_referrals_concluded_in_the_period_by_outcome():
    for outcome, concluded_on in [
        (O.FULL, date(2026, 1, 10)),
        (O.FULL, date(2026, 3, 31)),
        (O.PARTIAL, date(2026, 2, 1)),
        (O.NONE, date(2026, 2, 2)),
        (O.FULL, date(2025, 12, 31)),
        (O.NONE, date(2026, 4, 1)),
    ]:
        b.referral(status=S.CONCLUDED, outcome=outcome, concluded_on=concluded_on)
    b.referral(status=S.HELD)  # not concluded

    mix = selectors.outcome_mix(period=PERIOD)

    counts = {row["outcome"]: (row["count"], row["percent"]) for row in mix["rows"]}
    assert mix["total"] == 4
    assert counts[O.FULL] == (2, Decimal("50.0"))
    assert counts[O.PARTIAL] == (1, Decimal("25.0"))
    assert counts[O.NONE] == (1, Decimal("25.0"))
    assert counts[O.WITHDRAWN] == (0, Decimal("0.0"))


@pytest.mark.django_db
def test_decisions_changed_by_decision_type_counting_a_case_changed_at_both_once(officer):
    rta = b.case(decision=Decision.RTA, officer=officer)
    b.referral(rta, status=S.CONCLUDED, outcome=O.PARTIAL, concluded_on=date(2026, 1, 20))
    b.appeal(rta, date(2026, 1, 25), outcome=TribunalAppeal.Outcome.PARTLY_UPHELD, outcome_on=date(2026, 3, 1))
    b.referral(
        b.case(decision=Decision.RTA), status=S.LA_CONCEDED, outcome=O.LA_CONCEDED, concluded_on=date(2026, 2, 1)
    )
    content = b.case(decision=Decision.CONTENT_F)
    b.appeal(content, date(2026, 1, 1), outcome=TribunalAppeal.Outcome.CONCEDED, outcome_on=date(2026, 2, 1))
    # Not changed: no agreement, dismissed, or outside the period.
    b.referral(b.case(decision=Decision.CEASE), status=S.CONCLUDED, outcome=O.NONE, concluded_on=date(2026, 2, 1))
    b.appeal(
        b.case(decision=Decision.CEASE),
        date(2026, 1, 1),
        outcome=TribunalAppeal.Outcome.DISMISSED,
        outcome_on=date(2026, 2, 1),
    )
    b.referral(b.case(decision=Decision.RTR), status=S.CONCLUDED, outcome=O.FULL, concluded_on=date(2026, 4, 1))

    changed = selectors.decisions_changed(period=PERIOD)

    assert [(r["code"], r["at_mediation"], r["at_tribunal"], r["total"]) for r in changed["rows"]] == [
        ("RTA", 2, 1, 2),
        ("CONTENT-F", 0, 1, 1),
    ]
    assert (changed["at_mediation"], changed["at_tribunal"], changed["total"]) == (2, 2, 3)
    mine = selectors.decisions_changed(period=PERIOD, officer=officer)
    assert [(r["code"], r["total"]) for r in mine["rows"]] == [("RTA", 1)]


# --- Workload ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_workload_counts_open_cases_and_their_clocks_per_officer(officer, other_officer, manager, django_user_model):
    for _ in range(3):
        case = b.case(officer=officer)
    b.deadline(case, "C4", date(2026, 5, 19), OPEN)  # overdue
    b.deadline(case, "C8", date(2026, 5, 20), OPEN)  # due today: this week
    b.deadline(case, "C7", date(2026, 5, 27), OPEN)  # in 7 days: this week
    b.deadline(case, "C10", date(2026, 5, 28), OPEN)  # later
    b.deadline(case, "C2", date(2026, 5, 1), MET, date(2026, 5, 1))  # met: not open
    b.deadline(case, "C9", date(2026, 5, 2), OPEN, binds=Deadline.Binds.FAMILY)  # the family's window: not the LA's
    closed = b.case(officer=officer, status=CaseStatus.CLOSED)
    b.deadline(closed, "C10", date(2026, 5, 2), OPEN)  # on a closed case: not counted
    b.case(officer=None)
    b.deadline(b.case(officer=None), "C1", date(2026, 5, 1), OPEN)
    leaver = django_user_model.objects.create_user("lee_leaver", first_name="Lee", last_name="Leaver", is_active=False)
    b.case(officer=leaver)

    work = selectors.workload(officers=[officer, other_officer], today=TODAY)

    rows = {p["name"]: (p["open_cases"], p["overdue"], p["due_this_week"]) for p in work["officers"]}
    assert rows == {"Olivia Officer": (3, 1, 2), "Owen Other": (0, 0, 0), "Lee Leaver": (1, 0, 0)}
    assert work["unassigned"] == {"open_cases": 2, "overdue": 1, "due_this_week": 0}
    assert work["totals"] == {"open_cases": 6, "overdue": 2, "due_this_week": 2}
    assert selectors.headline(work) == work["totals"]
    assert selectors.headline(work, officer) == {"open_cases": 3, "overdue": 1, "due_this_week": 2}
    assert selectors.headline(work, manager) == {"open_cases": 0, "overdue": 0, "due_this_week": 0}


@pytest.mark.django_db
def test_mediator_over_capacity_is_flagged(mediator_user, django_user_model):
    provider = b.provider()
    busy = b.mediator(mediator_user, provider, max_active_cases=2)
    for status in (S.ASSIGNED, S.SCHEDULED, S.HELD, S.CONCLUDED, S.WITHDRAWN):
        b.referral(prov=provider, status=status, mediator=busy)
    quiet_user = django_user_model.objects.create_user("quinn", first_name="Quinn", last_name="Quiet")
    b.mediator(quiet_user, provider, max_active_cases=4)
    gone_user = django_user_model.objects.create_user("gil", first_name="Gil", last_name="Gone")
    b.mediator(gone_user, provider, active=False)

    rows = {m["name"]: m for m in selectors.mediator_workload()}

    assert set(rows) == {"Mo Mediator", "Quinn Quiet"}
    assert (rows["Mo Mediator"]["active_cases"], rows["Mo Mediator"]["over_capacity"]) == (3, True)
    assert rows["Mo Mediator"]["over_by"] == 1
    assert (rows["Quinn Quiet"]["active_cases"], rows["Quinn Quiet"]["free"]) == (0, 4)
    assert rows["Quinn Quiet"]["over_capacity"] is False


# --- Provider performance ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_provider_performance_against_hand_worked_figures():
    kent, other = b.provider("Kent Mediation"), b.provider("Other Mediation")
    # Referral 1: 2 days to respond; clock starts 5 Jan (family told the LA); first held session 15 Jan: 10 days;
    # full agreement; its certificate (C8) met on time.
    r1 = b.referral(
        prov=kent,
        referred_on=date(2026, 1, 6),
        family_told_la_on=date(2026, 1, 5),
        responded_on=date(2026, 1, 8),
        status=S.CONCLUDED,
        outcome=O.FULL,
        concluded_on=date(2026, 1, 16),
    )
    b.session(r1, date(2026, 1, 15))
    b.session(r1, date(2026, 1, 20))  # a later session does not move the first
    b.deadline(r1.case, "C8", date(2026, 1, 21), MET, date(2026, 1, 20))
    # Referral 2: 4 days to respond; the provider told the LA first (1 Feb); held 21 Feb: 20 days; no agreement;
    # certificate late.
    r2 = b.referral(
        prov=kent,
        referred_on=date(2026, 2, 2),
        family_told_la_on=date(2026, 2, 3),
        provider_told_la_on=date(2026, 2, 1),
        responded_on=date(2026, 2, 6),
        status=S.CONCLUDED,
        outcome=O.NONE,
        concluded_on=date(2026, 2, 21),
    )
    b.session(r2, date(2026, 2, 21))
    b.deadline(r2.case, "C8", date(2026, 2, 26), MET, date(2026, 3, 2))
    # Referral 3: no response yet, nothing held.
    b.referral(prov=kent, referred_on=date(2026, 3, 1))
    # Declined: counts as a referral, but its case's certificate clock is not the provider's.
    declined = b.referral(
        prov=kent,
        referred_on=date(2026, 3, 2),
        responded_on=date(2026, 3, 2),
        status=S.DECLINED,
        decline_reason=Referral.DeclineReason.NO_CAPACITY,
    )
    b.deadline(declined.case, "C2", date(2026, 3, 5), MISSED)
    # Outside the period, and another provider.
    b.referral(prov=kent, referred_on=date(2025, 12, 1), responded_on=date(2025, 12, 30))
    b.referral(prov=other, referred_on=date(2026, 1, 10), responded_on=date(2026, 1, 11))

    rows = {row["provider"]: row for row in selectors.provider_performance(period=PERIOD, today=TODAY)}

    kent_row = rows["Kent Mediation"]
    assert kent_row["referrals"] == 4
    assert (kent_row["days_to_contact"], kent_row["responded"]) == (Decimal("2.0"), 3)  # (2 + 4 + 0) / 3
    assert (kent_row["days_to_mediation"], kent_row["mediated"]) == (Decimal("15.0"), 2)  # (10 + 20) / 2
    assert kent_row["agreement_text"] == "1 of 2: 50.0%"
    assert kent_row["certificates_text"] == "1 of 2: 50.0%"
    assert rows["Other Mediation"]["days_to_contact"] == Decimal("1.0")
    assert rows["Other Mediation"]["days_to_mediation"] is None
    assert rows["Other Mediation"]["agreement_rate"] is None


# --- My work and the mediator dashboard ----------------------------------------------------------------------


@pytest.mark.django_db
def test_my_work_groups_my_open_clocks_by_urgency(officer, other_officer):
    mine = b.case(officer=officer, reference="SEND-2026-00001")
    b.deadline(mine, "C4", date(2026, 5, 19), OPEN, title="Hold the mediation")
    b.deadline(mine, "C8", date(2026, 5, 20), OPEN)
    b.deadline(mine, "C7", date(2026, 5, 27), OPEN)
    b.deadline(mine, "C10", date(2026, 5, 28), OPEN)
    b.deadline(mine, "C11", date(2026, 6, 28), OPEN)
    b.deadline(mine, "C2", date(2026, 5, 1), MET, date(2026, 5, 1))
    b.deadline(b.case(officer=other_officer), "C4", date(2026, 5, 1), OPEN)

    data = selectors.my_work(officer, today=TODAY, calendar=frozenset())

    totals = {g["key"]: g["total"] for g in data["clock_groups"]}
    assert totals == {"overdue": 1, "today": 1, "soon": 1, "later": 2}
    overdue = data["clock_groups"][0]["rows"][0]
    assert (overdue["reference"], overdue["title"], overdue["relative"]) == (
        "SEND-2026-00001",
        "Hold the mediation",
        "1 day overdue",
    )
    assert data["clock_groups"][2]["rows"][0]["relative"] == "in 5 working days"


@pytest.mark.django_db
def test_my_work_lists_only_the_first_rows_of_a_bucket_but_counts_them_all(officer):
    case = b.case(officer=officer)
    for day in range(1, 8):
        b.deadline(case, "C10", date(2026, 5, day), OPEN)

    data = selectors.my_work(officer, today=TODAY, calendar=frozenset(), limit=3)

    overdue = data["clock_groups"][0]
    assert overdue["total"] == 7
    assert [row["due_on"] for row in overdue["rows"]] == [date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)]


@pytest.mark.django_db
def test_my_work_counts_my_open_cases_by_stage_and_the_unassigned_queue(officer, other_officer):
    b.case(officer=officer, status=CaseStatus.INTAKE)
    b.case(officer=officer, status=CaseStatus.MEDIATION_ROUTE)
    b.case(officer=officer, status=CaseStatus.MEDIATION_ROUTE)
    b.case(officer=officer, status=CaseStatus.CLOSED)
    b.case(officer=other_officer)
    oldest = b.case(officer=None, reference="SEND-2026-00100")
    b.case(officer=None, reference="SEND-2026-00101")
    b.case(officer=None, status=CaseStatus.CLOSED)

    data = selectors.my_work(officer, today=TODAY, calendar=frozenset())

    assert [(s["status"], s["count"]) for s in data["stages"]] == [("intake", 1), ("mediation_route", 2)]
    assert data["open_cases"] == 3
    assert data["queue_total"] == 2
    assert [row["reference"] for row in data["queue"]] == [oldest.reference, "SEND-2026-00101"]


def test_my_work_counts_cases_from_the_open_cases_index_alone(officer):
    from django.db import connection

    from dashboards.selectors.officer import case_count_rows
    from sendportal.testing.plans import query_plan

    b.case(officer=officer, status=CaseStatus.INTAKE)
    for _ in range(30):  # most cases are closed, as in a live database
        b.case(officer=officer, status=CaseStatus.CLOSED)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    sql, params = case_count_rows(officer).query.sql_with_params()
    plan = query_plan(sql, params)
    assert "cases_case_open_officer_idx" in plan, plan
    if connection.vendor == "sqlite":  # PostgreSQL's choice on a tiny table says little about the index's columns
        assert "COVERING INDEX cases_case_open_officer_idx" in plan, plan
    assert [(row["officer"], row["status"], row["n"]) for row in case_count_rows(officer)] == [
        (officer.pk, "intake", 1)
    ]


@pytest.mark.django_db
def test_mediator_dashboard_shows_only_their_own_referrals(mediator_user, django_user_model):
    provider = b.provider()
    me = b.mediator(mediator_user, provider)
    someone = b.mediator(django_user_model.objects.create_user("sam"), provider)
    scheduled = b.referral(prov=provider, status=S.SCHEDULED, mediator=me)
    b.session(scheduled, date(2026, 5, 27), status=MediationSession.SessionStatus.PLANNED)
    b.session(scheduled, date(2026, 5, 1), status=MediationSession.SessionStatus.PLANNED)  # past
    done = b.referral(prov=provider, status=S.CONCLUDED, outcome=O.FULL, concluded_on=date(2026, 5, 18), mediator=me)
    b.deadline(done.case, "C8", date(2026, 5, 21), OPEN, title="Certificate after mediation")
    theirs = b.referral(prov=provider, status=S.SCHEDULED, mediator=someone)
    b.session(theirs, date(2026, 5, 28), status=MediationSession.SessionStatus.PLANNED)
    b.deadline(theirs.case, "C8", date(2026, 5, 21), OPEN)

    data = selectors.mediator_dashboard(mediator_user, now=b.at(TODAY, 12), today=TODAY, calendar=frozenset())

    assert [(s["status"], s["count"]) for s in data["stages"]] == [("scheduled", 1), ("concluded", 1)]
    assert data["referral_total"] == 2
    assert [s["reference"] for s in data["upcoming"]] == [scheduled.case.reference]
    assert data["upcoming_total"] == 1
    assert [(o["outcome"], o["count"]) for o in data["outcomes"]] == [("full", 1)]
    assert [(c["reference"], c["relative"]) for c in data["certificates"]] == [
        (done.case.reference, "in 1 working day")
    ]
    assert data["certificates_total"] == 1
