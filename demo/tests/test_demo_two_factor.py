"""The demo manager and admin sign in with the published demo authenticator key (README demo table)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo import seed

pytestmark = pytest.mark.django_db


def test_demo_users_who_must_use_two_factor_get_the_published_key():
    seed.seed_users()
    seed.seed_users()  # again: still one device each
    holders = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert holders == {"manager", "admin"}
    assert TOTPDevice.objects.count() == 2


def test_the_demo_code_command_signs_the_manager_in(client):
    seed.seed_users()
    out = StringIO()
    call_command("demo_security_code", stdout=out)
    code = re.match(r"(\d{6})\s", out.getvalue()).group(1)
    assert seed.DEMO_TOTP_KEY in out.getvalue()

    response = client.post(reverse("login"), {"username": "manager", "password": seed.DEMO_PASSWORD})
    assert response["Location"] == reverse("accounts:sign_in_code")
    response = client.post(reverse("accounts:sign_in_code"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(TOTPDevice.objects.get(user__username="manager").user_id)


def test_seed_command_says_how_to_get_the_code():
    out = StringIO()
    call_command("seed_demo", "--without-cases", "--allow-without-debug", stdout=out)
    assert f"add the key {seed.DEMO_TOTP_KEY} to an authenticator app" in out.getvalue()
