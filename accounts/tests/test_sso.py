"""Single sign-on against a real OpenID Connect provider (django-oidc-provider in its own process): discovery,
the authorization code flow with PKCE, RS256 ID tokens checked against the provider's JWKS, role mapping from
the groups claim, refusal, and sign-out at the provider."""

from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import ExternalIdentity, UserSession
from cases import permissions
from conftest import ensure_role

from .conftest import council_sign_in

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def _roles(db):
    for role in permissions.ROLE_PERMISSIONS:
        ensure_role(role)


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def roles_of(user):
    return set(user.groups.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("username", "role", "home"),
    [
        ("olivia.officer", permissions.OFFICER, "/my-work/"),
        ("maya.manager", permissions.MANAGER, "/my-work/"),
        ("mo.mediator", permissions.MEDIATOR, "/mediator/"),
    ],
)
def test_council_user_signs_in_with_the_role_their_groups_give(client, sso, username, role, home):
    response = council_sign_in(client, sso, username)

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = signed_in_user(client)
    assert user is not None
    assert roles_of(user) == {role}
    assert not user.has_usable_password()  # no local password: the council's is the only one
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.issuer == sso.issuer
    assert identity.last_sign_in_at is not None
    assert user.username == username  # the provider's preferred username
    assert user.email == f"{username}@council.example.gov.uk"
    assert user.first_name == username.split(".")[0].title()
    session = UserSession.objects.get(session_id=client.session.session_key)
    assert session.method == UserSession.Method.SSO
    assert session.user == user
    # Their first page: the one for their role (a manager is not asked for a local security code).
    assert client.get("/")["Location"] == home
    assert client.get(home).status_code == 200


def test_council_sign_in_returns_to_the_page_asked_for(client, sso):
    response = council_sign_in(client, sso, "olivia.officer", next_url="/cases/")
    assert response["Location"] == "/cases/"


def test_council_user_without_a_mapped_group_is_refused_with_a_clear_page(client, sso):
    response = council_sign_in(client, sso, "fred.finance")

    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>You cannot use sendportal</h1>" in page
    assert "does not give you a role in sendportal" in page
    assert signed_in_user(client) is None
    assert not User.objects.filter(username="fred.finance").exists()
    assert not ExternalIdentity.objects.exists()


def test_changed_groups_change_roles_at_the_next_sign_in_and_losing_them_refuses(client, sso):
    sso.set_user("cal.changer", groups=["sendportal-officers"])
    council_sign_in(client, sso, "cal.changer")
    user = signed_in_user(client)
    assert roles_of(user) == {permissions.OFFICER}
    readers = Group.objects.create(name="Report readers")  # not a portal role: left alone
    user.groups.add(readers)
    client.post(reverse("logout"))

    sso.set_user("cal.changer", groups=["sendportal-managers", "all-staff"])
    council_sign_in(client, sso, "cal.changer")
    assert signed_in_user(client) == user
    assert roles_of(user) == {permissions.MANAGER, "Report readers"}
    assert client.get(reverse("dashboards:management")).status_code == 200
    client.post(reverse("logout"))

    sso.set_user("cal.changer", groups=["all-staff"])
    response = council_sign_in(client, sso, "cal.changer")
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert roles_of(user) == {"Report readers"}  # the portal roles went at once
    assert ExternalIdentity.objects.filter(user=user).count() == 1


def test_switched_off_portal_account_is_refused(client, sso):
    council_sign_in(client, sso, "mo.mediator")
    user = signed_in_user(client)
    client.post(reverse("logout"))
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = council_sign_in(client, sso, "mo.mediator")
    assert response.status_code == 403
    assert "has been switched off" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_local_account_with_the_same_email_or_username_is_never_taken_over(client, sso, django_user_model):
    local = django_user_model.objects.create_user(
        "olivia.officer", email="olivia.officer@council.example.gov.uk", password="local-password-2026"
    )
    council_sign_in(client, sso, "olivia.officer")
    user = signed_in_user(client)
    assert user != local
    assert user.username == "olivia.officer@council.example.gov.uk"  # the next candidate: the email address
    assert roles_of(local) == set()
    assert local.check_password("local-password-2026")


def test_refused_council_sign_ins_never_lock_out_the_office_address(client, sso, officer):
    for _ in range(6):
        assert council_sign_in(client, sso, "fred.finance").status_code == 403
    assert not AccessAttempt.objects.exists()
    response = client.post(reverse("login"), {"username": officer.username, "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert signed_in_user(client) == officer


def test_signing_out_signs_out_at_the_provider_too(client, sso):
    council_sign_in(client, sso, "olivia.officer")
    session_key = client.session.session_key

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == sso.issuer + "/end-session"
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/sign-in/"]
    assert query["id_token_hint"][0].count(".") == 2  # the ID token the provider issued
    assert signed_in_user(client) is None
    assert not UserSession.objects.filter(session_id=session_key).exists()
    assert client.get(reverse("cases:list")).status_code == 302


def test_callback_without_a_matching_state_or_with_an_error_is_refused(client, sso):
    response = client.get(reverse("accounts:sso_callback"), {"code": "made-up", "state": "made-up"})
    assert response.status_code == 400
    assert "<h1>Sign-in did not finish</h1>" in response.content.decode()
    response = client.get(reverse("accounts:sso_callback"), {"error": "access_denied", "state": "x"})
    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_a_state_works_once(client, sso):
    start = client.get(reverse("accounts:sso_start"))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    assert state in client.session["oidc_states"]
    client.get(reverse("accounts:sso_callback"), {"code": "made-up", "state": state})
    assert state not in client.session["oidc_states"]


def test_the_authorization_request_uses_pkce_and_a_nonce(client, sso):
    start = client.get(reverse("accounts:sso_start"))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["sendportal-test"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == ["http://testserver/sign-in/council/callback/"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_an_unreachable_provider_gives_a_clear_page(client, sso, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/openid"  # the discard port: nothing listens
    response = client.get(reverse("accounts:sso_start"))
    assert response.status_code == 503
    assert "<h1>Council sign-in is not available</h1>" in response.content.decode()


def test_sign_in_page_offers_council_sign_in_only_when_configured(client, sso, settings):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your Example Council account" in page
    assert 'href="/sign-in/council/"' in page
    settings.OIDC_ISSUER = ""
    page = client.get(reverse("login")).content.decode()
    assert "council/" not in page
    assert client.get(reverse("accounts:sso_start")).status_code == 404
    assert client.get(reverse("accounts:sso_callback")).status_code == 404


def test_an_id_token_that_fails_its_checks_gives_the_failed_page_not_an_error(client, sso, monkeypatch):
    import jwt

    from accounts import sso as sso_module

    def expired(self, token, **kwargs):
        raise jwt.ExpiredSignatureError("Signature has expired")

    monkeypatch.setattr(sso_module.SsoBackend, "verify_token", expired)
    response = council_sign_in(client, sso, "olivia.officer")
    assert response.status_code == 400
    assert "<h1>Sign-in did not finish</h1>" in response.content.decode()
    assert signed_in_user(client) is None
