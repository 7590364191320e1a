"""Browser-test fixtures: pytest-playwright drives Debian's chromium against pytest-django's live server.

Registered from the root conftest.py (`pytest_plugins`). Mark browser tests `@pytest.mark.browser`.

Fixtures for journeys:

- `signed_in_page(user, *, password=PASSWORD) -> Page`: a fresh browser context signed in through the real
  sign-in form (so django-axes, the session and CSRF all run). Call it once per user; each call is its own
  browser, so an officer and a manager can act side by side in one test. Users who must use two-factor sign-in
  (managers, superusers) are given an authenticator app if they have none, and the fixture types its code.
- `assert_accessible(page, *, context=None) -> None`: runs axe-core on the page as it is now and fails on any
  violation of impact "serious" or "critical", listing rule id, help text and the failing nodes' targets.
  Lesser findings are printed (pytest shows them with the test's output).
- `screenshot(page, name) -> Path | None`: a full-page PNG in $BROWSER_SCREENSHOT_DIR when that is set.
- `new_page() -> Page`: a page in a fresh browser context with nobody signed in (the sign-in page, say).
- `browser_errors`: the uncaught page errors and console errors seen by pages made through `new_page` or
  `signed_in_page`; any at the end of the test fail it (a script refused by the CSP shows up here).

Relative URLs go to the live server: `page.goto(reverse("cases:list"))`. Set BROWSER_SCREENSHOT_DIR to keep
screenshots; run headed with `--headed`; CHROMIUM_PATH points at another chromium executable.

Live-server tests run on a transactional database that is flushed after each test, so rows made by data
migrations are gone in the next one; the role fixtures in conftest.py rebuild the role groups (ensure_role).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

PASSWORD = "correct-horse-battery-staple"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--lang=en-GB",
]
FAILING_IMPACTS = ("critical", "serious")
# Expectations and actions wait this long (milliseconds) before failing; pages here are small and local.
TIMEOUT_MS = 10_000


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM


def pytest_configure(config):
    # pytest-playwright's stand-in `base_url` fixture (used when pytest-base-url is absent) is a method of a
    # plugin class, which pytest 9 warns about on every run; the live server gives the base URL here anyway.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system chromium (never a browser downloaded by Playwright), headless unless --headed."""
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"The browser tests need Debian's chromium at {path}, which is missing. Install it with "
            "'scripts/ensure-chromium' (as root) or 'sudo apt-get install chromium', or point CHROMIUM_PATH "
            "at a chromium executable.",
            pytrace=False,
        )
    args = {"headless": True, **browser_type_launch_args}
    args["executable_path"] = path
    args["args"] = [*CHROMIUM_ARGS, *args.get("args", [])]
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    """Pages talk to the live server (`page.goto(reverse("cases:list"))` works) as a London user on a desktop."""
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def browser_errors():
    """Uncaught page errors and console errors from pages opened with `new_page`/`signed_in_page`; none may remain."""
    errors: list[str] = []
    yield errors
    if errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(f"  - {e}" for e in errors), pytrace=False)


def watch_for_errors(page, errors: list[str]) -> None:
    """Record uncaught exceptions and console errors (including CSP refusals) on `page` into `errors`."""

    def on_console(message):
        if message.type != "error":
            return
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("console", on_console)


@pytest.fixture
def new_page(new_context, browser_errors):
    """new_page() -> a page in a fresh browser context (nobody signed in), watched for browser errors."""

    def _new_page():
        context = new_context()
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        watch_for_errors(page, browser_errors)
        return page

    return _new_page


@pytest.fixture
def signed_in_page(new_page):
    """signed_in_page(user) -> a Page signed in as `user` through the sign-in form, on the user's home page."""
    from django.urls import reverse
    from playwright.sync_api import expect

    def _signed_in_page(user, *, password: str = PASSWORD):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.permissions import must_use_two_factor
        from accounts.testing import give_authenticator, next_code

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None and must_use_two_factor(user):
            device = give_authenticator(user)
        page = new_page()
        page.goto(reverse("login"))
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        if device is not None:
            expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
            page.get_by_label("Security code").fill(next_code(device))
            page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("button", name="Sign out"), "sign-in did not succeed").to_be_visible()
        return page

    return _signed_in_page


def axe_failures(violations: list[dict], impacts=FAILING_IMPACTS) -> list[dict]:
    return [v for v in violations if v.get("impact") in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v.get('impact')}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"       {line}" for line in summary.splitlines())
    return "\n".join(lines)


@pytest.fixture(scope="session")
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(_axe):
    """assert_accessible(page, *, context=None): fail on any "serious" or "critical" axe violation."""

    def _assert_accessible(page, *, context=None):
        # A click that navigates returns once the new page starts; until its stylesheets load, colours are the
        # browser's defaults and axe would judge a half-styled page (light navigation text on white).
        page.wait_for_load_state("load")
        results = _axe.run(page, context=context)
        violations = results.response["violations"]
        failing = axe_failures(violations)
        others = [v for v in violations if v not in failing]
        if others:
            print(f"axe, below the gate, on {page.url}:\n{format_violations(others)}")
        if failing:
            pytest.fail(
                f"axe found {len(failing)} serious or critical accessibility problem(s) on {page.url} "
                f"(title {page.title()!r}):\n{format_violations(failing)}",
                pytrace=False,
            )

    return _assert_accessible


@pytest.fixture
def screenshot(request):
    """screenshot(page, name) -> Path of a full-page PNG in $BROWSER_SCREENSHOT_DIR (None when it is unset)."""
    folder = os.environ.get("BROWSER_SCREENSHOT_DIR")
    counter = iter(range(1, 1000))
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def _screenshot(page, name: str) -> Path | None:
        if not folder:
            return None
        path = Path(folder) / f"{test_name}-{next(counter):02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=path, full_page=True)
        return path

    return _screenshot


def date_group(scope, legend: str):
    """The date component whose legend is `legend` (its fieldset is a group named by the legend), in a page or a
    part of one."""
    return scope.get_by_role("group", name=legend, exact=True)


def fill_date(scope, legend: str, day=None, *, time: str | None = None) -> None:
    """Type `day` (a date, or None to empty the boxes) into the Day, Month and Year boxes of the date component
    whose legend is `legend`, and `time` ("14:30") into its Time box when given."""
    group = date_group(scope, legend)
    values = {"Day": "", "Month": "", "Year": ""} if day is None else {
        "Day": str(day.day), "Month": str(day.month), "Year": str(day.year)
    }  # fmt: skip
    if time is not None:
        values["Time"] = time
    for label, value in values.items():
        group.get_by_label(label, exact=True).fill(value)


def expect_date(scope, legend: str, day) -> None:
    """The date component whose legend is `legend` shows `day` in its Day, Month and Year boxes."""
    from playwright.sync_api import expect

    group = date_group(scope, legend)
    for label, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        expect(group.get_by_label(label, exact=True)).to_have_value(str(value))
