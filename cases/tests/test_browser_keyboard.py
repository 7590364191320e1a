"""Browser journey: an officer takes a case in by keyboard alone (Tab, typing, Enter; no mouse), typing every date
in the date component's Day, Month and Year boxes, gets a date wrong, follows the error summary to the box in
error and puts it right. Axe runs on every page."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Case
from sendportal.testing.browser import date_group

pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 3, 11))]

# Tab presses allowed from one field to the next one wanted (the intake form has about sixty stops).
MAX_TABS = 100


def focused_id(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def tab_to(page, element_id: str) -> None:
    """Press Tab until the element with `element_id` has the focus (failing if it never comes)."""
    for _ in range(MAX_TABS):
        if focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    assert focused_id(page) == element_id, f"Tab never reached #{element_id} (stopped at #{focused_id(page)})"


def type_into(page, element_id: str, text: str) -> None:
    tab_to(page, element_id)
    page.keyboard.type(text)


def type_date(page, name: str, day: str, month: str, year: str) -> None:
    """The three boxes are three tab stops in a row: Day, then Month, then Year."""
    type_into(page, f"id_{name}_day", day)
    page.keyboard.press("Tab")
    assert focused_id(page) == f"id_{name}_month"
    page.keyboard.type(month)
    page.keyboard.press("Tab")
    assert focused_id(page) == f"id_{name}_year"
    page.keyboard.type(year)


def choose(page, element_id: str, label: str) -> None:
    """A select box chosen by typing the start of its option's text (the browser's type-ahead)."""
    tab_to(page, element_id)
    page.keyboard.type(label)
    expect(page.locator(f"#{element_id} option:checked")).to_have_text(label)


def test_officer_takes_in_a_case_by_keyboard_alone_typing_dates_in_the_boxes(
    officer, signed_in_page, assert_accessible, screenshot, today
):
    decision_sent_on = today - timedelta(days=20)
    page = signed_in_page(officer)
    page.goto(reverse("cases:create"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Take in a new case")
    assert_accessible(page)

    # The skip link, then into the form.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    type_into(page, "id_child_first_name", "Amara")
    type_into(page, "id_child_last_name", "Okafor-Browne")
    type_date(page, "child_date_of_birth", "14", "", "2015")  # the month forgotten
    choose(page, "id_party_type", "Parent or carer")
    type_into(page, "id_party_name", "Grace Okafor-Browne")
    choose(page, "id_route", "Statutory mediation")
    choose(page, "id_decision", "Refusal to carry out an EHC needs assessment")
    type_date(page, "decision_sent_on", str(decision_sent_on.day), f"{decision_sent_on.month:02d}", "2026")
    type_date(page, "first_contact_on", f" {decision_sent_on.day + 2}", str(decision_sent_on.month), "2026 ")
    choose(page, "id_first_contact_channel", "Phone")
    tab_to(page, "save-case")
    page.keyboard.press("Enter")

    # The error summary has the focus and names the missing part; its link goes to the Month box.
    expect(page).to_have_title(re.compile(r"^Error: Take in a new case"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Date of birth must include a month.", exact=True)
    expect(link).to_have_attribute("href", "#id_child_date_of_birth_month")
    birth = date_group(page, "Date of birth")
    expect(birth).to_have_accessible_description(re.compile("Date of birth must include a month"))
    expect(birth.get_by_label("Month", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(birth.get_by_label("Day", exact=True)).not_to_have_attribute("aria-invalid", "true")
    expect(birth.get_by_label("Day", exact=True)).to_have_value("14")  # what was typed stays
    assert not Case.objects.exists()
    screenshot(page, "keyboard-intake-errors")
    assert_accessible(page)

    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    assert focused_id(page) == "id_child_date_of_birth_month"
    page.keyboard.type("3")
    tab_to(page, "save-case")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Case SEND-\d{4}-\d{5} opened"))
    case = Case.objects.get()
    assert (case.child_date_of_birth, case.decision_sent_on, case.first_contact_on) == (
        date(2015, 3, 14),
        decision_sent_on,
        decision_sent_on + timedelta(days=2),
    )
    screenshot(page, "keyboard-intake-saved")
    assert_accessible(page)
