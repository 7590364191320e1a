"""While the database cannot answer, pages are a clean 503 with Retry-After and /healthz says so; the app recovers
by itself; a write the database refused mid-way leaves nothing behind. `make drill` does the same against a real
PostgreSQL restart; these tests make the database fail from inside the connection."""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent, CaseNote
from cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

BASE_DIR = settings.BASE_DIR
UNAVAILABLE_HEADING = "Sorry, the service is unavailable"


@pytest.fixture
def browser_client():
    """A test client that returns the error page instead of raising, as a real server would."""
    return Client(raise_request_exception=False)


@contextmanager
def database_down(monkeypatch):
    """Every new cursor fails as when PostgreSQL is restarting or unreachable."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "_cursor", refuse)
        yield


def fail_on(prefix: str):
    """An execute wrapper that makes the database refuse statements starting with `prefix` (others run)."""

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().startswith(prefix):
            raise OperationalError("canceling statement due to statement timeout")
        return execute(sql, params, many, context)

    return wrapper


def assert_clean_503(response):
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER) == "30"
    assert "no-store" in response["Cache-Control"]
    assert f"<h1>{UNAVAILABLE_HEADING}</h1>" in body
    assert "Nothing you entered has been saved if the page did not confirm it" in body
    assert "Traceback" not in body and "OperationalError" not in body and "Connection refused" not in body


def test_pages_answer_503_with_retry_after_while_the_database_is_down_and_recover_by_themselves(
    browser_client, officer, monkeypatch
):
    case = CaseFactory(officer=officer)
    browser_client.force_login(officer)
    with database_down(monkeypatch):
        for path in ("/cases/", f"/cases/{case.pk}/", "/my-work/", "/deadlines/"):
            assert_clean_503(browser_client.get(path))
        assert_clean_503(browser_client.post(f"/cases/{case.pk}/notes/", {"text": "Called", "visibility": "internal"}))
    # The database is back: the same signed-in client carries on, nothing restarted.
    response = browser_client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    assert case.reference in response.content.decode()
    assert not CaseNote.objects.filter(case=case).exists()


def test_anonymous_pages_answer_503_too(browser_client, monkeypatch):
    with database_down(monkeypatch):
        assert_clean_503(browser_client.post(reverse("login"), {"username": "someone", "password": "x" * 12}))


def test_healthz_reports_the_database(browser_client, monkeypatch):
    response = browser_client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
    with database_down(monkeypatch):
        response = browser_client.get("/healthz")
        assert response.status_code == 503
        assert json.loads(response.content) == {"status": "unavailable", "database": "unavailable"}
        assert response["Retry-After"] == "30"
    assert browser_client.get("/healthz").status_code == 200


def test_healthz_needs_no_sign_in_and_touches_no_session(browser_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4) as queries:  # BEGIN, (timeout), SELECT 1, COMMIT: no session, no user
        assert browser_client.get("/healthz").status_code == 200
    assert not any("django_session" in q["sql"] or "auth_user" in q["sql"] for q in queries.captured_queries)


def test_a_failure_in_the_session_save_after_the_view_is_a_503_too(browser_client, officer):
    """The session is saved by middleware after the view has answered (its expiry pushed on, a minute after the last
    time): the handler catches that as well."""
    browser_client.force_login(officer)
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=2)),
        connection.execute_wrapper(fail_on('UPDATE "django_session"')),
    ):
        assert_clean_503(browser_client.get("/cases/"))


def test_a_note_whose_timeline_event_the_database_refuses_is_not_saved_at_all(browser_client, officer):
    """The note INSERT succeeds, the timeline event INSERT is refused: the service's transaction takes both."""
    case = CaseFactory(officer=officer)
    events_before = CaseEvent.objects.filter(case=case).count()
    browser_client.force_login(officer)
    with connection.execute_wrapper(fail_on('INSERT INTO "cases_caseevent"')):
        response = browser_client.post(f"/cases/{case.pk}/notes/", {"text": "Half a write", "visibility": "internal"})
    assert_clean_503(response)
    assert not CaseNote.objects.filter(case=case).exists()
    assert CaseEvent.objects.filter(case=case).count() == events_before
    # And with the database answering, the same note goes in with its event.
    response = browser_client.post(f"/cases/{case.pk}/notes/", {"text": "Whole write", "visibility": "internal"})
    assert response.status_code == 302
    assert list(CaseNote.objects.filter(case=case).values_list("text", flat=True)) == ["Whole write"]
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.NOTE_ADDED).count() == 1


def test_other_errors_are_still_the_plain_500_page(browser_client, officer, monkeypatch):
    from cases import selectors

    def broken(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(selectors, "case_get_for", broken)
    case = CaseFactory(officer=officer)
    browser_client.force_login(officer)
    response = browser_client.get(f"/cases/{case.pk}/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "Retry-After" not in response and "Traceback" not in body and "a bug" not in body


@contextmanager
def statement_timeout(milliseconds: int):
    """The database's own cancellation of a long statement: PostgreSQL's statement_timeout, or on SQLite an
    interrupt after a budget of virtual-machine steps (SQLite has no timer of its own)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [str(milliseconds)])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', '0', false)")
        return
    connection.ensure_connection()
    connection.connection.set_progress_handler(lambda: 1, milliseconds * 1000)
    try:
        yield
    finally:
        connection.connection.set_progress_handler(None, 0)


def slow_case_list(execute, sql, params, many, context):
    """Makes the case list's row query slow, as a missing index or a locked table would."""
    if sql.lstrip().startswith("SELECT") and 'FROM "cases_case"' in sql:
        slow = (
            "SELECT pg_sleep(2)"
            if connection.vendor == "postgresql"
            else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
            "SELECT count(*) FROM n"
        )
        context["cursor"].execute(slow)
    return execute(sql, params, many, context)


# As in production, each statement commits on its own (no test transaction around the request): a statement
# PostgreSQL cancelled inside a transaction would leave that transaction unusable.
@pytest.mark.django_db(transaction=True)
def test_a_statement_the_database_cancels_is_a_503_and_the_next_request_works(browser_client, officer):
    CaseFactory(officer=officer)
    browser_client.force_login(officer)
    with connection.execute_wrapper(slow_case_list), statement_timeout(100):
        assert_clean_503(browser_client.get("/cases/"))
    assert browser_client.get("/cases/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_statement_is_an_operational_error_and_rolls_back_its_transaction(officer):
    case = CaseFactory(officer=officer)
    with pytest.raises(OperationalError), statement_timeout(100), transaction.atomic():
        CaseNote.objects.create(case=case, author=officer, text="Before the slow statement")
        with connection.cursor() as cursor:
            slow_case_list(lambda *a: None, 'SELECT 1 FROM "cases_case"', None, False, {"cursor": cursor})
    assert not CaseNote.objects.filter(case=case).exists()


# --- Production settings: the statement timeout --------------------------------------------------------------


def _production_database_options(*command: str, **env_extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_SETTINGS"))}
    env.update(
        DJANGO_SETTINGS_MODULE="sendportal.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="portal.example.gov.uk",
        DATABASE_URL="postgres://portal@db.internal:5432/sendportal",
        **env_extra,
    )
    show = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    args = (
        [sys.executable, "manage.py", "shell", "-c", show]
        if command == ("manage.py",)
        else [sys.executable, "-c", f"import django; django.setup(); {show}"]
    )
    result = subprocess.run(args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_web_connections_have_a_statement_and_connect_timeout():
    options = _production_database_options()
    assert options["options"] == "-c jit=off -c random_page_cost=1.1 -c statement_timeout=15000"
    assert options["connect_timeout"] == 5


def test_the_timeouts_come_from_the_environment():
    options = _production_database_options(DATABASE_STATEMENT_TIMEOUT="2.5", DATABASE_CONNECT_TIMEOUT="2")
    assert options["options"].endswith("-c statement_timeout=2500")
    assert options["connect_timeout"] == 2


def test_management_commands_run_without_the_web_timeout_unless_told():
    assert "statement_timeout" not in _production_database_options("manage.py")["options"]
    options = _production_database_options("manage.py", DATABASE_COMMAND_STATEMENT_TIMEOUT="600")
    assert options["options"].endswith("-c statement_timeout=600000")
