"""Writes about sign-in: sessions, second factors, rate limits, password reset messages, council accounts.

Each is one transaction and logs what happened through Python logging (user ids only: no names, addresses,
codes or passwords). Model changes to second factors and council identities are also in the audit log."""

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.permissions import ROLE_PERMISSIONS
from sendportal.models import User

from . import rules
from .models import ExternalIdentity, RateLimitCounter, UserSession

logger = logging.getLogger("sendportal.accounts")

CODE_NOT_RIGHT = "The security code is not right. Check the code in your authenticator app and try again."


# --- Sessions ----------------------------------------------------------------------------------------------


def session_record(
    *,
    session_key: str,
    user: User,
    method: str,
    user_agent: str,
    ip_address: str | None,
    created_at: datetime | None = None,
) -> UserSession:
    """Remember that `session_key` is `user` signed in (at sign-in only)."""
    user_session, _ = UserSession.objects.update_or_create(
        session_id=session_key,
        defaults={
            "user": user,
            "method": method,
            "created_at": created_at or timezone.now(),
            "user_agent": rules.summarise_user_agent(user_agent)[:100],
            "ip_address": ip_address or None,
        },
    )
    return user_session


def session_snapshot(*, session_key: str | None) -> Mapping[str, object] | None:
    """What is recorded about a session, to carry over when its key changes (Django gives a session a new key
    when its user changes their password)."""
    return (
        UserSession.objects.filter(session_id=session_key)
        .values("method", "created_at", "user_agent", "ip_address")
        .first()
    )


def session_restore(snapshot: Mapping[str, object] | None, *, session_key: str, user: User) -> None:
    if snapshot is None:
        return
    UserSession.objects.update_or_create(session_id=session_key, defaults={"user": user, **snapshot})


@transaction.atomic
def session_end(*, user: User, user_session: UserSession) -> None:
    """End one of the user's sessions: its browser is signed out at its next request."""
    if user_session.user_id != user.pk:
        raise ValidationError("That session is not yours.")
    Session.objects.filter(session_key=user_session.session_id).delete()  # takes the UserSession with it
    logger.info("session ended by its user: user=%s session=%s", user.pk, user_session.pk)


@transaction.atomic
def sessions_end_others(*, user: User, keep_session_key: str | None) -> int:
    """End every session of the user's except `keep_session_key` (after a password change or reset).

    Sessions recorded here are deleted; any older one the user might still have is refused anyway at its next
    request, because Django checks each session against a hash of the password."""
    sessions = Session.objects.filter(user_session__user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    _, deleted = sessions.delete()
    count = deleted.get(Session._meta.label, 0)
    logger.info("other sessions ended: user=%s count=%s", user.pk, count)
    return count


# --- Rate limits -------------------------------------------------------------------------------------------


def hashed_key(kind: str, value: str) -> str:
    """A counter key that does not keep the email address or client address it counts."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}:{value}".encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


@transaction.atomic
def rate_limit_hit(*, key: str, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Count one hit on `key`; True while the hits in the current window are within `limit`."""
    now = now or timezone.now()
    counter, created = RateLimitCounter.objects.select_for_update().get_or_create(
        key=key, defaults={"window_started_at": now, "hits": 0}
    )
    if created:
        # Counters whose window has passed are no use to anyone: clear them as new ones come.
        RateLimitCounter.objects.filter(window_started_at__lt=now - window).delete()
    if now - counter.window_started_at >= window:
        counter.window_started_at, counter.hits = now, 0
    counter.hits += 1
    counter.save(update_fields=["window_started_at", "hits"])
    return counter.hits <= limit


# --- Second factor -----------------------------------------------------------------------------------------


@transaction.atomic
def totp_enrolment_device(*, user: User) -> TOTPDevice:
    """The authenticator app being set up: an unconfirmed device with a new secret, kept while the user
    scans the QR code (a reload shows the same one), confirmed by the first right code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(rules.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def totp_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator app with its first code; replaces any earlier app. Returns new recovery codes.

    Raises ValidationError (nothing changed) when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(rules.normalise_code(code)):
        raise ValidationError(CODE_NOT_RIGHT, code="code_not_right")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    logger.info("two-factor set up: user=%s", user.pk)
    return codes


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """New recovery codes for a user with an authenticator app; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError("Set up an authenticator app first.")
    codes = _new_recovery_codes(user)
    logger.info("recovery codes replaced: user=%s", user.pk)
    return codes


@transaction.atomic
def two_factor_remove(*, user: User, actor: User) -> None:
    """Remove the user's authenticator app and recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("two-factor removed: user=%s by=%s", user.pk, actor.pk)


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice | None  # the device that accepted the code, or None
    wait_until: datetime | None = None  # too many wrong codes in a row: none is checked before then
    recovery_code_used: bool = False
    recovery_codes_left: int = 0

    @property
    def ok(self) -> bool:
        return self.device is not None


@transaction.atomic
def second_factor_verify(*, user: User, code: str) -> Verification:
    """Check a security code: six digits against the authenticator app, anything else against the recovery codes
    (a recovery code works once). django-otp slows down repeated wrong codes on each device (1, 2, 4... seconds);
    the caller counts each wrong code towards the sign-in lockout as well."""
    code = rules.normalise_code(code)
    model = TOTPDevice if rules.is_totp_code(code) else StaticDevice
    devices = list(model.objects.select_for_update().filter(user=user, confirmed=True))
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return Verification(device=None, wait_until=(details or {}).get("locked_until"))
        if device.verify_token(code):
            if model is StaticDevice:
                left = StaticToken.objects.filter(device__user=user).count()
                logger.info("recovery code used: user=%s left=%s", user.pk, left)
                return Verification(device=device, recovery_code_used=True, recovery_codes_left=left)
            return Verification(device=device)
    return Verification(device=None)


# --- Password reset ----------------------------------------------------------------------------------------


def password_reset_messages(*, email: str) -> list[EmailMessage]:
    """The reset emails to send for `email`: one for each active local account with that address (usually one,
    often none). The same work is done when no account matches (a token made and the email written for a
    stand-in user), so the time taken does not tell anyone whether the address has an account here.

    Council accounts (no local password) are never sent one: their password is the council's."""
    user_model = get_user_model()
    email_field = user_model.get_email_field_name()
    users = [
        user
        for user in user_model._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
        if user.has_usable_password()
    ]
    stand_in = user_model(pk=0, password="!", last_login=None, **{email_field: email})
    messages = [_reset_message(user, email) for user in users or [stand_in]]
    if not users:
        logger.info("password reset asked for an address with no local account")
        return []
    for user in users:
        logger.info("password reset email written: user=%s", user.pk)
    return messages


def _reset_message(user: User, email: str) -> EmailMessage:
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    context = {
        "reset_url": settings.SITE_URL.rstrip("/") + path,
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "username": user.get_username(),
    }
    body = render_to_string("accounts/email/password_reset.txt", context)
    return EmailMessage("Reset your sendportal password", body, None, [email])


# --- Council accounts (single sign-on) ---------------------------------------------------------------------


@transaction.atomic
def sso_user_sync(*, issuer: str, claims: Mapping[str, Any], roles: set[str]) -> User | None:
    """The portal user for a council identity after a sign-in, with the roles its claims give now.

    A known identity gets its name, email address and roles refreshed (roles may become none). An unknown one
    gets a new user only when it has a role; otherwise nothing is created and None is returned."""
    user_model = get_user_model()
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=str(claims["sub"]))
        .first()
    )
    if identity is None and not roles:
        return None
    if identity is None:
        digest = hashlib.sha256(f"{issuer} {claims['sub']}".encode()).hexdigest()
        taken = set(
            user_model._default_manager.filter(
                username__in=rules.username_candidates(claims, subject_digest=digest)
            ).values_list("username", flat=True)
        )
        username = next(n for n in rules.username_candidates(claims, subject_digest=digest) if n not in taken)
        user = user_model(username=username)
        user.set_unusable_password()
        _apply_claims(user, claims)
        user.save()
        identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=str(claims["sub"]))
        logger.info("council account created: user=%s", user.pk)
    else:
        user = identity.user
        _apply_claims(user, claims)
        user.save(update_fields=["first_name", "last_name", "email"])
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    _set_roles(user, roles)
    return user


def _apply_claims(user: User, claims: Mapping[str, Any]) -> None:
    user.first_name = str(claims.get("given_name") or "")[:150]
    user.last_name = str(claims.get("family_name") or "")[:150]
    if not (user.first_name or user.last_name) and claims.get("name"):
        first, _, last = str(claims["name"]).partition(" ")
        user.first_name, user.last_name = first[:150], last[:150]
    user.email = str(claims.get("email") or "")[:254]


def _set_roles(user: User, roles: set[str]) -> None:
    """Make the user's portal roles exactly `roles`; groups that are not portal roles are left alone."""
    wanted = set(Group.objects.filter(name__in=roles))
    current = set(user.groups.filter(name__in=ROLE_PERMISSIONS))
    if wanted != current:
        user.groups.remove(*(current - wanted))
        user.groups.add(*(wanted - current))
        logger.info(
            "council account roles changed: user=%s roles=%s", user.pk, ",".join(sorted(g.name for g in wanted))
        )
