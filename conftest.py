"""Shared fixtures: users for each role, signed-in clients, a temporary media folder."""

import os

import factory.random
import pytest
from django.contrib.auth.models import Group, Permission

from cases import permissions

pytest_plugins = ["sendportal.testing.browser"]

# Playwright's sync API runs an event loop in the test thread; the live server's ORM calls are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Incidental data (names, emails) is reproducible from run to run; tests set what they are about explicitly.
factory.random.reseed_random("sendportal")


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
