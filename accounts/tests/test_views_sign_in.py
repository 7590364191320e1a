"""Signing in with a password and, where needed, a security code; setting one up when it is required; the
lockout covering both."""

import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import UserSession
from accounts.testing import code_from_setup_key, give_authenticator, next_code, totp_code
from sendportal.testing.browser import PASSWORD

pytestmark = pytest.mark.django_db


def password_step(client, user, *, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_user_without_a_second_factor_is_signed_in_by_their_password(client, officer):
    response = password_step(client, officer)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(client) == str(officer.pk)
    session = UserSession.objects.get(session_id=client.session.session_key)
    assert (session.user, session.method) == (officer, UserSession.Method.PASSWORD)


def test_a_user_with_an_authenticator_needs_a_code_before_any_page(client, officer):
    device = give_authenticator(officer)
    response = password_step(client, officer, next_url="/cases/")
    assert response["Location"] == reverse("accounts:sign_in_code")
    assert signed_in_as(client) is None
    assert client.get(reverse("cases:list")).status_code == 302  # not signed in yet

    page = client.get(reverse("accounts:sign_in_code")).content.decode()
    assert "<h1>Enter your security code</h1>" in page

    response = client.post(reverse("accounts:sign_in_code"), {"code": next_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    assert signed_in_as(client) == str(officer.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    assert UserSession.objects.get(session_id=client.session.session_key).method == UserSession.Method.TWO_FACTOR


def test_a_wrong_code_is_refused_with_a_message_and_nothing_signed_in(client, officer):
    give_authenticator(officer)
    password_step(client, officer)
    response = client.post(reverse("accounts:sign_in_code"), {"code": "000000"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Enter your security code" in page
    assert "The security code is not right" in page
    assert 'href="#id_code"' in page  # the error summary links to the field
    assert signed_in_as(client) is None


def test_an_empty_code_asks_for_one(client, officer):
    give_authenticator(officer)
    password_step(client, officer)
    page = client.post(reverse("accounts:sign_in_code"), {"code": ""}).content.decode()
    assert "Enter the security code" in page


def test_five_wrong_codes_lock_the_account_even_with_the_right_password_and_code(client, officer):
    device = give_authenticator(officer)
    password_step(client, officer)
    with time_machine.travel(time.time(), tick=False) as traveller:
        for _ in range(5):
            traveller.shift(60)  # past django-otp's growing delay, so each code is really checked
            response = client.post(reverse("accounts:sign_in_code"), {"code": "000000"})
        assert response.status_code == 429
        assert "Account locked" in response.content.decode()
        traveller.shift(60)
        response = client.post(reverse("accounts:sign_in_code"), {"code": next_code(device)})
        assert response.status_code == 429
        assert signed_in_as(client) is None
        # The password step is locked too.
        response = password_step(client, officer)
        assert response.status_code == 429
        assert signed_in_as(client) is None


def test_wrong_passwords_and_wrong_codes_count_together(client, officer):
    give_authenticator(officer)
    for _ in range(3):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong-password-123"})
    password_step(client, officer)
    with time_machine.travel(time.time(), tick=False) as traveller:
        traveller.shift(60)
        assert client.post(reverse("accounts:sign_in_code"), {"code": "000000"}).status_code == 200
        traveller.shift(60)
        assert client.post(reverse("accounts:sign_in_code"), {"code": "000000"}).status_code == 429


def test_codes_tried_too_fast_are_slowed_down(client, officer):
    give_authenticator(officer)
    password_step(client, officer)
    with time_machine.travel(time.time(), tick=False):
        client.post(reverse("accounts:sign_in_code"), {"code": "000000"})
        page = client.post(reverse("accounts:sign_in_code"), {"code": "111111"}).content.decode()
    assert "Too many wrong codes in a row. Wait" in page


def test_a_recovery_code_signs_in_once(client, officer):
    device = give_authenticator(officer)
    codes = services.recovery_codes_replace(user=officer)
    password_step(client, officer)
    response = client.post(reverse("accounts:sign_in_code"), {"code": codes[0].upper()[:4] + " " + codes[0][4:]})
    assert response.status_code == 302
    assert signed_in_as(client) == str(officer.pk)
    assert StaticToken.objects.filter(device__user=officer).count() == 9

    client.post(reverse("logout"))
    password_step(client, officer)
    page = client.post(reverse("accounts:sign_in_code"), {"code": codes[0]}).content.decode()
    assert "The security code is not right" in page
    assert signed_in_as(client) is None
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()  # the app itself still works


def test_a_recovery_code_sign_in_warns_how_many_are_left(client, officer):
    give_authenticator(officer)
    codes = services.recovery_codes_replace(user=officer)
    password_step(client, officer)
    response = client.post(reverse("accounts:sign_in_code"), {"code": codes[3]}, follow=True)
    assert "You signed in with a recovery code. You have 9 left" in response.content.decode()


def test_the_code_step_is_only_for_someone_who_has_just_given_their_password(client, officer):
    give_authenticator(officer)
    response = client.get(reverse("accounts:sign_in_code"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_a_pending_sign_in_expires_after_ten_minutes(client, officer):
    device = give_authenticator(officer)
    with time_machine.travel(time.time(), tick=False) as traveller:
        password_step(client, officer)
        traveller.shift(11 * 60)
        response = client.post(reverse("accounts:sign_in_code"), {"code": totp_code(device.bin_key)}, follow=True)
    assert "Sign in again" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_manager_without_an_authenticator_must_set_one_up_to_finish_signing_in(client, manager):
    response = password_step(client, manager, next_url="/deadlines/")
    assert response["Location"] == reverse("accounts:sign_in_set_up")
    assert signed_in_as(client) is None
    assert client.get(reverse("dashboards:management")).status_code == 302

    page = client.get(reverse("accounts:sign_in_set_up")).content.decode()
    assert "<h1>Set up two-factor sign-in</h1>" in page
    assert "must use a security code" in page
    assert 'src="data:image/svg+xml' in page  # the QR code, inline (the CSP allows data: images)
    setup_key = page.split('id="setup-key">')[1].split("<")[0]

    response = client.post(reverse("accounts:sign_in_set_up"), {"code": "123"})
    assert "The security code is not right" in response.content.decode()
    assert signed_in_as(client) is None

    response = client.post(reverse("accounts:sign_in_set_up"), {"code": code_from_setup_key(setup_key)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    assert signed_in_as(client) == str(manager.pk)
    assert TOTPDevice.objects.get(user=manager).confirmed
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    codes = list(StaticToken.objects.filter(device__user=manager).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(f"<code>{code}</code>" in page for code in codes)
    assert 'href="/deadlines/"' in page  # carries on to the page they asked for
    # Shown once only.
    assert client.get(reverse("accounts:recovery_codes"))["Location"] == reverse("accounts:two_factor")


def test_the_qr_code_carries_the_same_key_as_the_page(client, manager):
    password_step(client, manager)
    page = client.get(reverse("accounts:sign_in_set_up")).content.decode()
    device = TOTPDevice.objects.get(user=manager)
    from base64 import b32encode

    assert page.split('id="setup-key">')[1].split("<")[0].replace(" ", "") == b32encode(device.bin_key).decode()
    assert "sendportal" in device.config_url
    # The same unconfirmed key is shown again on reload (the user may have scanned it already).
    client.get(reverse("accounts:sign_in_set_up"))
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_superusers_must_use_two_factor_too(client, superuser):
    response = client.post(reverse("login"), {"username": superuser.username, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:sign_in_set_up")


def test_the_setting_makes_two_factor_required_for_every_local_account(client, officer, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ALL_LOCAL_ACCOUNTS = True
    response = password_step(client, officer)
    assert response["Location"] == reverse("accounts:sign_in_set_up")
    assert signed_in_as(client) is None


def test_the_admin_sign_in_page_sends_everyone_to_the_portal_sign_in(client, superuser):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=%2Fadmin%2F"
    # A POST to it signs nobody in either.
    response = client.post("/admin/login/", {"username": superuser.username, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_as(client) is None


def test_sign_in_cycles_the_session_key(client, officer):
    give_authenticator(officer)
    client.get(reverse("login"))
    password_step(client, officer)
    pending_key = client.session.session_key
    client.post(reverse("accounts:sign_in_code"), {"code": next_code(TOTPDevice.objects.get(user=officer))})
    assert client.session.session_key != pending_key
    assert not Session.objects.filter(session_key=pending_key).exists()


def test_sign_out_says_so_on_the_sign_in_page(client_for, officer):
    client = client_for(officer)
    response = client.post(reverse("logout"), follow=True)
    assert "You have signed out" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("login")
