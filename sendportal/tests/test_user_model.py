"""The portal's user model (docs/decisions/user-model.md): Django's user in Django's own tables, and the path a
database made while users were auth.User takes to it (sendportal migrations 0001 and 0002)."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

from sendportal.models import User

BEFORE = [("sendportal", "0001_cache_table")]
AFTER = [("sendportal", "0002_user_content_type")]

# auth_user as django.contrib.auth made it (auth migrations 0001 to 0012), column by column.
AUTH_USER_COLUMNS = {
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
}


def test_the_user_model_is_the_portals_own():
    assert get_user_model() is User
    assert User._meta.label == "sendportal.User"


@pytest.mark.django_db
def test_the_user_lives_in_djangos_tables_with_djangos_keys():
    assert User._meta.db_table == "auth_user"
    assert User.groups.through._meta.db_table == "auth_user_groups"
    assert User.user_permissions.through._meta.db_table == "auth_user_user_permissions"
    assert {f.column for f in User._meta.concrete_fields} == AUTH_USER_COLUMNS
    # Every table that points at a user has an integer column, as auth.User's key was: it stays an integer.
    for model in (User, User.groups.through, User.user_permissions.through):
        assert type(model._meta.pk) is models.AutoField, model
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "auth_user")}
        link_columns = {c.name for c in connection.introspection.get_table_description(cursor, "auth_user_groups")}
    assert columns == AUTH_USER_COLUMNS
    assert link_columns == {"id", "user_id", "group_id"}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()


@pytest.fixture
def migrations_restored():
    """Whatever a test does, the database ends fully migrated for the tests after it."""
    yield
    _migrate(AFTER)


@pytest.fixture
def _as_before_the_user_model(migrations_restored):
    """The database as it was while users were auth.User: their content type is auth.user."""
    _migrate(BEFORE)
    return ContentType.objects.get(app_label="auth", model="user")


@pytest.mark.django_db(transaction=True)
def test_a_database_made_with_djangos_user_keeps_its_users_grants_and_history(_as_before_the_user_model):
    old = _as_before_the_user_model
    person = User.objects.create_user("pat_officer", first_name="Pat", last_name="Quinn")
    assert not ContentType.objects.filter(app_label="sendportal", model="user").exists()
    view_user = Permission.objects.get(content_type=old, codename="view_user")
    role = Group.objects.create(name="User viewers")
    role.permissions.add(view_user)
    person.user_permissions.add(view_user)
    entry = LogEntry.objects.create(
        content_type=old, object_pk=str(person.pk), object_id=person.pk, object_repr="pat_officer", action=1
    )

    _migrate(AFTER)

    moved = ContentType.objects.get_for_model(User)
    assert (moved.pk, moved.app_label, moved.model) == (old.pk, "sendportal", "user")
    assert not ContentType.objects.filter(app_label="auth", model="user").exists()
    assert set(Permission.objects.filter(content_type=moved).values_list("codename", flat=True)) == {
        "add_user",
        "change_user",
        "delete_user",
        "view_user",
    }
    person = User.objects.get(pk=person.pk)
    assert person.has_perm("sendportal.view_user")
    assert list(role.permissions.values_list("pk", flat=True)) == [view_user.pk]
    entry.refresh_from_db()
    assert entry.content_type_id == moved.pk
    assert list(LogEntry.objects.get_for_object(person)) == [entry]


@pytest.mark.django_db(transaction=True)
def test_a_user_content_type_made_early_in_the_same_run_gives_way_to_the_old_one(_as_before_the_user_model):
    old = _as_before_the_user_model
    # A migration that creates permissions ran before 0002 in the same run: sendportal.user exists already, and
    # a role was given its view_user.
    early = ContentType.objects.create(app_label="sendportal", model="user")
    early_view = Permission.objects.create(content_type=early, codename="view_user", name="Can view user")
    early_only = Permission.objects.create(content_type=early, codename="export_user", name="Can export user")
    role = Group.objects.create(name="User viewers")
    role.permissions.add(early_view)

    _migrate(AFTER)

    assert not ContentType.objects.filter(pk=early.pk).exists()
    moved = ContentType.objects.get(app_label="sendportal", model="user")
    assert moved.pk == old.pk
    assert set(role.permissions.values_list("content_type_id", "codename")) == {(old.pk, "view_user")}
    early_only.refresh_from_db()
    assert early_only.content_type_id == old.pk
    assert Permission.objects.filter(content_type=moved, codename="view_user").count() == 1


@pytest.mark.django_db(transaction=True)
def test_going_back_gives_the_content_type_back_to_auth(migrations_restored):
    moved = ContentType.objects.get_for_model(User)
    _migrate(BEFORE)
    assert ContentType.objects.get(pk=moved.pk).app_label == "auth"
    _migrate(AFTER)
    assert ContentType.objects.get(pk=moved.pk).app_label == "sendportal"
