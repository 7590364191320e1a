import pytest
from django.contrib.auth.models import Group

from cases import permissions

pytestmark = pytest.mark.django_db


def test_groups_created_by_migrations_match_the_reviewed_role_map():
    for role, perms in permissions.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(perms), role


def test_mediator_role_holds_no_case_permission(mediator_user):
    assert not any(p.startswith("cases.") for p in mediator_user.get_all_permissions())


def test_only_managers_can_export(officer, manager):
    assert manager.has_perm("cases.export_cases")
    assert not officer.has_perm("cases.export_cases")


def test_closed_case_cannot_be_edited_or_assigned(officer):
    from cases.models import Status
    from cases.tests.factories import CaseFactory

    case = CaseFactory(status=Status.CLOSED)
    assert not permissions.can_edit_case(officer, case)
    assert not permissions.can_assign_officer(officer, case)
