"""Browser journey for the guide: an officer follows "How this works" from the navigation to the deadlines and the
statuses, and a mediator reads their own guide from their home page; axe checks every page."""

from datetime import date

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 12, 5))]


def test_officer_and_mediator_read_how_this_works(
    signed_in_page, assert_accessible, screenshot, officer, mediator_user
):
    page = signed_in_page(officer)
    page.get_by_role("link", name="How this works", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How this works")
    assert_accessible(page)
    page.get_by_role("link", name="For sen officers", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How this works for SEN officers")
    assert_accessible(page)
    page.get_by_role("link", name="every deadline").click()
    expect(page.locator("#clock-c8")).to_contain_text("The provider: chase them")
    assert_accessible(page)
    screenshot(page, "clocks")
    page.go_back()
    page.get_by_role("link", name="what each status means").click()
    expect(page.get_by_text("The family may appeal to the Tribunal until the appeal deadline.")).to_be_visible()
    assert_accessible(page)

    page = signed_in_page(mediator_user)
    page.get_by_role("link", name="How this works for mediators").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How this works for mediators")
    assert_accessible(page)
