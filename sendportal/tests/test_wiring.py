"""The project wiring that saves queries on every request: one-query permissions (behaving exactly as Django's
backend), a session whose expiry is pushed on at most once a minute instead of saved on every request, and the
dashboard's figures kept in Django's database cache (shared by every app server)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendportal.auth_backends import OneQueryModelBackend

pytestmark = pytest.mark.django_db


def _perm(codename):
    return Permission.objects.get(codename=codename)


# --- Permissions -------------------------------------------------------------------------------------------


def test_permissions_are_the_union_of_own_and_group_permissions_read_in_one_query(django_user_model):
    user = django_user_model.objects.create_user("pat", password="x")
    group = Group.objects.create(name="Readers")
    group.permissions.add(_perm("view_case"), _perm("change_case"))
    other = Group.objects.create(name="Others")
    other.permissions.add(_perm("delete_case"))  # a group the user is not in
    user.groups.add(group)
    user.user_permissions.add(_perm("add_case"), _perm("change_case"))

    fresh = django_user_model.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        ours = OneQueryModelBackend().get_all_permissions(fresh)
        OneQueryModelBackend().get_all_permissions(fresh)  # cached on the user for the request
    assert len(ctx.captured_queries) == 1
    assert ours == {"cases.view_case", "cases.change_case", "cases.add_case"}
    assert ours == ModelBackend().get_all_permissions(django_user_model.objects.get(pk=user.pk))


def test_permissions_of_inactive_users_and_superusers(django_user_model):
    inactive = django_user_model.objects.create_user("gone", password="x", is_active=False)
    inactive.user_permissions.add(_perm("view_case"))
    assert OneQueryModelBackend().get_all_permissions(inactive) == set()
    boss = django_user_model.objects.create_superuser("boss", password="x")
    assert OneQueryModelBackend().get_all_permissions(boss) == ModelBackend().get_all_permissions(boss)
    assert "cases.delete_case" in OneQueryModelBackend().get_all_permissions(boss)


def test_the_signed_in_user_is_read_with_their_permissions_in_one_query(django_user_model):
    user = django_user_model.objects.create_user("kim", password="x")
    group = Group.objects.create(name="Readers")
    group.permissions.add(_perm("view_case"), _perm("change_case"))
    user.groups.add(group)
    user.user_permissions.add(_perm("add_case"), _perm("change_case"))
    Group.objects.create(name="Others").permissions.add(_perm("delete_case"))  # a group the user is not in

    with CaptureQueriesContext(connection) as ctx:
        loaded = OneQueryModelBackend().get_user(user.pk)
        assert loaded.has_perm("cases.add_case") and loaded.has_perm("cases.view_case")
        assert not loaded.has_perm("cases.delete_case")
        perms = loaded.get_all_permissions()
    assert len(ctx.captured_queries) == 1
    assert perms == {"cases.view_case", "cases.change_case", "cases.add_case"}
    assert perms == ModelBackend().get_all_permissions(django_user_model.objects.get(pk=user.pk))


def test_get_user_without_permissions_inactive_unknown_and_superuser(django_user_model):
    plain = django_user_model.objects.create_user("plain", password="x")
    loaded = OneQueryModelBackend().get_user(plain.pk)
    assert loaded == plain and loaded.get_all_permissions() == set()
    gone = django_user_model.objects.create_user("gone2", password="x", is_active=False)
    gone.user_permissions.add(_perm("view_case"))
    assert OneQueryModelBackend().get_user(gone.pk) is None
    assert OneQueryModelBackend().get_user(gone.pk + 1000) is None
    boss = django_user_model.objects.create_superuser("boss2", password="x")
    assert OneQueryModelBackend().get_user(boss.pk).get_all_permissions() == ModelBackend().get_all_permissions(boss)


def test_a_signed_in_page_reads_no_permissions_after_the_user(client, officer):
    client.force_login(officer, backend="sendportal.auth_backends.OneQueryModelBackend")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200 and "Cases" in response.content.decode()
    statements = [q["sql"] for q in ctx.captured_queries]
    assert not any(s.startswith('SELECT "django_content_type"."app_label"') for s in statements)
    assert any('FROM "auth_user"' in s and "auth_permission" in s for s in statements)


def test_has_perm_through_the_configured_backend(django_user_model):
    user = django_user_model.objects.create_user("sam", password="x")
    assert not user.has_perm("cases.view_case")
    group = Group.objects.create(name="Viewers")
    group.permissions.add(_perm("view_case"))
    user.groups.add(group)
    user = django_user_model.objects.get(pk=user.pk)
    assert user.has_perm("cases.view_case")
    assert not user.has_perm("cases.delete_case")


# --- Sessions ----------------------------------------------------------------------------------------------


def test_signing_in_and_browsing_keeps_the_session_and_renews_its_expiry(client, officer):
    officer.set_password("a-long-password-2026")
    officer.save()
    with time_machine.travel("2026-11-29 09:00 +0000", tick=False):
        client.post(reverse("login"), {"username": officer.username, "password": "a-long-password-2026"})
        first = Session.objects.get().expire_date
    with time_machine.travel("2026-11-29 09:20 +0000", tick=False):
        response = client.get(reverse("cases:list"))
        assert response.status_code == 200
        assert Session.objects.get().expire_date - first == timedelta(minutes=20)


def test_pages_within_a_minute_write_no_session_and_the_next_minute_pushes_the_expiry_on(client, officer):
    officer.set_password("a-long-password-2026")
    officer.save()
    with time_machine.travel("2026-11-29 09:00 +0000", tick=False):
        client.post(reverse("login"), {"username": officer.username, "password": "a-long-password-2026"})
        signed_in = Session.objects.get().expire_date
    with time_machine.travel("2026-11-29 09:00:59 +0000", tick=False):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("cases:list")).status_code == 200
        assert not [q for q in ctx.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
        assert Session.objects.get().expire_date == signed_in
    with time_machine.travel("2026-11-29 09:01:00 +0000", tick=False):
        client.get(reverse("cases:list"))
        assert Session.objects.get().expire_date - signed_in == timedelta(minutes=1)


def test_a_session_idle_for_thirty_minutes_after_its_last_refresh_is_over(client, officer):
    officer.set_password("a-long-password-2026")
    officer.save()
    with time_machine.travel("2026-11-29 09:00 +0000", tick=False):
        client.post(reverse("login"), {"username": officer.username, "password": "a-long-password-2026"})
    with time_machine.travel("2026-11-29 09:00:30 +0000", tick=False):
        client.get(reverse("cases:list"))  # within the minute: not written
    with time_machine.travel("2026-11-29 09:30:01 +0000", tick=False):
        response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- Database settings -------------------------------------------------------------------------------------


def test_tune_database_sets_each_engines_options():
    from sendportal.settings.base import tune_database

    pg = tune_database({"ENGINE": "django.db.backends.postgresql", "NAME": "x"})
    assert pg["OPTIONS"]["options"] == "-c jit=off -c random_page_cost=1.1"
    sqlite = tune_database({"ENGINE": "django.db.backends.sqlite3", "NAME": "x", "CONN_MAX_AGE": 60})
    assert sqlite["CONN_MAX_AGE"] == 0 and sqlite["OPTIONS"]["init_command"] == "PRAGMA journal_mode=WAL;"


@pytest.mark.django_db
def test_the_connection_runs_with_those_options():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("SHOW random_page_cost")
            assert cursor.fetchone()[0] == "1.1"
        else:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
