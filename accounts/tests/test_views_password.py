"""Password reset by email (no user enumeration, rate-limited, link on SITE_URL) and password change (other
sessions signed out)."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import RateLimitCounter, UserSession
from sendportal.testing.browser import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern-harbour-violet-2027"


def ask_for_reset(client, email, **extra):
    return client.post(reverse("accounts:password_reset"), {"email": email}, **extra)


def reset_link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_known_and_unknown_addresses_get_the_same_answer(client, officer):
    known = ask_for_reset(client, officer.email)
    unknown = ask_for_reset(client, "nobody@example.gov.uk")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_sent")
    sent = client.get(known["Location"]).content.decode()
    assert "If a sendportal account uses the address you gave" in sent
    assert officer.email not in sent
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [officer.email]


def test_the_email_links_to_the_site_address_never_the_host_asked_for(client, officer, settings):
    settings.SITE_URL = "https://sendportal.example.gov.uk"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example.com"]
    ask_for_reset(client, officer.email.upper(), HTTP_HOST="evil.example.com")
    (message,) = mail.outbox
    assert message.subject == "Reset your sendportal password"
    link = reset_link(message)
    assert link.startswith("https://sendportal.example.gov.uk/password-reset/")
    assert "evil" not in message.body
    assert "works once, for 60 minutes" in message.body
    assert officer.username in message.body


def test_the_link_sets_a_new_password_once_and_signs_out_every_session(client, officer):
    elsewhere = Client()
    elsewhere.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    assert UserSession.objects.filter(user=officer).count() == 1
    ask_for_reset(client, officer.email)
    link = reset_link(mail.outbox[0])

    form_page = client.get(link, follow=True)
    assert "<h1>Choose a new password</h1>" in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    assert "set-password" in form_url  # the token left the address bar for the session
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    page = response.content.decode()
    assert "<title>Error: Choose a new password" in page
    assert "at least 12 characters" in page
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert not UserSession.objects.filter(user=officer).exists()
    assert not Session.objects.filter(session_key=elsewhere.session.session_key).exists()
    assert elsewhere.get(reverse("cases:list")).status_code == 302
    # The link is spent.
    again = client.get(link, follow=True).content.decode()
    assert "<h1>This reset link does not work</h1>" in again


def test_a_reset_lifts_the_lockout(client, officer):
    for _ in range(5):
        client.post(reverse("login"), {"username": officer.username, "password": "wrong-password-123"})
    assert AccessAttempt.objects.filter(username=officer.username).exists()
    ask_for_reset(client, officer.email)
    form_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    response = client.post(reverse("login"), {"username": officer.username, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_council_accounts_and_switched_off_accounts_get_no_email(client, officer, other_officer):
    officer.set_unusable_password()
    officer.save()
    other_officer.is_active = False
    other_officer.save()
    for user in (officer, other_officer):
        assert ask_for_reset(client, user.email)["Location"] == reverse("accounts:password_reset_sent")
    assert mail.outbox == []


def test_a_bad_address_gets_a_message_and_nothing_is_counted(client):
    response = ask_for_reset(client, "not-an-address")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Reset your password" in page
    assert "Enter an email address in the correct format" in page
    assert not RateLimitCounter.objects.exists()


def test_requests_for_one_address_are_limited(client, officer):
    for _ in range(5):
        assert ask_for_reset(client, officer.email).status_code == 302
    response = ask_for_reset(client, officer.email.upper())
    assert response.status_code == 429
    assert "<h1>Too many reset requests</h1>" in response.content.decode()
    assert len(mail.outbox) == 5
    # Unknown addresses are limited the same way: the limit tells nobody whether an account exists.
    for _ in range(5):
        ask_for_reset(client, "nobody@example.gov.uk")
    assert ask_for_reset(client, "nobody@example.gov.uk").status_code == 429
    # Counters keep no address.
    assert not RateLimitCounter.objects.filter(key__contains="example").exists()


def test_requests_from_one_client_are_limited(client):
    for n in range(20):
        assert ask_for_reset(client, f"person{n}@example.gov.uk").status_code == 302
    assert ask_for_reset(client, "one-more@example.gov.uk").status_code == 429


def test_changing_your_password_keeps_you_signed_in_and_signs_out_your_other_sessions(client, officer):
    elsewhere = Client()
    elsewhere.post(reverse("login"), {"username": officer.username, "password": PASSWORD}, HTTP_USER_AGENT="Firefox/1")
    client.post(reverse("login"), {"username": officer.username, "password": PASSWORD}, HTTP_USER_AGENT="Edg/1")
    assert UserSession.objects.filter(user=officer).count() == 2

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password has been changed. 1 other session signed out." in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert client.get(reverse("cases:list")).status_code == 200
    assert elsewhere.get(reverse("cases:list")).status_code == 302
    (kept,) = UserSession.objects.filter(user=officer)
    assert kept.session_id == client.session.session_key  # carried over to the session's new key
    assert kept.user_agent == "Edge"


def test_a_wrong_current_password_changes_nothing(client_for, officer):
    response = client_for(officer).post(
        reverse("accounts:password_change"),
        {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    page = response.content.decode()
    assert "<title>Error: Change your password" in page
    assert "Your old password was entered incorrectly" in page
    assert 'href="#id_old_password"' in page
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_council_accounts_cannot_change_a_password_here(client_for, officer):
    officer.set_unusable_password()
    officer.save()
    assert client_for(officer).get(reverse("accounts:password_change")).status_code == 403


def test_profile_links_to_the_account_pages(client_for, officer):
    page = client_for(officer).get(reverse("profile")).content.decode()
    for name in ("password_change", "two_factor", "sessions"):
        assert f'href="{reverse(f"accounts:{name}")}"' in page


def test_known_and_unknown_addresses_do_the_same_token_and_email_work(client, officer, monkeypatch):
    from django.contrib.auth.tokens import default_token_generator

    from accounts import services

    made, written = [], []
    real_make_token = default_token_generator.make_token
    real_render = services.render_to_string
    monkeypatch.setattr(
        default_token_generator, "make_token", lambda user: made.append(user.pk) or real_make_token(user)
    )
    monkeypatch.setattr(services, "render_to_string", lambda *a, **k: written.append(a[0]) or real_render(*a, **k))

    ask_for_reset(client, officer.email)
    ask_for_reset(client, "nobody@example.gov.uk")

    assert made == [officer.pk, 0]  # a token for the stand-in user too
    assert written == ["accounts/email/password_reset.txt"] * 2
    assert len(mail.outbox) == 1


def test_sign_in_logs_name_nobody(client, officer, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="sendportal.accounts")
    client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    ask_for_reset(client, officer.email)
    ours = [r.getMessage() for r in caplog.records if r.name == "sendportal.accounts"]
    assert f"signed in: user={officer.pk} method=password" in ours
    assert f"password reset email written: user={officer.pk}" in ours
    assert not [m for m in ours if officer.username in m or officer.email in m or "Olivia" in m]
