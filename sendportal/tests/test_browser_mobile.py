"""On a phone: every main page, for each role, at 390 px wide (an iPhone 14 held upright) does not scroll sideways:
wide tables scroll inside a region that takes the keyboard focus, the navigation collapses behind a Menu button,
and axe finds nothing serious on any page."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.tests.factories import CaseFactory
from referrals.tests.factories import MediatorFactory, ProviderFactory, ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 11, 20))]

PHONE = {"width": 390, "height": 844}


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the screen (0: it does not scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== "visible") return true; } return false; };
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !inScroller(e))
    .slice(0, 8)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`
              + ` (${Math.round(e.getBoundingClientRect().right)} px)`);
}"""


def check_page(page, assert_accessible, screenshot, name):
    screenshot(page, name)
    overflow = sideways_overflow(page)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px at 390 px: {page.evaluate(WIDEST)}"
    # A wide table scrolls inside its own region, which the keyboard can reach and a screen reader names.
    for region in page.locator(".table-responsive").all():
        if region.evaluate("r => r.scrollWidth > r.clientWidth"):
            assert region.get_attribute("tabindex") == "0", f"a table scrolling sideways on {page.url} takes no focus"
            assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
    assert_accessible(page)


@pytest.fixture
def world(officer, mediator_user):
    provider = ProviderFactory(name="Calm Waters Mediation")
    mediator = MediatorFactory(user=mediator_user, provider=provider)
    for n in range(3):
        CaseFactory(officer=officer, decision_sent_on=date(2026, 10, 1 + n))
    referral = ReferralFactory(scheduled=True, provider=provider, mediator=mediator, case__officer=officer)
    return referral


OFFICER_PAGES = [
    ("my-work", lambda w: reverse("dashboards:my_work")),
    ("cases", lambda w: reverse("cases:list")),
    ("case", lambda w: w.case.get_absolute_url()),
    ("new-case", lambda w: reverse("cases:create")),
    ("deadlines", lambda w: reverse("deadlines")),
    ("referrals", lambda w: reverse("referrals:list")),
    ("referral", lambda w: w.get_absolute_url()),
    ("letters", lambda w: reverse("letters:draft", args=[w.case.pk])),
    ("help", lambda w: reverse("guide:index")),
    ("profile", lambda w: reverse("profile")),
]
MANAGER_PAGES = [
    ("dashboard", lambda w: reverse("dashboards:management")),
    ("reassign", lambda w: reverse("cases:reassign")),
    ("cover", lambda w: reverse("cases:cover")),
    ("exports", lambda w: reverse("dashboards:export_history")),
    ("data-protection", lambda w: reverse("privacy:home")),
]
MEDIATOR_PAGES = [
    ("mediator-home", lambda w: reverse("dashboards:mediator")),
    ("mediator-referrals", lambda w: reverse("referrals:list")),
    ("mediator-referral", lambda w: w.get_absolute_url()),
]


@pytest.mark.parametrize(
    ("role", "pages"),
    [("officer", OFFICER_PAGES), ("manager", MANAGER_PAGES), ("mediator_user", MEDIATOR_PAGES)],
    ids=["officer", "manager", "mediator"],
)
def test_every_main_page_fits_a_phone(
    request, world, role, pages, signed_in_page, assert_accessible, screenshot, letter_templates
):
    page = signed_in_page(request.getfixturevalue(role))
    page.set_viewport_size(PHONE)
    for name, url in pages:
        page.goto(url(world))
        check_page(page, assert_accessible, screenshot, name)


def test_the_navigation_collapses_behind_a_menu_button_on_a_phone(officer, signed_in_page, assert_accessible):
    page = signed_in_page(officer)
    page.set_viewport_size(PHONE)
    page.goto(reverse("cases:list"))
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Deadlines")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Deadlines")).to_be_visible()
    assert_accessible(page)
    nav.get_by_role("link", name="Deadlines").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My deadlines")
    # On a desktop the links are simply there.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("button", name="Menu")).to_be_hidden()
