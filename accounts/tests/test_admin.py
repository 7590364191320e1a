"""What an administrator can do about someone else's sign-in: remove a lost authenticator, see council
identities."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.testing import give_authenticator
from sendportal.testing.browser import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_administrator_removes_a_lost_authenticator_and_its_owner_sets_up_a_new_one(client_for, superuser, manager):
    device = give_authenticator(manager)
    admin = client_for(superuser)
    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 200
    response = admin.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    admin.logout()

    response = admin.post(reverse("login"), {"username": manager.username, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:sign_in_set_up")


def test_council_identities_are_listed_read_only(client_for, superuser, officer):
    from accounts.models import ExternalIdentity

    ExternalIdentity.objects.create(user=officer, issuer="https://idp", subject="abc")
    admin = client_for(superuser)
    page = admin.get("/admin/accounts/externalidentity/").content.decode()
    assert officer.username in page
    assert admin.get("/admin/accounts/externalidentity/add/").status_code == 403


def test_authenticator_changes_are_in_the_audit_log_without_the_key(officer):
    from auditlog.models import LogEntry

    device = give_authenticator(officer)
    services.two_factor_remove(user=officer, actor=officer)
    entries = LogEntry.objects.filter(content_type__model="totpdevice", object_pk=str(device.pk))
    assert entries.count() == 2  # created, deleted
    assert all(device.key not in str(entry.changes) for entry in entries)
