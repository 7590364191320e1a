"""Browser journeys for case intake (issue 2): a real chromium against the live server, with an axe gate on
every page visited. Run only these with `pytest -m browser`."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Case, Status
from cases.tests.factories import CaseFactory
from sendportal.testing.browser import date_group, fill_date

# Each journey runs on a fixed day (the live server too), so it passes whatever the real date.
pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 3, 11))]

CHILD_FIRST, CHILD_LAST = "Amara", "Okafor-Browne"


def test_sign_in_page_is_accessible_and_a_wrong_password_is_explained(officer, new_page, assert_accessible, screenshot):
    page = new_page()
    page.goto(reverse("cases:list"))
    expect(page).to_have_title(re.compile(r"^Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    screenshot(page, "sign-in")
    assert_accessible(page)
    # Keyboard users can skip the navigation: the first Tab reaches the skip link.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    screenshot(page, "sign-in-error")
    assert_accessible(page)


def test_officer_takes_in_a_case_corrects_mistakes_and_finds_it_again(
    officer, signed_in_page, assert_accessible, screenshot, today
):
    decision_sent_on = today - timedelta(days=20)

    page = signed_in_page(officer)
    expect(page).to_have_title(re.compile(r"^My work"))  # an officer's home page
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page).to_have_title(re.compile(r"^Cases"))
    screenshot(page, "case-list-empty")
    assert_accessible(page)

    page.get_by_role("link", name="Take in a new case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Take in a new case")
    expect(page).to_have_title(re.compile(r"^Take in a new case"))
    screenshot(page, "intake-form")
    assert_accessible(page)

    # A first try with two mistakes: contact before the decision letter, and a postcode that cannot exist.
    page.get_by_label("First name").fill(CHILD_FIRST)
    page.get_by_label("Last name").fill(CHILD_LAST)
    fill_date(page, "Date of birth", date(2015, 3, 14))
    page.get_by_role("combobox", name="Who brings the disagreement").select_option(label="Parent or carer")
    page.get_by_label("Full name").fill("Grace Okafor-Browne")
    page.get_by_label("Relationship to the child").fill("Mother")
    page.get_by_label("Postcode").fill("QX1 1AA")
    page.get_by_role("combobox", name="Route").select_option(label="Statutory mediation")
    page.get_by_role("combobox", name="Decision under dispute").select_option(
        label="Refusal to carry out an EHC needs assessment"
    )
    fill_date(page, "Date the decision letter was sent", decision_sent_on)
    fill_date(page, "Date of first contact", decision_sent_on - timedelta(days=3))
    page.get_by_role("combobox", name="How they first contacted us").select_option(label="Phone")
    page.get_by_role("button", name="Save case").click()

    expect(page).to_have_title(re.compile(r"^Error: Take in a new case"))
    summary = page.locator("[data-error-summary]")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    contact_link = summary.get_by_role("link", name=re.compile("first contact", re.I))
    postcode_link = summary.get_by_role("link", name=re.compile("postcode", re.I))
    expect(contact_link).to_have_attribute("href", "#id_first_contact_on_day")
    expect(postcode_link).to_have_attribute("href", "#id_postcode")
    expect(summary.get_by_role("link")).to_have_count(2)
    # Each field carries its own message, tied to it for screen readers.
    # A date's message belongs to its fieldset; a rule about the whole date marks all three boxes.
    contact = date_group(page, "Date of first contact")
    expect(contact).to_have_accessible_description(re.compile("First contact cannot be before the decision letter"))
    for box in ("Day", "Month", "Year"):
        expect(contact.get_by_label(box, exact=True)).to_have_attribute("aria-invalid", "true")
    postcode = page.get_by_label("Postcode")
    expect(postcode).to_have_attribute("aria-invalid", "true")
    expect(postcode).to_have_accessible_description(re.compile("postcode", re.I))
    assert not Case.objects.exists()
    screenshot(page, "intake-form-errors")
    assert_accessible(page)

    # The summary's links take the user to the field itself.
    postcode_link.click()
    expect(postcode).to_be_focused()

    postcode.fill("SW1A 1AA")
    fill_date(page, "Date of first contact", decision_sent_on + timedelta(days=2))
    page.get_by_role("button", name="Save case").click()

    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^Case SEND-\d{4}-\d{5} opened and assigned to Olivia Officer$")
    )
    case = Case.objects.get()
    assert (case.child_last_name, case.postcode, case.status) == (CHILD_LAST, "SW1A 1AA", Status.INTAKE)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(page).to_have_title(re.compile(rf"^Case {case.reference}"))
    screenshot(page, "case-detail-new")
    assert_accessible(page)

    # Find it again from the case list by the child's name; the name never travels in the URL.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    page.get_by_label("Find a case by reference, child's name").fill(f"{CHILD_FIRST} {CHILD_LAST}")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name=re.compile(r"Search: .*remove", re.I))).to_be_visible()
    assert CHILD_LAST not in page.url and CHILD_FIRST not in page.url
    row = page.get_by_role("row", name=re.compile(case.reference))
    expect(row).to_contain_text(f"{CHILD_FIRST} {CHILD_LAST}")
    screenshot(page, "case-list-search")
    assert_accessible(page)

    row.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(page.get_by_text(f"{CHILD_FIRST} {CHILD_LAST}")).to_be_visible()

    # Sign out is a POST from the navigation; afterwards the cases need signing in again.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto(case.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert "next=" in page.url


def test_officer_assigns_themselves_and_triages_the_case(officer, signed_in_page, assert_accessible, screenshot):
    case = CaseFactory(child_first_name="Ben", child_last_name="Adeyemi")

    page = signed_in_page(officer)
    page.goto(case.get_absolute_url())
    expect(page.get_by_role("region", name="Assigned officer")).to_contain_text("Unassigned")

    page.get_by_role("combobox", name="Assigned officer").select_option(label="Olivia Officer")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(f"Case {case.reference} assigned to Olivia Officer")
    expect(page.get_by_role("region", name="Assigned officer")).to_contain_text("Olivia Officer")

    page.get_by_role("combobox", name="New status").select_option(label="Triaged")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("status")).to_have_text("Status changed to Triaged")
    expect(page.locator(".identity-bar .status-tag")).to_have_text("Triaged")

    timeline = page.get_by_role("region", name="Timeline").get_by_role("listitem")
    expect(timeline.nth(0)).to_contain_text("Status changed from Intake to Triaged")
    expect(timeline.nth(0)).to_contain_text("by Olivia Officer")
    expect(timeline.nth(1)).to_contain_text("Assigned to Olivia Officer")
    screenshot(page, "case-detail-triaged")
    assert_accessible(page)

    case.refresh_from_db()
    assert (case.status, case.officer) == (Status.TRIAGED, officer)
