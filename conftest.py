"""Shared fixtures: users for each role, signed-in clients, a temporary media folder.

`SENDPORTAL_TEST_TODAY=YYYY-MM-DD pytest` runs the whole suite as if it were that day (09:30 in London, the
clock ticking from there), the live server and the clock engine included. Tests must pass on any day: a test
that is about dates fixes the day it needs with time-machine or builds its facts from a fixed anchor. CI runs
the suite again on days that catch tests leaning on the real date (Christmas Eve, the end of August, a leap day).
"""

import importlib
import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import factory.random
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from cases import permissions

pytest_plugins = ["sendportal.testing.browser"]

# Playwright's sync API runs an event loop in the test thread; the live server's ORM calls are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TEST_TODAY_VARIABLE = "SENDPORTAL_TEST_TODAY"
_today_traveller = None


def test_today_from_environment() -> date | None:
    """The day SENDPORTAL_TEST_TODAY asks for (None when unset); a malformed value stops the run."""
    value = os.environ.get(TEST_TODAY_VARIABLE, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{TEST_TODAY_VARIABLE} must be a date as YYYY-MM-DD, not {value!r}") from None


def pytest_addoption(parser):
    parser.addoption(
        "--browser-tests",
        choices=("all", "without", "only"),
        default="all",
        help="all (the default): every selected test; without: leave out the browser journeys (marker `browser`); "
        "only: just the journeys. scripts/run-tests (make test) runs `without` in parallel, then `only`.",
    )


def pytest_collection_modifyitems(config, items):
    choice = config.getoption("browser_tests")
    if choice == "all":
        return
    want_journeys = choice == "only"
    kept, dropped = [], []
    for item in items:
        is_journey = item.get_closest_marker("browser") is not None
        (kept if is_journey == want_journeys else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_configure(config):
    global _today_traveller
    day = test_today_from_environment()
    if day is None:
        return
    import time_machine

    # Started before any test module is imported, so nothing computed at import time sees the real date.
    _today_traveller = time_machine.travel(datetime.combine(day, time(9, 30), tzinfo=ZoneInfo("Europe/London")))
    _today_traveller.start()


def pytest_unconfigure(config):
    global _today_traveller
    if _today_traveller is not None:
        _today_traveller.stop()
        _today_traveller = None


def pytest_report_header(config):
    day = test_today_from_environment()
    return f"{TEST_TODAY_VARIABLE}: the suite runs as if today were {day:%a %d %b %Y}" if day else None


@pytest.fixture(autouse=True)
def _reproducible_incidental_data(request):
    """Incidental data (names, emails) depends on the test alone, not on which tests ran before it in the same
    worker, so a run reproduces exactly; tests set what they are about explicitly."""
    factory.random.reseed_random(request.node.nodeid)


@pytest.fixture(autouse=True)
def _fixed_today(request):
    """`@pytest.mark.today(date(2026, 6, 17))` runs the test on that day (09:30 in London, the clock ticking),
    live server included, whatever the real date or SENDPORTAL_TEST_TODAY says."""
    marker = request.node.get_closest_marker("today")
    if marker is None:
        yield None
        return
    import time_machine

    (day,) = marker.args
    with time_machine.travel(datetime.combine(day, time(9, 30), tzinfo=ZoneInfo("Europe/London"))):
        yield day


@pytest.fixture
def today(_fixed_today):
    """The day a `@pytest.mark.today(...)` test runs on."""
    if _fixed_today is None:
        pytest.fail("the `today` fixture needs a @pytest.mark.today(date(...)) on the test or its module")
    return _fixed_today


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ensure_role(role):
    """The role's group as the migrations create it. Transactional tests (the browser tests) flush the
    database afterwards, taking the migration-made groups with them, so rebuild them when missing."""
    group, created = Group.objects.get_or_create(name=role)
    if created:
        for perm in permissions.ROLE_PERMISSIONS[role]:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


LETTERS_SEED = importlib.import_module("letters.migrations.0002_seed_templates_and_support_services")


def seed_letters():
    """The letter templates and example support services the data migration makes, put back with the
    migration's own function (it only adds what is missing): transactional tests flush them away too."""
    LETTERS_SEED.seed(apps, None)


@pytest.fixture
def letter_templates(db):
    seed_letters()


def make_user(django_user_model, username, role=None, **extra):
    user = django_user_model.objects.create_user(
        username=username,
        password="correct-horse-battery-staple",
        first_name=extra.pop("first_name", username.split("_")[0].title()),
        last_name=extra.pop("last_name", "Tester"),
        email=extra.pop("email", f"{username}@example.gov.uk"),
        **extra,
    )
    if role:
        user.groups.add(ensure_role(role))
    return user


@pytest.fixture
def officer(db, django_user_model):
    return make_user(django_user_model, "olivia_officer", permissions.OFFICER, first_name="Olivia", last_name="Officer")


@pytest.fixture
def other_officer(db, django_user_model):
    return make_user(django_user_model, "owen_officer", permissions.OFFICER, first_name="Owen", last_name="Other")


@pytest.fixture
def manager(db, django_user_model):
    return make_user(django_user_model, "maya_manager", permissions.MANAGER, first_name="Maya", last_name="Manager")


@pytest.fixture
def mediator_user(db, django_user_model):
    return make_user(django_user_model, "mo_mediator", permissions.MEDIATOR, first_name="Mo", last_name="Mediator")


@pytest.fixture
def data_protection_officer(db, django_user_model):
    return make_user(
        django_user_model, "dara_dpo", permissions.DATA_PROTECTION, first_name="Dara", last_name="Protection"
    )


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("ada_admin", "ada@example.gov.uk", "correct-horse-battery-staple")


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client signed in as that user (None: anonymous)."""

    def _client_for(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _client_for
