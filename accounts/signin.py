"""The steps of a local sign-in kept in the session between requests.

A password alone signs in only users who need no second factor. Anyone else is *pending* after their password:
not signed in (no page of the portal will serve them), with their user id in the session for a few minutes
while they enter a security code or set up an authenticator app. Only then is django.contrib.auth.login called,
so a session is either fully signed in or not signed in at all, and no page needs to check a second factor on
every request."""

import time

import django_otp
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.shortcuts import resolve_url
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme

from .signals import SIGN_IN_METHOD_ATTRIBUTE

PENDING_KEY = "accounts_pending_sign_in"
PENDING_SECONDS = 10 * 60
VERIFY, ENROL = "verify", "enrol"


def safe_next(request, url: str | None) -> str:
    """`url` if it is on this site, else the home page (LoginView's rule)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def pending_start(request, user, *, step: str, next_url: str | None) -> None:
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "hash": user.get_session_auth_hash(),
        "step": step,
        "started": time.time(),
        "next": safe_next(request, next_url),
    }


def pending_user(request, *, step: str):
    """The user part-way through signing in at `step`, or None (no sign-in started, it took over
    PENDING_SECONDS, or the account or its password changed meanwhile)."""
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("step") != step or time.time() - pending["started"] > PENDING_SECONDS:
        return None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    if user is None or not constant_time_compare(pending["hash"], user.get_session_auth_hash()):
        return None
    user.backend = pending["backend"]
    return user


def pending_next(request) -> str:
    return (request.session.get(PENDING_KEY) or {}).get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)


def pending_clear(request) -> None:
    request.session.pop(PENDING_KEY, None)


def complete_sign_in(request, user, *, method: str, backend: str | None = None, device=None) -> None:
    """Sign the user in (a new session key), remembering how, and which device gave the second factor."""
    pending_clear(request)
    setattr(request, SIGN_IN_METHOD_ATTRIBUTE, method)
    login(request, user, backend=backend)
    if device is not None:
        django_otp.login(request, device)
