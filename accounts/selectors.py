"""Reads about the signed-in user's own account: their sessions and second factors."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import UserSession


def session_list_for(user) -> QuerySet[UserSession]:
    """The user's sessions that have not expired, newest first, each with `last_seen_at` (one query).

    Requests renew a session's expiry to SESSION_COOKIE_AGE from then, at most once a minute
    (sendportal.middleware), so the last request was that long before the expiry, to the minute."""
    return (
        UserSession.objects.filter(user=user, session__expire_date__gt=timezone.now())
        .annotate(
            expires_at=F("session__expire_date"),
            last_seen_at=F("session__expire_date") - timedelta(seconds=settings.SESSION_COOKIE_AGE),
            session_key=F("session_id"),
        )
        .order_by("-created_at", "-pk")
    )


def session_get_for(user, pk: int) -> UserSession:
    """One of the user's own sessions (404 for anyone else's, or one that has ended)."""
    return get_object_or_404(UserSession.objects.filter(user=user), pk=pk)


@dataclass(frozen=True)
class TwoFactorStatus:
    authenticator: TOTPDevice | None  # the confirmed authenticator app, if set up
    recovery_codes_left: int
    set_up_at: datetime | None

    @property
    def enabled(self) -> bool:
        return self.authenticator is not None


def two_factor_status_for(user) -> TwoFactorStatus:
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return TwoFactorStatus(authenticator=totp, recovery_codes_left=left, set_up_at=totp.created_at if totp else None)


def has_two_factor(user) -> bool:
    """Whether the user has set up an authenticator app (recovery codes come with it and go with it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
