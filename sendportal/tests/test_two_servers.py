"""Two app servers, one database: a member of staff signs in on one server and carries on on the other; a
lockout, the management figures' cache and the export limit hold across both. The servers are two gunicorn
processes (sendportal.testing.server_settings) on the test database, as behind a load balancer without sticky
sessions."""

import os
import re
import subprocess
import sys
import time
from datetime import date

import pytest
import requests
from django.conf import settings
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice
from time_machine import escape_hatch

from accounts.testing import give_authenticator, totp_code
from cases.tests.factories import CaseFactory
from dashboards.exports import EXPORTS_PER_HOUR

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today(date(2026, 6, 17))]
PASSWORD = "correct-horse-battery-staple"
OPEN_CASES = re.compile(r"All open cases</th><td class=\"text-end\">([\d,]+)</td>")


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def two_servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """Started once for the module: each test's data is committed (transactional tests) and flushed after it."""
    tmp_path = tmp_path_factory.mktemp("two-servers")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sendportal.testing.server_settings",
        "TEST_SERVER_DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "sendportal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for base in bases:
            while True:
                try:
                    if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"the app server at {base} did not start")
                time.sleep(0.2)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def _sign_in(session: requests.Session, base: str, username: str, password: str = PASSWORD):
    """Password, then (for a user with an authenticator app, as managers must have) the security code."""
    session.get(f"{base}/sign-in/", timeout=10)
    response = session.post(
        f"{base}/sign-in/",
        {"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=10,
    )
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None or response.status_code != 302 or "security-code" not in response.headers["Location"]:
        return response
    session.get(f"{base}/sign-in/security-code/", timeout=10)
    return session.post(
        f"{base}/sign-in/security-code/",
        # The servers run on the real clock, this test on its fixed day: the code is the one the app shows now.
        {
            "code": totp_code(device.bin_key, at=escape_hatch.time.time()),
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )


def test_signed_in_on_one_server_carries_on_on_the_other(two_servers, officer):
    a, b = two_servers
    case = CaseFactory(officer=officer)
    staff = requests.Session()
    assert _sign_in(staff, a, officer.username).status_code == 302
    page = staff.get(f"{b}/cases/{case.pk}/", allow_redirects=False, timeout=10)
    assert page.status_code == 200
    assert case.reference in page.text
    # A write through the second server with the first server's session and CSRF token.
    note = staff.post(
        f"{b}/cases/{case.pk}/notes/",
        {
            "text": "Written through the other server",
            "visibility": "internal",
            "csrfmiddlewaretoken": staff.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert note.status_code == 302
    assert case.notes.get().text == "Written through the other server"
    # Signing out on the first ends the session on both.
    staff.post(f"{a}/sign-out/", {"csrfmiddlewaretoken": staff.cookies["csrftoken"]}, timeout=10)
    assert staff.get(f"{b}/cases/", allow_redirects=False, timeout=10).headers["Location"].startswith("/sign-in/")


def test_a_lockout_counts_failures_made_on_either_server(two_servers, officer):
    a, b = two_servers
    attacker = requests.Session()
    for base in (a, b, a, b):  # four failures, spread over both servers
        assert _sign_in(attacker, base, officer.username, "wrong-password-123").status_code == 200
    assert _sign_in(attacker, a, officer.username, "wrong-password-123").status_code == 429  # the fifth locks
    locked = _sign_in(attacker, b, officer.username)  # the right password, on the other server
    assert locked.status_code == 429
    assert "locked" in locked.text.lower()


def test_the_management_figures_cached_by_one_server_are_served_by_the_other(two_servers, manager, officer):
    a, b = two_servers
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dashboards_figuressnapshot")
    CaseFactory(officer=officer)
    give_authenticator(manager)  # managers must use two-factor sign-in
    boss = requests.Session()
    assert _sign_in(boss, a, manager.username).status_code == 302
    first = OPEN_CASES.search(boss.get(f"{a}/dashboard/", timeout=30).text).group(1)
    assert first == "1"
    CaseFactory(officer=officer)  # a second open case, after the figures were worked out
    assert OPEN_CASES.search(boss.get(f"{b}/dashboard/", timeout=30).text).group(1) == "1"  # kept figures
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dashboards_figuressnapshot")
    assert OPEN_CASES.search(boss.get(f"{b}/dashboard/", timeout=30).text).group(1) == "2"  # worked out afresh


def test_the_export_limit_counts_exports_made_on_either_server(two_servers, manager):
    a, b = two_servers
    give_authenticator(manager)  # managers must use two-factor sign-in
    boss = requests.Session()
    assert _sign_in(boss, a, manager.username).status_code == 302
    for n in range(EXPORTS_PER_HOUR):
        export = boss.get(f"{(a, b)[n % 2]}/exports/sen2.csv?year=2026", timeout=30)
        assert export.status_code == 200, n
        assert "text/csv" in export.headers["Content-Type"]
    refused = boss.get(f"{a}/exports/sen2.csv?year=2026", timeout=30)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert f"You have made {EXPORTS_PER_HOUR} exports in the last hour" in refused.text
