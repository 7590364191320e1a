from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import clock_services, views_deadlines
from cases.models import Deadline
from cases.tests.factories import CaseFactory
from sendportal.testing.plans import query_plan

pytestmark = pytest.mark.django_db
NOW = "2026-05-20 12:00:00+00:00"  # Wednesday


def with_clocks(officer, **kw):
    case = CaseFactory(officer=officer, **kw)
    clock_services.case_clocks_recompute(case=case, actor=officer)
    case.refresh_from_db()
    return case


def with_mediation_due(officer, due_on: date, **kw):
    """A case referred for mediation whose 30-day clock (C4, the LA's work) falls due on `due_on`."""
    from referrals.tests.factories import ReferralFactory

    told = due_on - timedelta(days=30)
    case = CaseFactory(officer=officer, decision_sent_on=told - timedelta(days=7), first_contact_on=told, **kw)
    ReferralFactory(case=case, family_told_la_on=told, referred_on=told)
    clock_services.case_clocks_recompute(case=case, actor=officer)
    case.refresh_from_db()
    return case


@time_machine.travel(NOW, tick=False)
def test_case_page_shows_clocks_with_rule_and_relative_label(client_for, officer):
    case = with_clocks(officer, decision_sent_on=date(2026, 3, 27))
    content = client_for(officer).get(case.get_absolute_url()).content.decode()
    assert "Statutory clocks" in content
    assert "Tribunal must receive the appeal" in content
    assert "Wed 27 May 2026" in content
    assert "in 4 working days" in content  # Thu 21, Fri 22, Tue 26 (Mon 25 is the spring bank holiday), Wed 27
    assert "HESC Rules 2008 r.20(1)(c) and r.12" in content
    assert "by 5pm" in content


@time_machine.travel(NOW, tick=False)
def test_calendar_day_clock_on_a_weekend_shows_last_working_day(client_for, officer):
    # Letter Sat 14 March 2026: C1 (2 months) ends Thu 14 May? Use Sun 15 March -> Fri 15 May... pick a weekend end:
    case = with_clocks(officer, decision_sent_on=date(2026, 3, 16), first_contact_on=date(2026, 3, 17))
    # C1 = Sat 16 May 2026, not moved: a warning names Fri 15 May.
    content = client_for(officer).get(case.get_absolute_url()).content.decode()
    assert "which is not a working day: the last working day before it is Friday 15 May 2026" in content


@time_machine.travel(NOW, tick=False)
def test_case_list_shows_and_sorts_by_next_deadline(client_for, officer):
    soon = with_mediation_due(officer, date(2026, 5, 27), child_last_name="Soonest")
    later = with_mediation_due(officer, date(2026, 6, 26), child_last_name="Laterone")
    window_only = with_clocks(officer, decision_sent_on=date(2026, 3, 27), child_last_name="Windowonly")
    content = client_for(officer).get(reverse("cases:list"), {"sort": "next_deadline"}).content.decode()
    body = content[content.index("<tbody>") :]
    assert body.index("Soonest") < body.index("Laterone") < body.index("Windowonly")
    assert "Wed 27 May 2026" in body
    assert soon.next_deadline_title == "Hold the mediation (LA-arranged)"
    assert soon.next_deadline_title in body and later.next_deadline_on.strftime("%a %-d %b %Y") in body
    # A case with only the family's windows (C1, C9) has no next deadline of the LA's (decision 12).
    assert window_only.next_deadline_on is None


@time_machine.travel(NOW, tick=False)
def test_case_list_filters_overdue_and_due_this_week(client_for, officer):
    with_mediation_due(officer, date(2026, 5, 11), child_last_name="Overdueperson")
    with_mediation_due(officer, date(2026, 5, 26), child_last_name="Weekperson")
    with_mediation_due(officer, date(2026, 6, 25), child_last_name="Laterperson")
    with_clocks(officer, decision_sent_on=date(2026, 3, 10), child_last_name="Windowperson")  # windows passed
    c = client_for(officer)
    overdue = c.get(reverse("cases:list"), {"deadline": "overdue"}).content.decode()
    assert "Overdueperson" in overdue and "Weekperson" not in overdue and "Laterperson" not in overdue
    assert "Windowperson" not in overdue  # a passed family window is not the LA's overdue work
    week = c.get(reverse("cases:list"), {"deadline": "week"}).content.decode()
    assert "Weekperson" in week and "Overdueperson" not in week and "Laterperson" not in week


@time_machine.travel(NOW, tick=False)
def test_due_this_week_is_today_to_seven_days_on_for_the_case_list_and_the_deadlines_page(client_for, officer):
    """One definition (cases.selectors.this_week): the case list's filter counts today and the 7th day on; the
    Deadlines page shows today's on their own and the rest of the week as "Due this week"."""
    with_mediation_due(officer, date(2026, 5, 20), reference="SEND-2026-00001")  # Wed 20 May: today
    with_mediation_due(officer, date(2026, 5, 27), reference="SEND-2026-00007")  # 7 days on
    with_mediation_due(officer, date(2026, 5, 28), reference="SEND-2026-00008")  # 8 days on: later
    c = client_for(officer)
    week = c.get(reverse("cases:list"), {"deadline": "week"}).content.decode()
    assert "SEND-2026-00001" in week and "SEND-2026-00007" in week and "SEND-2026-00008" not in week
    page = c.get(reverse("deadlines")).content.decode()
    groups = {key: page.split(f'id="group-{key}"')[1].split('<h2 id="group-')[0] for key in ("today", "soon", "later")}
    assert "SEND-2026-00001" in groups["today"] and "SEND-2026-00007" not in groups["today"]
    assert "SEND-2026-00007" in groups["soon"] and "SEND-2026-00001" not in groups["soon"]
    assert "SEND-2026-00008" in groups["later"] and "SEND-2026-00008" not in groups["soon"]


@time_machine.travel(NOW, tick=False)
def test_my_deadlines_groups_by_urgency_and_shows_only_my_cases(client_for, officer, other_officer):
    with_mediation_due(officer, date(2026, 5, 11), reference="SEND-2026-00001")
    with_mediation_due(officer, date(2026, 5, 20), reference="SEND-2026-00002")  # due today, Wed 20 May
    with_mediation_due(officer, date(2026, 5, 26), reference="SEND-2026-00003")
    with_mediation_due(officer, date(2026, 6, 25), reference="SEND-2026-00004")
    with_mediation_due(other_officer, date(2026, 5, 11), reference="SEND-2026-00099")
    with_clocks(officer, decision_sent_on=date(2026, 3, 10), reference="SEND-2026-00050")  # only family windows
    content = client_for(officer).get(reverse("deadlines")).content.decode()
    assert "My deadlines" in content
    sections = {
        key: content.split(f'id="group-{key}"')[1].split("</section>")[0]
        for key in ("overdue", "today", "soon", "later")
    }
    assert "SEND-2026-00001" in sections["overdue"]
    assert "SEND-2026-00002" in sections["today"]
    assert "SEND-2026-00003" in sections["soon"]
    assert "SEND-2026-00004" in sections["later"]
    assert "SEND-2026-00099" not in content
    assert "SEND-2026-00050" not in content  # decision 12: the family's windows are not the LA's deadlines


@time_machine.travel(NOW, tick=False)
def test_manager_sees_the_team_and_can_filter_by_officer(client_for, manager, officer, other_officer):
    with_mediation_due(officer, date(2026, 5, 11), reference="SEND-2026-00001")
    with_mediation_due(other_officer, date(2026, 5, 11), reference="SEND-2026-00099")
    c = client_for(manager)
    team = c.get(reverse("deadlines")).content.decode()
    assert "Team deadlines" in team and "SEND-2026-00001" in team and "SEND-2026-00099" in team
    one = c.get(reverse("deadlines"), {"officer": other_officer.pk}).content.decode()
    assert "SEND-2026-00099" in one and "SEND-2026-00001" not in one
    bad = c.get(reverse("deadlines"), {"officer": "not-a-number"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()


def test_officer_cannot_filter_to_another_officer(client_for, officer, other_officer):
    with_mediation_due(other_officer, date(2026, 5, 11), reference="SEND-2026-00099")
    content = client_for(officer).get(reverse("deadlines"), {"officer": other_officer.pk}).content.decode()
    assert "SEND-2026-00099" not in content


def test_deadlines_page_permissions(client, client_for, mediator_user):
    assert client.get(reverse("deadlines")).status_code == 302
    assert client_for(mediator_user).get(reverse("deadlines")).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_deadlines_query_count_is_constant(client_for, manager, officer, django_assert_max_num_queries):
    c = client_for(manager)
    with_mediation_due(officer, date(2026, 5, 11))
    with django_assert_max_num_queries(15) as small:
        c.get(reverse("deadlines"))
    for m in range(1, 13):
        with_mediation_due(officer, date(2026, m, 10))
    with django_assert_max_num_queries(15) as large:
        c.get(reverse("deadlines"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_waive_needs_manager_confirmation_page_and_reason(client_for, officer, manager):
    case = with_clocks(officer, decision_sent_on=date(2026, 3, 27))
    c1 = Deadline.objects.get(case=case, key="C1")
    url = reverse("cases:deadline_waive", args=[case.pk, c1.pk])
    assert client_for(officer).get(url).status_code == 403
    c = client_for(manager)
    page = c.get(url).content.decode()
    assert "Waive the clock" in page
    c1.refresh_from_db()
    assert c1.state == Deadline.State.OPEN  # GET changes nothing
    failed = c.post(url, {"reason": ""})
    assert (
        "Error:" in failed.content.decode()
        and "Why is this clock being waived? Enter an answer." in failed.content.decode()
    )
    done = c.post(url, {"reason": "Parties agreed other dates in writing"}, follow=True)
    assert "Clock waived: Contact the mediation adviser" in done.content.decode()
    c1.refresh_from_db()
    assert c1.state == Deadline.State.WAIVED


def test_waive_of_a_clock_on_another_case_is_404(client_for, officer, manager):
    case = with_clocks(officer, decision_sent_on=date(2026, 3, 27))
    other = with_clocks(officer, decision_sent_on=date(2026, 3, 27))
    c1 = Deadline.objects.get(case=other, key="C1")
    response = client_for(manager).post(reverse("cases:deadline_waive", args=[case.pk, c1.pk]), {"reason": "x"})
    assert response.status_code == 404
    c1.refresh_from_db()
    assert c1.state == Deadline.State.OPEN


def open_clock(officer, reference, due_on):
    case = CaseFactory(officer=officer, reference=reference)
    return Deadline.objects.create(
        case=case, key="C1", clock="C1", title="Contact the mediation adviser", due_on=due_on
    )


def section(content, key):
    return content.split(f'id="group-{key}"')[1].split("</section>")[0]


@time_machine.travel(NOW, tick=False)
def test_a_capped_group_states_its_full_count_and_links_to_the_rest(client_for, officer, monkeypatch):
    monkeypatch.setitem(views_deadlines.GROUP_LIMITS, "overdue", 2)
    for day in (1, 2, 3):
        open_clock(officer, f"SEND-2026-0000{day}", date(2026, 5, day))
    content = client_for(officer).get(reverse("deadlines")).content.decode()
    overdue = section(content, "overdue")
    assert "(3)" in overdue
    assert "SEND-2026-00001" in overdue and "SEND-2026-00002" in overdue and "SEND-2026-00003" not in overdue
    assert '<caption class="visually-hidden">Overdue: the first 2 of 3</caption>' in overdue
    assert "Showing the first 2 of 3." in overdue
    assert '<a href="?group=overdue">See all 3 clocks<span class="visually-hidden"> in Overdue</span></a>' in overdue
    assert "See all" not in section(content, "today") and "None." in section(content, "today")


@time_machine.travel(NOW, tick=False)
def test_one_group_in_full_a_page_at_a_time(client_for, officer, other_officer, monkeypatch):
    monkeypatch.setattr(views_deadlines, "GROUP_PAGE_SIZE", 2)
    for day in (1, 2, 3):
        open_clock(officer, f"SEND-2026-0000{day}", date(2026, 5, day))
    open_clock(officer, "SEND-2026-00010", date(2026, 5, 20))
    open_clock(other_officer, "SEND-2026-00099", date(2026, 5, 1))
    c = client_for(officer)
    first = c.get(reverse("deadlines"), {"group": "overdue"}).content.decode()
    assert 'id="group-overdue"' in first and 'id="group-today"' not in first and "SEND-2026-00010" not in first
    assert 'Overdue <span class="text-body-secondary">(3)</span>' in first
    assert "SEND-2026-00001" in first and "SEND-2026-00002" in first and "SEND-2026-00003" not in first
    assert "SEND-2026-00099" not in first  # still only the officer's own cases
    assert "Page 1 of 2" in first and 'href="?group=overdue&amp;page=2"' in first
    assert '<a href="?">Back to all deadlines</a>' in first
    second = c.get(reverse("deadlines"), {"group": "overdue", "page": 2}).content.decode()
    assert "SEND-2026-00003" in second and "SEND-2026-00001" not in second and "Page 2 of 2" in second
    unknown = c.get(reverse("deadlines"), {"group": "nonsense"}).content.decode()
    assert all(f'id="group-{key}"' in unknown for key in ("overdue", "today", "soon", "later"))


@time_machine.travel(NOW, tick=False)
def test_a_group_in_full_keeps_the_managers_officer_filter(client_for, manager, officer, other_officer, monkeypatch):
    monkeypatch.setitem(views_deadlines.GROUP_LIMITS, "overdue", 1)
    open_clock(officer, "SEND-2026-00001", date(2026, 5, 1))
    open_clock(other_officer, "SEND-2026-00098", date(2026, 5, 1))
    open_clock(other_officer, "SEND-2026-00099", date(2026, 5, 2))
    c = client_for(manager)
    overview = c.get(reverse("deadlines"), {"officer": other_officer.pk}).content.decode()
    more = f"?officer={other_officer.pk}&amp;group=overdue"
    assert f'<a href="{more}">See all 2 clocks' in overview
    full = c.get(reverse("deadlines"), {"officer": other_officer.pk, "group": "overdue"}).content.decode()
    assert "SEND-2026-00098" in full and "SEND-2026-00099" in full and "SEND-2026-00001" not in full
    assert '<input type="hidden" name="group" value="overdue">' in full  # changing the officer keeps the group
    assert f'<a href="?officer={other_officer.pk}">Back to all deadlines</a>' in full
    assert "Owen Other" in full  # the officer column


@time_machine.travel(NOW, tick=False)
def test_a_group_in_full_has_a_constant_query_count(client_for, manager, officer, django_assert_max_num_queries):
    c = client_for(manager)
    open_clock(officer, "SEND-2026-00001", date(2026, 5, 1))
    with django_assert_max_num_queries(15) as small:
        c.get(reverse("deadlines"), {"group": "overdue"})
    for n in range(2, 40):
        open_clock(officer, f"SEND-2026-{n:05d}", date(2026, 5, 1 + n % 18))
    with django_assert_max_num_queries(15) as large:
        response = c.get(reverse("deadlines"), {"group": "overdue"})
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "SEND-2026-00039" in response.content.decode()


# --- The clock selectors: counts and rows agree, for every scope ---------------------------------------------


def _clock_set(officer, other_officer):
    """Open clocks either side of each group boundary (today is Wed 20 May 2026; 'this week' ends Wed 27 May),
    plus clocks that must never be counted: met ones, and those on a closed case."""
    days = {
        "overdue": [date(2026, 5, 1), date(2026, 5, 19)],
        "today": [date(2026, 5, 20)],
        "soon": [date(2026, 5, 21), date(2026, 5, 27)],
        "later": [date(2026, 5, 28), date(2026, 9, 1)],
    }
    n = 0
    for dates in days.values():
        for due_on in dates:
            n += 1
            open_clock(officer, f"SEND-2026-{n:05d}", due_on)
    open_clock(other_officer, "SEND-2026-00090", date(2026, 5, 2))
    open_clock(other_officer, "SEND-2026-00091", date(2026, 5, 20))
    met = open_clock(officer, "SEND-2026-00080", date(2026, 5, 3))
    Deadline.objects.filter(pk=met.pk).update(state=Deadline.State.MET, met_on=date(2026, 5, 2))
    closed = open_clock(officer, "SEND-2026-00081", date(2026, 5, 4))
    closed.case.status = "closed"
    closed.case.save(update_fields=["status"])
    closed.state = Deadline.State.MISSED
    closed.save(update_fields=["state"])
    return days


@time_machine.travel(NOW, tick=False)
def test_clock_totals_and_rows_agree_for_an_officer_the_team_and_one_officer(
    officer, other_officer, manager, mediator_user
):
    from cases import selectors

    _clock_set(officer, other_officer)
    today = date(2026, 5, 20)
    expected = {
        (officer, None): {"overdue": 2, "today": 1, "soon": 2, "later": 2},  # an officer sees only their own
        (officer, other_officer): {"overdue": 2, "today": 1, "soon": 2, "later": 2},  # and cannot ask for others'
        (manager, None): {"overdue": 3, "today": 2, "soon": 2, "later": 2},  # the team
        (manager, other_officer): {"overdue": 1, "today": 1, "soon": 0, "later": 0},
        (mediator_user, None): {"overdue": 0, "today": 0, "soon": 0, "later": 0},
    }
    for (user, asked_for), totals in expected.items():
        assert selectors.open_deadline_totals(user, officer=asked_for, today=today) == totals, (user, asked_for)
        listed = selectors.open_deadlines_for(user, officer=asked_for)
        for key, count in totals.items():
            rows = list(selectors.open_deadline_group(listed, key, today=today))
            assert len(rows) == count, (user, asked_for, key)
            assert [row.due_on for row in rows] == sorted(row.due_on for row in rows)
            assert all(row.state == Deadline.State.OPEN and row.case.status != "closed" for row in rows)


@time_machine.travel(NOW, tick=False)
def test_one_officers_clocks_are_counted_and_listed_from_their_own_index(officer):
    """An officer's clocks must not be found by going through every case they hold: both the counts and a
    group's first rows come from the (officer, state, due_on) index on the clocks."""
    from cases import selectors

    open_clock(officer, "SEND-2026-00001", date(2026, 5, 1))
    # The LA's other open clocks, held by another officer: with a realistic spread, an index over all the LA's
    # open clocks (the dashboard's) is no way to find one officer's, and the planner must see that.
    others = CaseFactory(reference="SEND-2026-00002")
    Deadline.objects.bulk_create(
        Deadline(case=others, officer=others.officer, key=f"C9:{n}", clock="C9", title="Other", due_on=date(2026, 5, 2))
        for n in range(300)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_deadline")
    today = date(2026, 5, 20)
    rows = selectors.open_deadline_group(selectors.open_deadlines_for(officer), "overdue", today=today)
    with CaptureQueriesContext(connection) as counted:
        assert selectors.open_deadline_totals(officer, today=today)["overdue"] == 1
    for sql, params in (rows[:25].query.sql_with_params(), (counted.captured_queries[0]["sql"], ())):
        plan = query_plan(sql, params)
        assert "cases_deadline_officer_idx" in plan, plan
