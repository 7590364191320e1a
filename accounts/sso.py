"""Single sign-on with the council's OpenID Connect identity provider, through mozilla-django-oidc.

mozilla-django-oidc supplies the authorization code flow (state, nonce, PKCE), the token request and the ID
token's signature check against the provider's JWKS. This module adds what a council needs on top:

- the endpoints come from the issuer's discovery document (so only the issuer, client id and secret are set);
- the ID token's issuer, audience and expiry are checked too (OpenID Connect Core 3.1.3.7);
- users are matched on the token's issuer and subject (accounts.models.ExternalIdentity), never by email;
- a claim (groups or app roles) maps to the portal's roles at every sign-in; anyone it gives no role is refused.

The backend is not in AUTHENTICATION_BACKENDS: the callback view calls it directly (so a refused council user
never counts towards django-axes' lockout of a shared office address), and the signed-in session then loads its
user through the ordinary ModelBackend like any other.
"""

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from cases import permissions

from . import rules, services

logger = logging.getLogger("sendportal.accounts")

DISCOVERY_SECONDS = 60 * 60
"""How long each app server keeps the provider's discovery document."""

SESSION_BACKEND = "sendportal.auth_backends.OneQueryModelBackend"
"""The backend a council user's session loads them through (an ordinary ModelBackend)."""

ROLE_KEYS = {"officer": permissions.OFFICER, "manager": permissions.MANAGER, "mediator": permissions.MEDIATOR}


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET)


def role_groups() -> dict[str, list[str]]:
    """{portal role: claim values that give it} from settings.OIDC_ROLE_GROUPS."""
    return {ROLE_KEYS[key]: list(values) for key, values in settings.OIDC_ROLE_GROUPS.items() if key in ROLE_KEYS}


class SsoUnavailable(Exception):
    """The identity provider could not be reached or answered nonsense."""


class SsoRefused(Exception):
    """The provider signed the person in, but the portal will not."""

    NO_ACCOUNT = "no_account"  # unknown here, and the mapping gives them no role
    NO_ROLE = "no_role"  # known here, but their groups no longer give a role
    INACTIVE = "inactive"  # their portal account has been switched off

    def __init__(self, reason: str, user=None):
        super().__init__(reason)
        self.reason = reason
        self.user = user


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


_discovered: dict[str, tuple[float, Provider]] = {}
_lock = threading.Lock()


def provider() -> Provider:
    """The configured provider's endpoints from its discovery document (OpenID Connect Discovery 1.0)."""
    issuer = settings.OIDC_ISSUER
    with _lock:
        hit = _discovered.get(issuer)
    if hit and time.monotonic() - hit[0] < DISCOVERY_SECONDS:
        return hit[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        found = Provider(
            issuer=document["issuer"],
            authorization_endpoint=document["authorization_endpoint"],
            token_endpoint=document["token_endpoint"],
            jwks_uri=document["jwks_uri"],
            userinfo_endpoint=document.get("userinfo_endpoint", ""),
            end_session_endpoint=document.get("end_session_endpoint", ""),
        )
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        logger.warning("identity provider discovery failed: %s", type(exc).__name__)
        raise SsoUnavailable(str(exc)) from exc
    if found.issuer.rstrip("/") != issuer:
        logger.warning("identity provider discovery names another issuer")
        raise SsoUnavailable("discovery document is for another issuer")
    with _lock:
        _discovered[issuer] = (time.monotonic(), found)
    return found


def forget_provider() -> None:
    """Drop the cached discovery documents (tests, or after the council changes provider)."""
    with _lock:
        _discovered.clear()


_DISCOVERED_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def sso_setting(attr, *args):
    """mozilla-django-oidc's settings, with the provider's endpoints taken from discovery."""
    if attr in _DISCOVERED_SETTINGS:
        return getattr(provider(), _DISCOVERED_SETTINGS[attr])
    return import_from_settings(attr, *args)


class StartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint (state, nonce and PKCE in the session)."""

    get_settings = staticmethod(sso_setting)


class SsoBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(sso_setting)
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # Nothing is read from the provider until a sign-in needs it.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802 (the names mozilla-django-oidc reads)
        return provider().token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return provider().userinfo_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return provider().jwks_uri

    @property
    def OIDC_RP_CLIENT_ID(self):  # noqa: N802
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):  # noqa: N802
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self):  # noqa: N802
        return settings.OIDC_RP_SIGN_ALGO

    def authenticate(self, request, **kwargs):
        if "nonce" not in kwargs:  # only ever the callback view's call
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        problems = rules.id_token_problems(
            payload, issuer=provider().issuer, client_id=settings.OIDC_RP_CLIENT_ID, now=time.time()
        )
        if problems:
            raise SuspiciousOperation("ID token refused: " + ", ".join(problems))
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, with the userinfo endpoint's added. Entra ID puts groups and roles in the ID
        token only, so what the signed ID token says wins."""
        claims = {}
        if provider().userinfo_endpoint:
            claims = super().get_userinfo(access_token, id_token, payload)
            if str(claims.get("sub")) != str(payload.get("sub")):
                raise SuspiciousOperation("userinfo is about another subject")
        return {**claims, **payload}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        roles = rules.roles_from_claims(claims, claim=settings.OIDC_ROLE_CLAIM, role_groups=role_groups())
        user = services.sso_user_sync(issuer=provider().issuer, claims=claims, roles=roles)
        if user is None:
            raise SsoRefused(SsoRefused.NO_ACCOUNT)
        if not user.is_active:
            raise SsoRefused(SsoRefused.INACTIVE, user)
        if not roles:
            raise SsoRefused(SsoRefused.NO_ROLE, user)
        return user


def end_session_url(request, id_token: str | None) -> str | None:
    """Where to send the browser to sign out at the provider too (RP-initiated logout), if it supports it."""
    try:
        found = provider()
    except SsoUnavailable:
        return None
    if not found.end_session_endpoint:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    if id_token:
        params["id_token_hint"] = id_token
    return f"{found.end_session_endpoint}?{urlencode(params)}"
