"""Sign-in records: which sessions a user has open, which council identity a user signs in with, and the
counters that rate-limit password reset requests."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SignInMethod(models.TextChoices):
    PASSWORD = "password", "Password"
    TWO_FACTOR = "two_factor", "Password and security code"
    SSO = "sso", "Council account (single sign-on)"


class UserSession(models.Model):
    """One signed-in session: made when a user signs in, gone when the session ends (signing out, expiry through
    `clearsessions`, or the user ending it from another device: the row goes with its session).

    When it was last used is not stored here: the session's expiry is renewed at most once a minute by the requests
    that use it (sendportal.middleware), so last activity, to the minute, is that expiry less SESSION_COOKIE_AGE."""

    Method = SignInMethod

    session = models.OneToOneField(
        "sessions.Session", on_delete=models.CASCADE, related_name="user_session", db_constraint=True
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions")
    method = models.CharField("signed in with", max_length=20, choices=SignInMethod)
    created_at = models.DateTimeField("signed in at", default=timezone.now)
    user_agent = models.CharField("device", max_length=100, blank=True, help_text="Browser and system, summarised.")
    ip_address = models.GenericIPAddressField("network address", null=True, blank=True)

    class Meta:
        permissions = [
            ("require_two_factor", "Must sign in with a security code when using a local account"),
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="accounts_session_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=SignInMethod.values), name="%(app_label)s_%(class)s_method_valid"
            )
        ]

    def __str__(self):
        return f"{self.get_method_display()} session of user {self.user_id}"


class ExternalIdentity(models.Model):
    """A council identity (issuer and subject from the identity provider's ID token) that signs in as this user.
    Users are matched on this pair only, never on an email address, so a council account can never take over a
    local account that happens to share its address."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "council identity"
        verbose_name_plural = "council identities"
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="accounts_identity_unique")]

    def __str__(self):
        return f"Council identity of user {self.user_id}"


class RateLimitCounter(models.Model):
    """Hits on one key (a hashed email address or client address) in the current window. In the database so
    that every app server counts the same hits."""

    key = models.CharField(max_length=100, unique=True)
    window_started_at = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_started_at"], name="accounts_ratelimit_window_idx")]

    def __str__(self):
        return f"{self.key}: {self.hits}"
