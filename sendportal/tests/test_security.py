"""The security baseline: every control tried as an attacker would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]
UNSAFE = {"DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for the browser tests only; production must not have it


def test_sign_in_page_is_public_and_framed_by_nobody(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp


def test_pages_have_no_inline_script_without_nonce(client_for, officer):
    case = CaseFactory()
    content = client_for(officer).get(case.get_absolute_url()).content.decode()
    for chunk in content.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "nonce=" in tag and "src=" in tag, f"inline or un-nonced script: <script{tag}>"


def test_signed_in_pages_are_not_stored(client_for, officer):
    response = client_for(officer).get(reverse("cases:list"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_every_page_except_sign_in_needs_sign_in(client):
    for url in [reverse("home"), reverse("cases:list"), reverse("cases:create")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_sign_out_is_post_only(client_for, officer):
    c = client_for(officer)
    assert c.get(reverse("logout")).status_code == 405
    assert c.get(reverse("cases:list")).status_code == 200  # still signed in
    response = c.post(reverse("logout"))
    assert response.status_code == 302
    assert c.get(reverse("cases:list")).status_code == 302


def test_lockout_after_five_failed_sign_ins_even_with_the_right_password(client, officer):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": officer.username, "password": "wrong-password-123"})
    response = client.post(reverse("login"), {"username": officer.username, "password": "correct-horse-battery-staple"})
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_then_the_right_password_signs_in(client, officer):
    for _ in range(4):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong-password-123"})
    response = client.post(reverse("login"), {"username": officer.username, "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_failed_sign_in_message_does_not_say_which_part_was_wrong(client, officer):
    unknown = client.post(reverse("login"), {"username": "nobody-here", "password": "wrong-password-123"})
    known = client.post(reverse("login"), {"username": officer.username, "password": "wrong-password-123"})
    assert unknown.status_code == known.status_code == 200
    for response in (unknown, known):
        assert "Enter a correct username and password." in response.content.decode()
        assert "<title>Error: Sign in" in response.content.decode()


def test_sign_in_refuses_an_offsite_next(client, officer):
    response = client.post(
        reverse("login") + "?next=https://evil.example.com/",
        {"username": officer.username, "password": "correct-horse-battery-staple", "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


def test_passwords_hash_with_argon2_in_real_settings():
    from sendportal.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = Argon2PasswordHasher().encode("correct-horse-battery-staple", "saltsaltsalt")
    assert encoded.startswith("argon2$argon2id$")


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError) as exc:
        validate_password("Tr0ub4dor&3")
    assert "at least 12 characters" in " ".join(exc.value.messages)
    validate_password("violet-harbour-lantern")


def test_sessions_expire_after_thirty_idle_minutes():
    # The expiry is pushed on at most once a minute by sendportal.middleware.SessionIdleRefreshMiddleware (its
    # behaviour is tested in test_wiring.py), not by saving the session on every request.
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert "sendportal.middleware.SessionIdleRefreshMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_admin_is_for_superusers_only(client_for, officer, manager, superuser):
    for user in (officer, manager):
        response = client_for(user).get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    response = client_for(superuser).get("/admin/")
    assert response.status_code == 200
    assert "Reference data" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/cases/school/",
        "/admin/referrals/mediator/",
        "/admin/cases/nonworkingday/",
        "/admin/cases/healthbody/",
        "/admin/referrals/mediationprovider/",
    ],
)
def test_reference_data_is_searchable_in_the_admin(client_for, superuser, path):
    response = client_for(superuser).get(path, {"q": "x"})
    assert response.status_code == 200
    assert 'id="searchbar"' in response.content.decode()


def test_admin_cannot_delete_reference_data(client_for, superuser):
    from cases.tests.factories import SchoolFactory

    school = SchoolFactory()
    response = client_for(superuser).get(f"/admin/cases/school/{school.pk}/delete/")
    assert response.status_code == 403


def test_error_pages_show_no_traceback(client_for, officer):
    response = client_for(officer).get("/cases/not-a-number/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


def _run_settings(env_extra):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", *UNSAFE}}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "sendportal.settings.production"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _run_settings({"ALLOWED_HOSTS": "portal.example.gov.uk"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy_with_secrets_set():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", *UNSAFE}}
    env.update(
        DJANGO_SETTINGS_MODULE="sendportal.settings.production",
        SECRET_KEY="x" * 20 + "a-long-random-test-secret-0123456789-abcdefghijk",
        ALLOWED_HOSTS="portal.example.gov.uk",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
