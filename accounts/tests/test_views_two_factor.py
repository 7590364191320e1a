"""The signed-in user's two-factor page: set up, replace, new recovery codes, turn off."""

import time

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.testing import code_from_setup_key, give_authenticator, next_code

pytestmark = pytest.mark.django_db

PAGES = ["two_factor", "two_factor_set_up", "two_factor_remove", "recovery_codes"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_need_sign_in(client, name):
    response = client.get(reverse(f"accounts:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_officer_sets_up_two_factor_from_their_page(client_for, officer):
    client = client_for(officer)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Two-factor sign-in is off" in page
    page = client.get(reverse("accounts:two_factor_set_up")).content.decode()
    setup_key = page.split('id="setup-key">')[1].split("<")[0]
    response = client.post(reverse("accounts:two_factor_set_up"), {"code": code_from_setup_key(setup_key)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    codes = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert codes.count("<code>") == 10
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "On: signing in asks for a code" in page
    assert "Recovery codes left" in page
    assert "Turn off two-factor sign-in" in page


def test_a_wrong_first_code_changes_nothing(client_for, officer):
    client = client_for(officer)
    client.get(reverse("accounts:two_factor_set_up"))
    response = client.post(reverse("accounts:two_factor_set_up"), {"code": "000000"})
    page = response.content.decode()
    assert "<title>Error: Set up two-factor sign-in" in page
    assert "The security code is not right" in page
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()


def test_a_new_app_replaces_the_old_one_once_its_first_code_works(client_for, officer):
    old = give_authenticator(officer)
    client = client_for(officer)
    page = client.get(reverse("accounts:two_factor_set_up")).content.decode()
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()  # still works until the new one does
    setup_key = page.split('id="setup-key">')[1].split("<")[0]
    client.post(reverse("accounts:two_factor_set_up"), {"code": code_from_setup_key(setup_key)})
    devices = TOTPDevice.objects.filter(user=officer)
    assert devices.count() == 1
    assert devices.get().pk != old.pk


def test_new_recovery_codes_replace_the_old_ones(client_for, officer):
    give_authenticator(officer)
    old = set(services.recovery_codes_replace(user=officer))
    client = client_for(officer)
    response = client.post(reverse("accounts:recovery_codes"), follow=True)
    page = response.content.decode()
    assert "New recovery codes made: the old ones no longer work" in page
    new = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert len(new) == 10
    assert not (old & new)
    assert all(f"<code>{code}</code>" in page for code in new)


def test_recovery_codes_need_an_authenticator(client_for, officer):
    response = client_for(officer).post(reverse("accounts:recovery_codes"), follow=True)
    assert "Set up an authenticator app first." in response.content.decode()
    assert not StaticDevice.objects.filter(user=officer).exists()


def test_turning_off_needs_a_current_code(client_for, officer):
    device = give_authenticator(officer)
    services.recovery_codes_replace(user=officer)
    client = client_for(officer)
    with time_machine.travel(time.time(), tick=False) as traveller:
        page = client.post(reverse("accounts:two_factor_remove"), {"code": "000000"}).content.decode()
        assert "The security code is not right" in page
        page = client.post(reverse("accounts:two_factor_remove"), {"code": next_code(device)}).content.decode()
        assert "Too many wrong codes in a row. Wait 1 second," in page  # django-otp's delay after a wrong code
        assert TOTPDevice.objects.filter(user=officer).exists()
        traveller.shift(1)
        response = client.post(reverse("accounts:two_factor_remove"), {"code": next_code(device)}, follow=True)
    assert "Two-factor sign-in turned off" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()


def test_a_manager_cannot_turn_it_off(client_for, manager):
    give_authenticator(manager)
    client = client_for(manager)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "required for your account, so it cannot be turned off" in page
    assert "Turn off two-factor sign-in" not in page
    assert client.get(reverse("accounts:two_factor_remove")).status_code == 403
    assert client.post(reverse("accounts:two_factor_remove"), {"code": "000000"}).status_code == 403
    assert TOTPDevice.objects.filter(user=manager).exists()


def test_council_accounts_have_no_local_second_factor(client_for, officer):
    officer.set_unusable_password()
    officer.save()
    client = client_for(officer)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "You sign in with your council account" in page
    for name in ("two_factor_set_up", "two_factor_remove", "recovery_codes"):
        assert client.get(reverse(f"accounts:{name}")).status_code == 403, name
    assert not TOTPDevice.objects.filter(user=officer).exists()
