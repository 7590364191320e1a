"""Sign-in and sign-out, whichever way they happen (password, password and code, single sign-on, or a test's
force_login), recorded through Django's own user_logged_in / user_logged_out signals."""

import logging

from axes.helpers import get_client_ip_address

from . import services
from .models import UserSession

logger = logging.getLogger("sendportal.accounts")

SIGN_IN_METHOD_ATTRIBUTE = "sign_in_method"
"""Set on the request (accounts.signin.complete_sign_in) before django.contrib.auth.login is called."""


def record_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:  # flushed by login() when switching user: give it its new key now
        request.session.save()
    method = getattr(request, SIGN_IN_METHOD_ATTRIBUTE, UserSession.Method.PASSWORD)
    services.session_record(
        session_key=request.session.session_key,
        user=user,
        method=method,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip_address=get_client_ip_address(request) if "REMOTE_ADDR" in request.META else None,
    )
    logger.info("signed in: user=%s method=%s", user.pk, method)


def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        logger.info("signed out: user=%s", user.pk)
