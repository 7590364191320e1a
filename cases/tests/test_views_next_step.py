"""The next step on the pages (issue 13 item 1): a column on the case list with a "whose move" filter, a panel on
the case page and "My move" on My work, each read from the fields stored on the case with a fixed number of
queries."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cases import clock_services
from cases.models import Decision, NextStepBy, Route, Status
from cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

NOW = "2026-04-20 12:00:00+01:00"  # E1's decision letter was sent on Fri 27 Mar 2026


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def make(officer=None, **fields):
    """A case with its clocks and next step worked out and stored, as the services leave them."""
    values = {
        "decision": Decision.RTA,
        "decision_sent_on": date(2026, 3, 27),
        "first_contact_on": date(2026, 4, 1),
        "route": Route.MEDIATION,
        "status": Status.TRIAGED,
        "officer": officer,
    }
    case = CaseFactory(**{**values, **fields})
    clock_services.case_clocks_recompute(case=case, actor=None)
    case.refresh_from_db()
    return case


def rows_of(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return re.findall(r"<tr>.*?</tr>", body, re.S)


def test_the_case_list_shows_each_cases_next_step_who_and_by_when(client_for, officer):
    family = make(officer)  # E1: the family has until Wed 27 May 2026 to contact the adviser
    queue = make(None)
    page = client_for(officer).get(reverse("cases:list")).content.decode()
    assert '<a href="?sort=next_step">Next step</a>' in page
    (row_queue, row_family) = rows_of(page)  # newest first
    assert queue.reference in row_queue and "<strong>The LA:</strong> Assign an officer to the case" in row_queue
    assert family.reference in row_family
    assert "<strong>The family:</strong> Contact the mediation adviser" in row_family
    assert "by <strong>Wed 27 May 2026</strong>" in row_family
    assert "their window closes" in row_family and "tag-neutral" in row_family  # information, not overdue work


def test_my_move_lists_only_my_cases_where_the_next_step_is_the_las(client_for, officer, other_officer):
    mine = make(officer, decision=Decision.HSC, decision_sent_on=None, sections_disputed=["G"], health_involved=True)
    waiting = make(officer)  # the family's move
    theirs = make(other_officer, decision=Decision.HSC, decision_sent_on=None, health_involved=True)
    assert (mine.next_step, mine.next_step_by) == ("Refer the case to a mediation provider", NextStepBy.LA)
    assert theirs.next_step_by == NextStepBy.LA and waiting.next_step_by == NextStepBy.FAMILY
    client = client_for(officer)

    page = client.get(reverse("cases:list"), {"move": "mine"}).content.decode()
    assert [mine.reference in row for row in rows_of(page)] == [True]
    assert "Whose move is it: Mine: the LA&#x27;s move on my cases" in page  # the removable filter tag

    page = client.get(reverse("cases:list"), {"move": "la", "sort": "next_step"}).content.decode()
    assert sorted(r for case in (mine, theirs) for r in [case.reference] if case.reference in page) == sorted(
        [mine.reference, theirs.reference]
    )
    assert waiting.reference not in page

    page = client.get(reverse("cases:list"), {"move": "family"}).content.decode()
    assert waiting.reference in page and mine.reference not in page


def test_an_unknown_move_is_refused_with_a_message_and_no_rows(client_for, officer):
    make(officer)
    response = client_for(officer).get(reverse("cases:list"), {"move": "everyone"})
    page = response.content.decode()
    assert "<title>Error: Cases" in page
    assert "Select a valid choice. everyone is not one of the available choices." in page
    assert "No cases match." in page


def test_the_case_list_keeps_its_query_count_with_the_move_filter_as_cases_grow(
    client_for, officer, django_assert_max_num_queries
):
    client = client_for(officer)
    for _ in range(3):
        make(officer, decision=Decision.HSC, decision_sent_on=None)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("cases:list"), {"move": "mine", "sort": "next_step"})
    for _ in range(30):
        make(officer, decision=Decision.HSC, decision_sent_on=None)
    with django_assert_max_num_queries(12) as large:
        page = client.get(reverse("cases:list"), {"move": "mine", "sort": "next_step"}).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "Cases <span" in page and "(33)" in page


def test_the_case_page_shows_the_next_step(client_for, officer):
    case = make(officer)
    page = client_for(officer).get(case.get_absolute_url()).content.decode()
    section = page[page.index('aria-labelledby="next-step-heading"') :]
    section = section[: section.index("</section>")]
    assert '<h2 id="next-step-heading" class="h4">Next step</h2>' in section
    assert "<strong>The family:</strong> Contact the mediation adviser (2 months from the decision letter)" in section
    assert "Wed 27 May 2026" in section


def test_a_closed_case_has_no_next_step_panel(client_for, officer):
    case = make(officer, status=Status.CLOSED, closed_on=date(2026, 4, 10))
    assert case.next_step == ""
    page = client_for(officer).get(case.get_absolute_url()).content.decode()
    assert "next-step-heading" not in page


def test_my_work_lists_my_move_first_and_what_waits_on_others(client_for, officer, other_officer):
    mine = make(officer, decision=Decision.HSC, decision_sent_on=None, health_involved=True)
    make(officer)  # the family's move
    make(other_officer, decision=Decision.HSC, decision_sent_on=None)
    page = client_for(officer).get(reverse("dashboards:my_work")).content.decode()
    section = page[page.index('id="move-heading"') :]
    section = section[: section.index("</section>")]
    assert "My move" in section and "(1 case)" in section
    assert mine.reference in section and "Refer the case to a mediation provider" in section
    assert "?move=mine&amp;sort=next_step" in section
    assert "The family: 1 case" in section
    assert "?officer=mine&amp;move=family&amp;sort=next_step" in section
