"""Browser journey for the clock engine (issue 3): correcting a decision letter date visibly moves the appeal
deadline, on the case page and on the timeline."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases import clock_services, deadlines
from cases.models import Deadline, Decision, Status
from cases.tests.factories import CaseFactory
from sendportal.testing.browser import fill_date

# Each journey runs on a fixed day (the live server too), so it passes whatever the real date.
pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 6, 17))]


def long_day(day):
    return f"{day:%a} {day.day} {day:%b %Y}"


def test_correcting_the_decision_date_moves_the_appeal_deadline(
    officer, signed_in_page, assert_accessible, screenshot, today
):
    first_date = today - timedelta(days=40)
    corrected = today - timedelta(days=33)
    case = CaseFactory(
        officer=officer,
        decision=Decision.RTA,
        decision_sent_on=first_date,
        first_contact_on=today - timedelta(days=5),
        status=Status.INTAKE,
    )
    clock_services.case_clocks_recompute(case=case, actor=officer)
    calendar = clock_services.working_calendar()
    old_due = deadlines.appeal_deadline(first_date, holidays=calendar)
    new_due = deadlines.appeal_deadline(corrected, holidays=calendar)
    assert old_due != new_due

    page = signed_in_page(officer)
    page.goto(reverse("cases:detail", args=[case.pk]))
    clocks = page.get_by_role("region", name="Statutory clocks")
    appeal_row = clocks.get_by_role("row").filter(has_text="Tribunal must receive the appeal")
    expect(appeal_row).to_contain_text(long_day(old_due))
    expect(appeal_row).to_contain_text("by 5pm")
    screenshot(page, "clocks-before")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Edit details")).click()
    fill_date(page, "Date the decision letter was sent", corrected)
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("status")).to_contain_text(f"Case {case.reference} updated")
    appeal_row = (
        page.get_by_role("region", name="Statutory clocks")
        .get_by_role("row")
        .filter(has_text="Tribunal must receive the appeal")
    )
    expect(appeal_row).to_contain_text(long_day(new_due))
    expect(appeal_row).not_to_contain_text(long_day(old_due))
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text(
        f"Tribunal must receive the appeal: moved from {long_day(old_due)} to {long_day(new_due)} "
        "(decision letter date corrected)"
    )
    screenshot(page, "clocks-after")
    assert_accessible(page)


def test_officer_sees_the_first_overdue_clocks_and_opens_the_whole_group(
    officer, signed_in_page, assert_accessible, screenshot, monkeypatch, today
):
    from cases import views_deadlines

    monkeypatch.setitem(views_deadlines.GROUP_LIMITS, "overdue", 2)
    cases = []
    for n in range(3):
        case = CaseFactory(officer=officer, status=Status.INTAKE)
        Deadline.objects.create(
            case=case, key="C1", clock="C1", title="Contact the mediation adviser", due_on=today - timedelta(days=3 - n)
        )
        cases.append(case)
    oldest = cases[-1]  # the clock due most recently comes last

    page = signed_in_page(officer)
    page.goto(reverse("deadlines"))
    overdue = page.get_by_role("region", name=re.compile("^Overdue"))
    expect(overdue).to_contain_text("Showing the first 2 of 3.")
    expect(overdue.get_by_role("row")).to_have_count(3)  # the header and two clocks
    expect(overdue).not_to_contain_text(oldest.reference)
    screenshot(page, "deadlines-overview")
    assert_accessible(page)

    overdue.get_by_role("link", name="See all 3 clocks in Overdue").click()
    expect(page).to_have_title(re.compile("^Overdue: Deadlines"))
    expect(page.get_by_role("region", name=re.compile("^Overdue"))).to_contain_text(oldest.reference)
    expect(page.get_by_role("region", name=re.compile("^Due today"))).to_have_count(0)
    screenshot(page, "deadlines-one-group")
    assert_accessible(page)
    page.get_by_role("link", name="Back to all deadlines").click()
    expect(page.get_by_role("region", name=re.compile("^Later"))).to_be_visible()
