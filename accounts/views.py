"""Sign-in (password, security code, council single sign-on), sign-out, two-factor set-up, passwords and sessions.

Function views, each: find the user's state -> bind a form -> call one service -> message and redirect. Sign-in
pages are public (`@login_not_required`); everything under /account/ is for the signed-in user's own account.
"""

import logging
import math
from base64 import b32encode
from datetime import timedelta

import django_otp
import jwt
import requests
import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_lockout_response
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import rules, selectors, services, sso
from .forms import CodeForm, EnrolCodeForm, PasswordChangeForm, PasswordResetRequestForm, SetPasswordForm, SignInForm
from .models import UserSession
from .permissions import has_local_password, must_use_two_factor
from .signin import (
    ENROL,
    VERIFY,
    complete_sign_in,
    pending_clear,
    pending_next,
    pending_start,
    pending_user,
    safe_next,
)

logger = logging.getLogger("sendportal.accounts")

FRESH_CODES_KEY = "accounts_fresh_recovery_codes"
FRESH_NEXT_KEY = "accounts_after_recovery_codes"

# Password reset requests: per email address, and per client address (a council office shares one address).
RESET_WINDOW = timedelta(hours=1)
RESET_PER_ADDRESS = 5
RESET_PER_CLIENT = 20


# --- Signing in and out ------------------------------------------------------------------------------------


def _sso_context() -> dict:
    return {"sso_enabled": sso.enabled(), "sso_provider_name": settings.OIDC_PROVIDER_NAME}


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Username and password. Users with an authenticator app go on to enter a code; users who must have one
    and do not yet go on to set it up; everyone else is signed in."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.user.is_authenticated:
        return redirect(safe_next(request, next_url))
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.get_user()
        if selectors.has_two_factor(user):
            pending_start(request, user, step=VERIFY, next_url=next_url)
            return redirect("accounts:sign_in_code")
        if must_use_two_factor(user):
            pending_start(request, user, step=ENROL, next_url=next_url)
            return redirect("accounts:sign_in_set_up")
        complete_sign_in(request, user, method=UserSession.Method.PASSWORD)
        return redirect(safe_next(request, next_url))
    return render(request, "registration/login.html", {"form": form, "next": next_url, **_sso_context()})


def _restart_sign_in(request):
    pending_clear(request)
    messages.info(request, "Sign in again: that sign-in was not finished within 10 minutes.")
    return redirect("login")


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    """The second step for users with an authenticator app. Each wrong code counts towards the same lockout as a
    wrong password (django-axes: 5 failures lock the account for 30 minutes)."""
    user = pending_user(request, step=VERIFY)
    if user is None:
        return _restart_sign_in(request)
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return get_lockout_response(request, credentials=credentials)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        result = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if result.ok:
            next_url = pending_next(request)
            complete_sign_in(request, user, method=UserSession.Method.TWO_FACTOR, device=result.device)
            if result.recovery_code_used:
                messages.warning(
                    request,
                    f"You signed in with a recovery code. You have {result.recovery_codes_left} left: "
                    "make new ones on your two-factor page if you are running short.",
                )
            return redirect(next_url)
        logger.info("security code refused: user=%s", user.pk)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error("code", _refusal(result))
    return render(request, "accounts/sign_in_code.html", {"form": form})


def _refusal(result: services.Verification) -> str:
    if result.wait_until:
        seconds = max(1, math.ceil((result.wait_until - timezone.now()).total_seconds()))
        return f"Too many wrong codes in a row. Wait {seconds} second{'s' if seconds != 1 else ''}, then try again."
    return services.CODE_NOT_RIGHT


def _set_up_context(device, form, *, pending: bool) -> dict:
    secret = rules.group_for_reading(device_secret(device))
    return {
        "form": form,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": secret,
        "pending": pending,
    }


def device_secret(device) -> str:
    """The authenticator app's key as people type it (base32, as in the QR code)."""
    return b32encode(device.bin_key).decode()


@login_not_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_set_up(request):
    """Setting up an authenticator app during sign-in, for users who must have one (managers, administrators,
    or everyone when TWO_FACTOR_REQUIRED_FOR_ALL_LOCAL_ACCOUNTS is on). They are signed in once it works."""
    user = pending_user(request, step=ENROL)
    if user is None:
        return _restart_sign_in(request)
    device = services.totp_enrolment_device(user=user)
    form = EnrolCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            codes = services.totp_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            next_url = pending_next(request)
            device.refresh_from_db()
            complete_sign_in(request, user, method=UserSession.Method.TWO_FACTOR, device=device)
            request.session[FRESH_CODES_KEY] = codes
            request.session[FRESH_NEXT_KEY] = next_url
            messages.success(request, "Two-factor sign-in is set up")
            return redirect("accounts:recovery_codes")
    return render(request, "accounts/two_factor_set_up.html", _set_up_context(device, form, pending=True))


@login_not_required
@require_POST
def sign_out(request):
    """Sign out of the portal, and of the council's identity provider too when signed in through it."""
    id_token = request.session.get("oidc_id_token")
    logout(request)
    if id_token and sso.enabled():
        url = sso.end_session_url(request, id_token)
        if url:
            return HttpResponseRedirect(url)
    messages.success(request, "You have signed out")
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_not_required
@require_GET
def sso_start(request):
    """Off to the council's identity provider."""
    if not sso.enabled():
        raise Http404
    if request.user.is_authenticated:
        return redirect(safe_next(request, request.GET.get("next")))
    try:
        sso.provider()
    except sso.SsoUnavailable:
        return render(request, "accounts/sso_unavailable.html", _sso_context(), status=503)
    return sso.StartView.as_view()(request)


@login_not_required
@require_GET
def sso_callback(request):
    """Back from the identity provider with an authorization code, or an error."""
    if not sso.enabled():
        raise Http404
    states = request.session.get("oidc_states") or {}
    entry = states.pop(request.GET.get("state", ""), None)
    if entry is not None:
        request.session["oidc_states"] = states  # each state works once
    if request.GET.get("error") or entry is None or not request.GET.get("code"):
        logger.info("council sign-in not completed: %s", request.GET.get("error") or "no matching state")
        return render(request, "accounts/sso_failed.html", _sso_context(), status=400)
    try:
        user = sso.SsoBackend().authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except sso.SsoRefused as refusal:
        logger.info("council sign-in refused: reason=%s user=%s", refusal.reason, getattr(refusal.user, "pk", None))
        return render(request, "accounts/sso_refused.html", {"reason": refusal.reason, **_sso_context()}, status=403)
    except (sso.SsoUnavailable, SuspiciousOperation, requests.RequestException, jwt.PyJWTError) as exc:
        logger.warning("council sign-in failed: %s", exc)
        return render(request, "accounts/sso_failed.html", _sso_context(), status=400)
    if user is None:
        return render(request, "accounts/sso_failed.html", _sso_context(), status=400)
    next_url = safe_next(request, request.session.get("oidc_login_next"))
    complete_sign_in(request, user, method=UserSession.Method.SSO, backend=sso.SESSION_BACKEND)
    return redirect(next_url)


# --- Two-factor sign-in (signed in) ------------------------------------------------------------------------


def _local_account_only(user) -> None:
    if not has_local_password(user):
        raise PermissionDenied("Council accounts sign in through the council's identity provider.")


@require_GET
def two_factor(request):
    status = selectors.two_factor_status_for(request.user) if has_local_password(request.user) else None
    return render(
        request,
        "accounts/two_factor.html",
        {
            "status": status,
            "required": must_use_two_factor(request.user),
            "local": has_local_password(request.user),
            "sso_provider_name": settings.OIDC_PROVIDER_NAME,
        },
    )


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request):
    """Add (or replace) the authenticator app: scan the QR code, enter its first code."""
    _local_account_only(request.user)
    device = services.totp_enrolment_device(user=request.user)
    form = EnrolCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            codes = services.totp_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            device.refresh_from_db()
            django_otp.login(request, device)
            request.session[FRESH_CODES_KEY] = codes
            messages.success(request, "Two-factor sign-in is set up")
            return redirect("accounts:recovery_codes")
    return render(request, "accounts/two_factor_set_up.html", _set_up_context(device, form, pending=False))


@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """New recovery codes, shown once: straight after set-up, or after asking for new ones (POST)."""
    _local_account_only(request.user)
    if request.method == "POST":
        try:
            request.session[FRESH_CODES_KEY] = services.recovery_codes_replace(user=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("accounts:two_factor")
        messages.success(request, "New recovery codes made: the old ones no longer work")
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(FRESH_CODES_KEY, None)
    if not codes:
        return redirect("accounts:two_factor")
    next_url = request.session.pop(FRESH_NEXT_KEY, None) or reverse("accounts:two_factor")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_url})


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_remove(request):
    """Turn two-factor sign-in off (confirm with a current code). Not for users who must have it."""
    _local_account_only(request.user)
    if must_use_two_factor(request.user):
        raise PermissionDenied("Two-factor sign-in is required for your account.")
    if not selectors.has_two_factor(request.user):
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        result = services.second_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if result.ok:
            services.two_factor_remove(user=request.user, actor=request.user)
            messages.success(request, "Two-factor sign-in turned off")
            return redirect("accounts:two_factor")
        form.add_error("code", _refusal(result))
    return render(request, "accounts/two_factor_remove.html", {"form": form})


# --- Passwords ---------------------------------------------------------------------------------------------


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Change your own password; your other sessions are signed out."""
    _local_account_only(request.user)
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        kept = services.session_snapshot(session_key=request.session.session_key)
        form.save()
        update_session_auth_hash(request, form.user)  # a new session key for this browser
        services.session_restore(kept, session_key=request.session.session_key, user=form.user)
        ended = services.sessions_end_others(user=form.user, keep_session_key=request.session.session_key)
        logger.info("password changed: user=%s", form.user.pk)
        others = f" {ended} other session{'s' if ended != 1 else ''} signed out." if ended else ""
        messages.success(request, f"Your password has been changed.{others}")
        return redirect("profile")
    return render(request, "accounts/password_change.html", {"form": form})


class RedirectThenSend(HttpResponseRedirect):
    """A redirect that hands its emails to the mailer once the browser has it (HttpResponse.close() runs after
    the WSGI server has sent the response), so the time the mail server takes never shows whether an email
    went. A failure to send is logged; the person sees the same page either way."""

    def __init__(self, url, emails):
        super().__init__(url)
        self._emails = list(emails)

    def close(self):
        super().close()
        emails, self._emails = self._emails, []
        for email in emails:
            try:
                email.send(using="default")
            except Exception:
                logger.exception("password reset email could not be sent")


@login_not_required
@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Ask for a reset link by email. The answer is the same whether or not the address has an account."""
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        client = get_client_ip_address(request) or "unknown"
        client_ok = services.rate_limit_hit(
            key=services.hashed_key("reset-client", client), limit=RESET_PER_CLIENT, window=RESET_WINDOW
        )
        address_ok = services.rate_limit_hit(
            key=services.hashed_key("reset-address", email.lower()), limit=RESET_PER_ADDRESS, window=RESET_WINDOW
        )
        if not (client_ok and address_ok):
            logger.warning("password reset requests rate-limited: per_address=%s", not address_ok)
            return render(request, "accounts/password_reset_limited.html", status=429)
        return RedirectThenSend(reverse("accounts:password_reset_sent"), services.password_reset_messages(email=email))
    return render(request, "accounts/password_reset.html", {"form": form})


@login_not_required
@require_GET
def password_reset_sent(request):
    return render(request, "accounts/password_reset_sent.html", {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's own (the link's token moves into the session before the form shows), styled like the portal;
    a reset signs out every session the user had and lifts a lockout on their username."""

    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.sessions_end_others(user=form.user, keep_session_key=None)
        axes_reset(username=form.user.get_username())
        logger.info("password reset: user=%s", form.user.pk)
        return response


password_reset_confirm = login_not_required(PasswordResetConfirmView.as_view())


@login_not_required
@require_GET
def password_reset_complete(request):
    return render(request, "accounts/password_reset_complete.html")


# --- Sessions ----------------------------------------------------------------------------------------------


@require_GET
def session_list(request):
    sessions = list(selectors.session_list_for(request.user))
    current = request.session.session_key
    return render(
        request,
        "accounts/session_list.html",
        {"sessions": sessions, "current_key": current, "others": [s for s in sessions if s.session_key != current]},
    )


@require_POST
def session_end(request, pk: int):
    user_session = selectors.session_get_for(request.user, pk)
    if user_session.session_id == request.session.session_key:
        messages.error(request, "This is the session you are using: to end it, sign out.")
        return redirect("accounts:sessions")
    services.session_end(user=request.user, user_session=user_session)
    messages.success(request, f"Signed out the session on {user_session.user_agent or 'an unknown browser'}")
    return redirect("accounts:sessions")


@require_POST
def session_end_others(request):
    ended = services.sessions_end_others(user=request.user, keep_session_key=request.session.session_key)
    messages.success(request, f"Signed out {ended} other session{'s' if ended != 1 else ''}")
    return redirect("accounts:sessions")
