"""Browser journeys for the managers' team work, with an axe gate on every page visited:

1. A manager reassigns all of an officer's open cases from the dashboard's workload section, after the page
   refuses a submission with no reason, and lands on the case list showing them under the new officer.
2. A manager sets up absence cover; the colleague covering then finds the absent officer's overdue clock from
   their My work page."""

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Case, CaseEvent, Deadline
from cases.tests.factories import CaseFactory
from sendportal.testing.browser import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 6, 17))]


def test_manager_reassigns_an_officers_cases_in_one_step(
    officer, other_officer, manager, signed_in_page, assert_accessible, screenshot
):
    cases = [CaseFactory(officer=officer, child_first_name=name, child_last_name="Okafor") for name in ("Ada", "Ben")]

    page = signed_in_page(manager)
    page.goto(reverse("dashboards:management"))
    page.get_by_role("link", name="Reassign cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reassign cases")
    assert_accessible(page)

    page.get_by_label("Whose cases are moving?").select_option(label="Olivia Officer")
    page.get_by_role("button", name="Show their open cases").click()
    expect(page.get_by_label("All their open cases (2)")).to_be_checked()
    expect(page.get_by_text(f"{cases[0].reference}: Ada Okafor")).to_be_visible()
    page.get_by_label("Move them to").select_option(label="Owen Other")
    page.get_by_role("button", name="Move the cases").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter why the cases are moving.")
    assert_accessible(page)
    assert Case.objects.filter(officer=officer).count() == 2

    page.get_by_label("Why are they moving?").fill("Olivia is on long-term leave")
    page.get_by_role("button", name="Move the cases").click()
    expect(page.get_by_text("2 cases moved from Olivia Officer to Owen Other.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/cases/\?officer={other_officer.pk}$"))
    for case in cases:
        expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    screenshot(page, "team-reassigned")
    assert_accessible(page)
    assert Case.objects.filter(officer=other_officer).count() == 2
    event = CaseEvent.objects.filter(case=cases[0], kind=CaseEvent.Kind.OFFICER_ASSIGNED).get()
    assert event.description == "Assigned to Owen Other: Olivia is on long-term leave"

    page.get_by_role("link", name=cases[0].reference).click()
    expect(page.get_by_text("Assigned to Owen Other: Olivia is on long-term leave")).to_be_visible()


def test_absence_cover_takes_the_colleague_to_the_absent_officers_clocks(
    officer, other_officer, manager, signed_in_page, new_page, assert_accessible, screenshot
):
    case = CaseFactory(officer=officer)
    Deadline.objects.create(
        case=case, key="C4", clock="C4", title="Hold the mediation", due_on=date(2026, 6, 12), officer=officer
    )

    page = signed_in_page(manager)
    page.goto(reverse("dashboards:management"))
    page.get_by_role("link", name="absence cover").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Absence cover")
    expect(page.get_by_text("Nobody is covered today or later.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Who is away?").select_option(label="Olivia Officer")
    page.get_by_label("Who covers their work?").select_option(label="Owen Other")
    fill_date(page, "First day of cover", date(2026, 6, 17))
    fill_date(page, "Last day of cover", date(2026, 6, 16))
    page.get_by_label("Why?").fill("Annual leave")
    page.get_by_role("button", name="Set up cover").click()
    expect(page.get_by_role("alert")).to_contain_text("The last day of cover must be the same as or after")
    assert_accessible(page)

    fill_date(page, "Last day of cover", date(2026, 6, 26))
    page.get_by_role("button", name="Set up cover").click()
    expect(
        page.get_by_text("Owen Other covers Olivia Officer's work from 17 June 2026 to 26 June 2026.")
    ).to_be_visible()
    row = page.get_by_role("table", name="Covers in force or starting later").get_by_role(
        "row", name=re.compile("Olivia")
    )
    expect(row).to_contain_text("In force")
    screenshot(page, "team-cover")
    assert_accessible(page)

    colleague = signed_in_page(other_officer)
    colleague.goto(reverse("dashboards:my_work"))
    covering = colleague.get_by_role("region", name="Covering for colleagues")
    expect(covering).to_contain_text("1 overdue")
    assert_accessible(colleague)
    covering.get_by_role("link", name="Olivia Officer's clocks").click()
    expect(colleague.get_by_role("link", name=case.reference)).to_be_visible()
    assert_accessible(colleague)
