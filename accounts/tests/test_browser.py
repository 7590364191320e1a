"""Browser journeys: single sign-on as each role through the real test provider, a refused council user,
setting up two-factor sign-in and signing in with a code and a recovery code, password reset by email, and
the sessions page. axe checks every portal page visited."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import UserSession
from accounts.testing import code_from_setup_key, next_code
from cases import permissions
from conftest import ensure_role

from ..tests.idp.server import PASSWORD as COUNCIL_PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lantern-harbour-violet-2027"


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    for role in permissions.ROLE_PERMISSIONS:
        ensure_role(role)


def council_sign_in(page, username, assert_accessible=None):
    """On the provider's own sign-in page: type the council username and password."""
    expect(page.get_by_role("heading", name="Example Council sign-in")).to_be_visible()
    if assert_accessible:
        assert_accessible(page)
    page.get_by_label("Council username").fill(username)
    page.get_by_label("Council password").fill(COUNCIL_PASSWORD)
    page.get_by_role("button", name="Sign in to Example Council").click()


@pytest.mark.parametrize(
    ("username", "heading", "nav_link"),
    [
        ("olivia.officer", "My work", "Cases"),
        ("maya.manager", "My work", "Dashboard"),
        ("mo.mediator", "My dashboard", "Referrals"),
    ],
)
def test_council_staff_sign_in_with_their_council_account_and_sign_out_of_both(
    sso_for_browser, new_page, assert_accessible, screenshot, username, heading, nav_link
):
    page = new_page()
    page.goto(reverse("login"))
    assert_accessible(page)
    screenshot(page, "sign-in-with-sso")
    page.get_by_role("link", name="Sign in with your Example Council account").click()
    council_sign_in(page, username, assert_accessible)

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name=nav_link)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "signed-in")
    assert UserSession.objects.filter(user__username=username, method=UserSession.Method.SSO).count() == 1

    page.get_by_role("button", name="Sign out").click()
    # Signed out at the provider as well, then back at the portal's sign-in page.
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert page.url.endswith("/sign-in/")
    assert not UserSession.objects.filter(user__username=username).exists()
    page.get_by_role("link", name="Sign in with your Example Council account").click()
    expect(page.get_by_role("heading", name="Example Council sign-in")).to_be_visible()  # asked again


def test_a_changed_council_group_changes_the_role_at_the_next_sign_in(sso_for_browser, new_page, assert_accessible):
    sso_for_browser.set_user("bea.browser", groups=["sendportal-officers"], first_name="Bea", last_name="Browser")
    page = new_page()
    page.goto(reverse("accounts:sso_start"))
    council_sign_in(page, "bea.browser")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Cases")).to_be_visible()
    expect(nav.get_by_role("link", name="Dashboard")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    sso_for_browser.set_user("bea.browser", groups=["sendportal-managers"], first_name="Bea", last_name="Browser")
    page.get_by_role("link", name="Sign in with your Example Council account").click()
    council_sign_in(page, "bea.browser")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Management dashboard")).to_be_visible()
    assert_accessible(page)


def test_council_user_without_a_role_sees_why_they_cannot_sign_in(
    sso_for_browser, new_page, assert_accessible, screenshot, browser_errors
):
    page = new_page()
    page.goto(reverse("accounts:sso_start"))
    council_sign_in(page, "fred.finance", assert_accessible)
    expect(page.get_by_role("heading", name="You cannot use sendportal")).to_be_visible()
    expect(page.get_by_text("does not give you a role in sendportal")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "refused")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    # The refusal page is a 403, which chromium reports on the console: expected here, and nothing else.
    assert [e for e in browser_errors if "status of 403" in e and "/sign-in/council/callback/" in e]
    browser_errors[:] = [e for e in browser_errors if "status of 403" not in e]


def sign_in_with_password(page, user, password):
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_manager_sets_up_two_factor_then_signs_in_with_a_code_and_with_a_recovery_code(
    manager, new_page, assert_accessible, screenshot
):
    page = new_page()
    page.goto(reverse("dashboards:management"))  # asked to sign in first, then sent on to this page
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code that adds sendportal to your authenticator app")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Set up and sign in").click()  # no code yet
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_text("I cannot scan the QR code").click()
    setup_key = page.locator("#setup-key").inner_text()
    screenshot(page, "set-up")
    page.get_by_label("Code from your authenticator app").fill(code_from_setup_key(setup_key))
    page.get_by_role("button", name="Set up and sign in").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="I have kept my recovery codes").click()
    expect(page.get_by_role("heading", name="Management dashboard")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # Next time: password, then the code from the app.
    sign_in_with_password(page, manager, "correct-horse-battery-staple")
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Security code: The security code is not right")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "wrong-code")
    time.sleep(1.1)  # django-otp asks for a second's pause after a wrong code
    page.get_by_label("Security code").fill(next_code(manager.totpdevice_set.get()))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert UserSession.objects.filter(user=manager, method=UserSession.Method.TWO_FACTOR).exists()
    page.get_by_role("button", name="Sign out").click()

    # Without the phone: a recovery code, once.
    sign_in_with_password(page, manager, "correct-horse-battery-staple")
    page.get_by_label("Security code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You signed in with a recovery code. You have 9 left")).to_be_visible()
    assert_accessible(page)


def test_two_factor_page_for_a_signed_in_officer(officer, signed_in_page, assert_accessible, screenshot):
    page = signed_in_page(officer)
    page.get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_text("Two-factor sign-in is off")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    page.get_by_text("I cannot scan the QR code").click()
    page.get_by_label("Code from your authenticator app").fill(
        code_from_setup_key(page.locator("#setup-key").inner_text())
    )
    page.get_by_role("button", name="Set up", exact=True).click()
    page.get_by_role("link", name="I have kept my recovery codes").click()
    expect(page.get_by_text("On: signing in asks for a code from your authenticator app")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "two-factor-on")
    page.get_by_role("link", name="Turn off two-factor sign-in").click()
    assert_accessible(page)
    page.get_by_label("Security code").fill(next_code(officer.totpdevice_set.get()))
    page.get_by_role("button", name="Turn off two-factor sign-in").click()
    expect(page.get_by_text("Two-factor sign-in turned off")).to_be_visible()


def wait_for_mail(count: int = 1):
    for _ in range(50):
        if len(mail.outbox) >= count:
            return mail.outbox
        time.sleep(0.1)
    pytest.fail("no email was sent")


def test_password_reset_by_email(officer, new_page, assert_accessible, screenshot, settings, live_server):
    settings.SITE_URL = live_server.url
    page = new_page()
    page.goto(reverse("login"))
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("link", name="Email address: Enter your email address")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    (message,) = wait_for_mail()
    link = re.search(r"http://\S+", message.body).group(0)
    assert link.startswith(live_server.url)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill("something-else-entirely")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "reset-error")
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="Your password has been changed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Sign in").click()
    sign_in_with_password(page, officer, NEW_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_sessions_page_signs_out_another_browser(officer, signed_in_page, assert_accessible, screenshot):
    other = signed_in_page(officer)
    page = signed_in_page(officer)
    page.get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Where you are signed in").click()
    expect(page.get_by_role("heading", name="Where you are signed in (2)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "sessions")
    page.get_by_role("button", name="Sign out all other sessions (1)").click()
    expect(page.get_by_text("Signed out 1 other session")).to_be_visible()
    expect(page.get_by_role("heading", name="Where you are signed in (1)")).to_be_visible()
    other.reload()
    expect(other.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()


def test_password_change_page(officer, signed_in_page, assert_accessible):
    page = signed_in_page(officer)
    page.goto(reverse("accounts:password_change"))
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_old_password").fill("correct-horse-battery-staple")
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
