"""The user's own sessions: see them, sign out any other."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession
from sendportal.testing.browser import PASSWORD

pytestmark = pytest.mark.django_db

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)
SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Safari/604.1"


def sign_in(user, user_agent=CHROME_WINDOWS) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR="203.0.113.7")
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_sessions_page_lists_each_session_with_its_device(officer):
    phone = sign_in(officer, SAFARI_IPHONE)
    desk = sign_in(officer)
    page = desk.get(reverse("accounts:sessions")).content.decode()
    assert "<h1>Where you are signed in (2)</h1>" in page
    assert 'Chrome on Windows <span class="badge tag-ok">This device</span>' in page
    assert "Safari on iPhone" in page
    assert "203.0.113.7" in page
    assert page.count(">Sign out<span") == 1  # only the other session has a button
    assert phone.session.session_key not in page and desk.session.session_key not in page  # keys are secrets


def test_ending_another_session_signs_that_browser_out(officer):
    phone = sign_in(officer, SAFARI_IPHONE)
    desk = sign_in(officer)
    other = UserSession.objects.get(session_id=phone.session.session_key)
    response = desk.post(reverse("accounts:session_end", args=[other.pk]), follow=True)
    assert "Signed out the session on Safari on iPhone" in response.content.decode()
    assert not Session.objects.filter(session_key=phone.session.session_key).exists()
    assert phone.get(reverse("cases:list")).status_code == 302
    assert desk.get(reverse("cases:list")).status_code == 200


def test_the_current_session_is_ended_by_signing_out(officer):
    desk = sign_in(officer)
    mine = UserSession.objects.get(session_id=desk.session.session_key)
    response = desk.post(reverse("accounts:session_end", args=[mine.pk]), follow=True)
    assert "This is the session you are using" in response.content.decode()
    assert desk.get(reverse("cases:list")).status_code == 200


def test_another_users_session_is_not_found(officer, other_officer):
    theirs = sign_in(other_officer)
    desk = sign_in(officer)
    their_session = UserSession.objects.get(session_id=theirs.session.session_key)
    assert desk.post(reverse("accounts:session_end", args=[their_session.pk])).status_code == 404
    assert desk.post(reverse("accounts:session_end", args=[999999])).status_code == 404
    assert theirs.get(reverse("cases:list")).status_code == 200


def test_ending_sessions_is_post_only(officer):
    desk = sign_in(officer)
    mine = UserSession.objects.get(session_id=desk.session.session_key)
    assert desk.get(reverse("accounts:session_end", args=[mine.pk])).status_code == 405
    assert desk.get(reverse("accounts:session_end_others")).status_code == 405


def test_sign_out_all_others(officer):
    others = [sign_in(officer, SAFARI_IPHONE) for _ in range(3)]
    desk = sign_in(officer)
    response = desk.post(reverse("accounts:session_end_others"), follow=True)
    assert "Signed out 3 other sessions" in response.content.decode()
    assert all(c.get(reverse("cases:list")).status_code == 302 for c in others)
    assert list(UserSession.objects.filter(user=officer).values_list("session_id", flat=True)) == [
        desk.session.session_key
    ]


def test_signing_out_removes_the_session_record(officer):
    desk = sign_in(officer)
    key = desk.session.session_key
    desk.post(reverse("logout"))
    assert not UserSession.objects.filter(session_id=key).exists()


def test_expired_sessions_are_not_listed_and_go_with_clearsessions(officer, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    old = sign_in(officer, SAFARI_IPHONE)
    Session.objects.filter(session_key=old.session.session_key).update(expire_date=timezone.now() - timedelta(1))
    desk = sign_in(officer)
    assert "Safari on iPhone" not in desk.get(reverse("accounts:sessions")).content.decode()
    call_command("clearsessions")
    assert UserSession.objects.filter(user=officer).count() == 1


def test_sessions_page_needs_sign_in(client):
    assert client.get(reverse("accounts:sessions"))["Location"].startswith(reverse("login"))


def test_sessions_page_query_count_is_constant(officer, django_assert_max_num_queries):
    desk = sign_in(officer)
    with django_assert_max_num_queries(6) as few:
        desk.get(reverse("accounts:sessions"))
    for _ in range(8):
        sign_in(officer, SAFARI_IPHONE)
    with django_assert_max_num_queries(6) as many:
        page = desk.get(reverse("accounts:sessions")).content.decode()
    assert "<h1>Where you are signed in (9)</h1>" in page
    assert len(few.captured_queries) == len(many.captured_queries)


def test_every_signed_in_request_costs_no_extra_query(officer):
    """The session list costs nothing per request: last use is read from the session's expiry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk = sign_in(officer)
    desk.get(reverse("cases:list"))
    with CaptureQueriesContext(connection) as queries:
        assert desk.get(reverse("cases:list")).status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in sqls if "accounts_" in sql or "otp_" in sql]
    # The read only: the expiry is pushed on at most once a minute (sendportal.middleware), not on every request.
    assert sum('"django_session"' in sql for sql in sqls) == 1
