"""The three pieces of project wiring that save queries on every request: one-query permissions, one-statement
session saves and one-statement cache writes. Each must behave exactly as the Django class it replaces."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sendportal import cache as cache_module
from sendportal.auth_backends import OneQueryModelBackend
from sendportal.sessions import SessionStore

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


def test_an_existing_session_is_saved_with_one_update():
    store = SessionStore()
    store["colour"] = "blue"
    store.create()
    store["colour"] = "green"
    store.set_expiry(600)
    with CaptureQueriesContext(connection) as ctx:
        store.save()
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["UPDATE"]
    again = SessionStore(session_key=store.session_key)
    assert again["colour"] == "green"
    row = Session.objects.get(session_key=store.session_key)
    assert timedelta(seconds=590) < row.expire_date - timezone.now() <= timedelta(seconds=600)


def test_saving_a_session_deleted_meanwhile_raises_update_error_as_django_does():
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).delete()
    store["x"] = 2
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()


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


# --- Cache -------------------------------------------------------------------------------------------------


@pytest.fixture
def db_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "sendportal.cache.UpsertDatabaseCache",
            "LOCATION": "sendportal_cache",
            "OPTIONS": {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2},
        }
    }
    call_command("createcachetable", verbosity=0)  # the migration made none under the test settings' dummy cache
    store = caches["default"]
    store.clear()
    yield store
    store.clear()


@pytest.mark.django_db(transaction=True)  # autocommit, as in a request: no savepoint around the write
def test_cache_set_is_one_statement_and_overwrites(db_cache):
    db_cache._last_cull = float("inf")  # not due to cull
    with CaptureQueriesContext(connection) as ctx:
        db_cache.set("figures", {"open": 3}, 60)
    assert len(ctx.captured_queries) == 1
    assert "ON CONFLICT" in ctx.captured_queries[0]["sql"]
    db_cache.set("figures", {"open": 4}, 60)
    assert db_cache.get("figures") == {"open": 4}
    assert db_cache.get("missing", "default") == "default"
    db_cache.set("forever", "kept", None)  # no expiry
    assert db_cache.get("forever") == "kept"


def test_cache_entries_expire(db_cache):
    with time_machine.travel("2026-11-29 09:00 +0000", tick=False):
        db_cache.set("figures", [1, 2, 3], 300)
        assert db_cache.get("figures") == [1, 2, 3]
    with time_machine.travel("2026-11-29 09:05:01 +0000", tick=False):
        assert db_cache.get("figures") is None


@pytest.mark.django_db(transaction=True)
def test_cache_culls_expired_then_trims_to_max_entries_at_most_once_per_interval(db_cache, monkeypatch):
    with time_machine.travel("2026-11-29 09:00 +0000", tick=False):
        for n in range(3):
            db_cache.set(f"old{n}", n, 60)
    with time_machine.travel("2026-11-29 10:00 +0000", tick=False):
        for n in range(4):
            db_cache.set(f"new{n}", n, 600)
        db_cache._last_cull = None  # due
        db_cache.set("new4", 4, 600)
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM sendportal_cache")
            keys = {row[0].rsplit(":", 1)[-1] for row in cursor.fetchall()}
    # The three expired entries went; the 4 live ones were over MAX_ENTRIES (4 < 4 is false, so none trimmed),
    # and the new one was written after the cull.
    assert keys == {"new0", "new1", "new2", "new3", "new4"}
    monkeypatch.setattr(cache_module, "CULL_INTERVAL", 10**9)
    with CaptureQueriesContext(connection) as ctx:
        db_cache.set("new5", 5, 600)
    assert len(ctx.captured_queries) == 1  # not due again


def test_cache_trims_live_entries_over_max_entries(db_cache):
    for n in range(7):
        db_cache.set(f"k{n}", n, 600)
    db_cache._last_cull = None  # due
    db_cache.set("last", "x", 600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sendportal_cache")
        (count,) = cursor.fetchone()
    # 7 live entries > 4: Django's cull deletes 7 // 2 = 3 of them, then the new one is written.
    assert count == 7 - 3 + 1
    assert db_cache.get("last") == "x"


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
