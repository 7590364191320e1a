"""Dashboard pages: who may see them, what they show, bad input, and a query count that does not grow."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from cases.models import Deadline, Decision
from dashboards import figures
from dashboards.tests import builders as b
from referrals.models import MediationSession, Referral, TribunalAppeal

pytestmark = pytest.mark.django_db
NOW = "2026-05-20 12:00:00+00:00"  # Wednesday 20 May 2026
MET, OPEN = Deadline.State.MET, Deadline.State.OPEN
S, O = Referral.Status, Referral.Outcome  # noqa: E741 - short names for tables of data

PAGES = ["dashboards:my_work", "dashboards:management", "dashboards:mediator"]
EXPORTS = ["dashboards:export_cases", "dashboards:export_sen2"]


# --- Who may see what ------------------------------------------------------------------------------------------

MATRIX = {
    # url name: (officer, manager, mediator)
    "dashboards:my_work": (200, 200, 403),
    "dashboards:management": (403, 200, 403),
    "dashboards:mediator": (403, 403, 200),
    "dashboards:export_cases": (403, 200, 403),
    "dashboards:export_sen2": (403, 200, 403),
}


@pytest.mark.parametrize("name", list(MATRIX))
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("role", ["officer", "manager", "mediator_user"])
def test_permission_matrix(client_for, request, name, role):
    user = request.getfixturevalue(role)
    if role == "mediator_user":
        b.mediator(user, b.provider())
    expected = MATRIX[name][["officer", "manager", "mediator_user"].index(role)]
    assert client_for(user).get(reverse(name)).status_code == expected


def test_home_sends_officers_to_my_work_and_mediators_to_their_dashboard(client_for, officer, manager, mediator_user):
    assert client_for(officer).get(reverse("home"))["Location"] == reverse("dashboards:my_work")
    assert client_for(manager).get(reverse("home"))["Location"] == reverse("dashboards:my_work")
    assert client_for(mediator_user).get(reverse("home"))["Location"] == reverse("dashboards:mediator")


def test_navigation_shows_each_role_its_dashboards(client_for, officer, manager, mediator_user):
    officer_nav = client_for(officer).get(reverse("dashboards:my_work")).content.decode()
    assert 'href="/my-work/"' in officer_nav and 'aria-current="page"' in officer_nav
    assert 'href="/dashboard/"' not in officer_nav and 'href="/mediator/"' not in officer_nav
    manager_nav = client_for(manager).get(reverse("dashboards:management")).content.decode()
    assert ">Dashboard</a>" in manager_nav and ">My work</a>" in manager_nav
    b.mediator(mediator_user, b.provider())
    mediator_nav = client_for(mediator_user).get(reverse("dashboards:mediator")).content.decode()
    assert ">My dashboard</a>" in mediator_nav and 'href="/my-work/"' not in mediator_nav


def test_case_list_offers_export_with_the_current_query_to_managers_only(client_for, officer, manager):
    b.case(officer=officer)
    query = {"status": "intake", "officer": "mine", "sort": "reference"}
    page = client_for(manager).get(reverse("cases:list"), query).content.decode()
    assert 'href="/exports/cases.csv?status=intake&amp;officer=mine&amp;sort=reference"' in page
    assert "Export CSV" not in client_for(officer).get(reverse("cases:list"), query).content.decode()


# --- What the pages show ----------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_my_work_shows_my_clocks_with_reference_what_is_due_and_relative_date(client_for, officer):
    case = b.case(officer=officer, reference="SEND-2026-00007")
    b.deadline(case, "C8", date(2026, 5, 18), OPEN, title="Certificate after mediation")
    b.case(officer=None, reference="SEND-2026-00099")

    content = client_for(officer).get(reverse("dashboards:my_work")).content.decode()

    overdue = content.split('id="group-overdue"')[1].split("</section>")[0]
    assert "SEND-2026-00007" in overdue and "Certificate after mediation" in overdue
    assert "2 days overdue" in overdue and "Mon 18 May 2026" in overdue
    assert "SEND-2026-00099" in content.split('id="queue-heading"')[1]
    assert "How these figures are worked out" in content


@time_machine.travel(NOW, tick=False)
def test_my_work_lists_the_first_clocks_of_a_long_group_and_links_to_the_whole_group(client_for, officer):
    for n in range(12):
        case = b.case(officer=officer, reference=f"SEND-2026-{n + 1:05d}")
        b.deadline(case, "C8", date(2026, 5, 1) + timedelta(days=n), OPEN, title="Certificate after mediation")

    content = client_for(officer).get(reverse("dashboards:my_work")).content.decode()

    overdue = content.split('id="group-overdue"')[1].split("</section>")[0]
    assert "(12)" in overdue
    assert "SEND-2026-00001" in overdue and "SEND-2026-00010" in overdue  # the ten due first
    assert "SEND-2026-00011" not in overdue and "SEND-2026-00012" not in overdue
    assert "Showing the first 10 of 12." in overdue
    assert (
        f'<a href="{reverse("deadlines")}?group=overdue">See all 12 clocks'
        '<span class="visually-hidden"> overdue</span></a>'
    ) in overdue


@time_machine.travel(NOW, tick=False)
def test_management_dashboard_shows_known_figures_with_charts_tables_and_summaries(client_for, manager, officer):
    case = b.case(officer=officer)
    for due, met in [
        (date(2026, 2, 3), date(2026, 2, 2)),
        (date(2026, 2, 4), date(2026, 2, 4)),
        (date(2026, 3, 5), date(2026, 3, 1)),
        (date(2026, 3, 9), date(2026, 3, 12)),
    ]:
        b.deadline(case, "C8", due, MET, met)
    for i in range(3):
        ref = b.referral(
            referred_on=date(2026, 1, 5), status=S.CONCLUDED, outcome=O.FULL, concluded_on=date(2026, 2, 1)
        )
        b.session(ref, date(2026, 1, 20 + i))
        if i == 0:
            b.appeal(ref.case, date(2026, 3, 1))

    response = client_for(manager).get(
        reverse("dashboards:management"), {"date_from": "2026-01-01", "date_to": "2026-03-31", "year": "2026"}
    )
    content = response.content.decode()

    assert response.status_code == 200
    assert "Figures for <strong>1 Jan 2026 to 31 Mar 2026</strong>" in content
    assert "3 of 4: 75.0%" in content or "75.0% on time (3 of 4)" in content
    assert "1 of 3: 33.3%" in content  # SEN2 4864
    assert content.count('role="img"') >= 7  # compliance, 4 trends, outcomes, workload
    assert content.count("<caption") >= content.count('role="img"')  # every chart has a data table
    assert content.count('class="chart-summary"') >= content.count('role="img"')  # and a text summary
    assert 'scope="col"' in content and 'scope="row"' in content
    assert "How these figures are worked out" in content
    assert " style=" not in content  # the CSP forbids inline styles


@time_machine.travel(NOW, tick=False)
def test_management_dashboard_opens_with_a_contents_list_of_its_sections(client_for, manager):
    import re

    content = client_for(manager).get(reverse("dashboards:management")).content.decode()
    contents = content.split('id="contents-heading"')[1].split("</nav>")[0]
    targets = re.findall(r'href="#([a-z0-9-]+)"', contents)
    assert len(targets) == 7
    sections = re.findall(r'<section aria-labelledby="([a-z0-9-]+)"', content)
    assert [t for t in sections if t in targets] == targets  # every entry is a section, in page order
    assert len(set(targets)) == len(targets)


@time_machine.travel(NOW, tick=False)
def test_management_dashboard_for_one_officer_limits_the_case_figures(client_for, manager, officer, other_officer):
    b.case(officer=officer)
    b.case(officer=other_officer)
    b.case(officer=other_officer)

    content = client_for(manager).get(reverse("dashboards:management"), {"officer": officer.pk}).content.decode()

    assert "cases of <strong>Olivia Officer</strong>" in content
    numbers = content.split('id="headline-heading"')[1].split("</section>")[0]
    assert '<span class="number d-block">1</span> <span class="label">open cases</span>' in numbers


@time_machine.travel(NOW, tick=False)
def test_mediator_dashboard_shows_sessions_and_certificates_due(client_for, mediator_user):
    me = b.mediator(mediator_user, b.provider())
    ref = b.referral(status=S.SCHEDULED, mediator=me)
    b.session(ref, date(2026, 5, 27), status=MediationSession.SessionStatus.PLANNED, venue="Civic Centre")
    b.deadline(ref.case, "C8", date(2026, 5, 22), OPEN, title="Certificate after mediation")

    content = client_for(mediator_user).get(reverse("dashboards:mediator")).content.decode()

    assert "Wed 27 May 2026 at 10:00" in content and "Civic Centre" in content
    assert "<strong>Summary:</strong> 1 referral. Session arranged: 1." in content  # one referral, not "1 referrals"
    assert "Certificate after mediation" in content and "in 2 working days" in content
    assert 'href="/cases/' not in content  # a mediator cannot open the LA's case pages


# --- Bad input: a clear message, never a 500 --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"date_from": "2026-03-01", "date_to": "2026-02-01"},
            "The end date must be the same as or after the start date.",
        ),
        ({"date_from": "2026-02-30"}, "Enter the start date as a real date, for example 2026-01-31."),
        ({"date_to": "yesterday"}, "Enter the end date as a real date, for example 2026-03-31."),
        ({"officer": "999999"}, "Choose an officer from the list."),
        ({"officer": "<script>"}, "Choose an officer from the list."),
        ({"year": "1999"}, "Choose a year from 2014 to 2026."),
        ({"year": "twenty"}, "Choose a year from 2014 to 2026."),
        ({"date_from": "2015-01-01", "date_to": "2026-01-01"}, "Choose a period of 5 years or less."),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_bad_input_gives_a_clear_message(client_for, manager, query, message):
    response = client_for(manager).get(reverse("dashboards:management"), query)
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert "<title>Error: Management dashboard" in content
    assert "There is a problem" in content
    assert "Fix the problem above to see the figures." in content


def test_a_mediator_who_is_not_an_officer_cannot_be_chosen(client_for, manager, mediator_user):
    response = client_for(manager).get(reverse("dashboards:management"), {"officer": mediator_user.pk})
    assert "Choose an officer from the list." in response.content.decode()


# --- Query counts -----------------------------------------------------------------------------------------------


def _populate(n, *, officer, mediator):
    """n cases with clocks, referrals, sessions, appeals: every figure on every page has rows to count."""
    provider = mediator.provider
    for i in range(n):
        case = b.case(officer=officer if i % 3 else None, decision=[Decision.RTA, Decision.CONTENT_F][i % 2])
        day = date(2026, 1, 1) + timedelta(days=i % 120)
        b.deadline(case, "C8", day, MET, day)
        b.deadline(case, "C4", day + timedelta(days=30), OPEN)
        b.deadline(case, "C7", date(2026, 5, 20) + timedelta(days=i % 10), OPEN)
        ref = b.referral(
            case,
            provider,
            referred_on=day,
            responded_on=day + timedelta(days=2),
            mediator=mediator,
            status=S.CONCLUDED,
            outcome=[O.FULL, O.NONE][i % 2],
            concluded_on=day + timedelta(days=20),
        )
        b.session(ref, day + timedelta(days=10))
        b.session(ref, date(2026, 6, 1) + timedelta(days=i % 30), status=MediationSession.SessionStatus.PLANNED)
        if i % 4 == 0:
            b.appeal(
                case,
                day + timedelta(days=40),
                outcome=TribunalAppeal.Outcome.UPHELD,
                outcome_on=day + timedelta(days=60),
            )


@pytest.mark.parametrize(
    ("name", "user"),
    [("dashboards:my_work", "officer"), ("dashboards:management", "manager"), ("dashboards:mediator", "mediator_user")],
)
@time_machine.travel(NOW, tick=False)
def test_query_count_is_constant_as_rows_grow_and_at_most_15(
    client_for, request, officer, mediator_user, django_assert_max_num_queries, name, user
):
    mediator = b.mediator(mediator_user, b.provider())
    c = client_for(request.getfixturevalue(user))
    _populate(5, officer=officer, mediator=mediator)
    figures.forget_all()  # each count is the management figures' worst: worked out and kept for the first time
    with django_assert_max_num_queries(15) as small:
        assert c.get(reverse(name)).status_code == 200
    _populate(45, officer=officer, mediator=mediator)
    figures.forget_all()
    with django_assert_max_num_queries(15) as large:
        assert c.get(reverse(name)).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


@time_machine.travel(NOW, tick=False)
def test_management_query_count_is_the_same_for_one_officer(
    client_for, manager, officer, mediator_user, django_assert_max_num_queries
):
    _populate(10, officer=officer, mediator=b.mediator(mediator_user, b.provider()))
    c = client_for(manager)
    with django_assert_max_num_queries(15):
        response = c.get(reverse("dashboards:management"), {"officer": officer.pk})
    assert response.status_code == 200


def _open_cases(page: str) -> str:
    return re.search(r"All open cases</th><td class=\"text-end\">([\d,]+)</td>", page).group(1)


def test_management_figures_are_kept_for_five_minutes_and_say_when_worked_out(client_for, manager, officer, settings):
    import time_machine
    from django.urls import reverse

    settings.DASHBOARD_FIGURES_SECONDS = 300
    b.case(officer=officer)
    c = client_for(manager)
    with time_machine.travel("2026-11-20 10:00:00+00:00", tick=False):
        first = c.get(reverse("dashboards:management")).content.decode()
    b.case(officer=officer)  # a second open case, after the figures were worked out
    with time_machine.travel("2026-11-20 10:04:00+00:00", tick=False):
        again = c.get(reverse("dashboards:management")).content.decode()
    assert "Figures worked out at 10:00 on Fri 20 Nov 2026" in first
    assert "Figures worked out at 10:00" in again
    assert _open_cases(first) == _open_cases(again) == "1"
    with time_machine.travel("2026-11-20 10:06:00+00:00", tick=False):
        later = c.get(reverse("dashboards:management")).content.decode()
    assert "Figures worked out at 10:06" in later
    assert _open_cases(later) == "2"
