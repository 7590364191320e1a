"""Fixtures for sign-in tests: a real OpenID Connect provider, single sign-on settings pointing at it, and a way
to sign in through it with Django's test client (the provider's own pages driven with `requests`)."""

import re
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from accounts import sso as sso_module
from accounts.tests.idp.server import CLIENT_ID, CLIENT_SECRET, PASSWORD, IdentityProvider

GROUPS = {"officer": ["sendportal-officers"], "manager": ["sendportal-managers"], "mediator": ["sendportal-mediators"]}

# Council users on the provider, made when it starts. Tests that change a user's groups use their own user.
COUNCIL_USERS = {
    "olivia.officer": ("Olivia", "Officer", ["sendportal-officers", "all-staff"]),
    "maya.manager": ("Maya", "Manager", ["sendportal-managers", "all-staff"]),
    "mo.mediator": ("Mo", "Mediator", ["sendportal-mediators"]),
    "fred.finance": ("Fred", "Finance", ["finance-team", "all-staff"]),
}
TEST_CLIENT_ORIGIN = "http://testserver"


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    provider = IdentityProvider(tmp_path_factory.mktemp("idp"))
    provider.start(
        redirect_uris=[TEST_CLIENT_ORIGIN + "/sign-in/council/callback/"],
        post_logout_uris=[TEST_CLIENT_ORIGIN + "/sign-in/"],
    )
    provider.allowed_origins = {TEST_CLIENT_ORIGIN}
    for username, (first, last, groups) in COUNCIL_USERS.items():
        provider.set_user(username, groups=groups, first_name=first, last_name=last)
    yield provider
    provider.stop()


@pytest.fixture
def sso(settings, identity_provider):
    """Single sign-on on, against the test provider; yields the provider."""
    settings.OIDC_ISSUER = identity_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "your Example Council account"
    settings.OIDC_ROLE_GROUPS = GROUPS
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": ["'self'", identity_provider.url]}
    sso_module.forget_provider()
    yield identity_provider
    sso_module.forget_provider()


@pytest.fixture
def sso_for_browser(sso, live_server):
    """As `sso`, with the live server's address registered at the provider."""
    if live_server.url not in sso.allowed_origins:
        sso.allowed_origins.add(live_server.url)
        origins = sorted(sso.allowed_origins)
        args = ["idp_setup"]
        for origin in origins:
            args += ["--redirect-uri", origin + "/sign-in/council/callback/", "--post-logout-uri", origin + "/sign-in/"]
        sso.manage(*args)
    return sso


def council_sign_in(client, provider, username: str, *, password: str = PASSWORD, next_url: str = ""):
    """Sign in through the provider with the test client: start, the provider's sign-in form, the callback.
    Returns the portal's response to the callback."""
    start = client.get(reverse("accounts:sso_start") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start
    authorize = start["Location"]
    assert authorize.startswith(provider.issuer + "/authorize"), authorize
    browser = requests.Session()
    to_login = browser.get(authorize, allow_redirects=False)
    assert to_login.status_code == 302
    login_url = requests.compat.urljoin(provider.url, to_login.headers["Location"])
    page = browser.get(login_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    next_path = re.search(r'name="next" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")
    signed_in = browser.post(
        login_url,
        data={"csrfmiddlewaretoken": token, "username": username, "password": password, "next": next_path},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, "the provider refused the password"
    back = browser.get(requests.compat.urljoin(provider.url, signed_in.headers["Location"]), allow_redirects=False)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert f"{callback.scheme}://{callback.netloc}" == TEST_CLIENT_ORIGIN
    return client.get(f"{callback.path}?{callback.query}")
