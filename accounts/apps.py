from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in and accounts"

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from . import checks, signals  # noqa: F401 (system checks register on import)
        from .models import ExternalIdentity

        user_logged_in.connect(signals.record_sign_in, dispatch_uid="accounts.record_sign_in")
        user_logged_out.connect(signals.record_sign_out, dispatch_uid="accounts.record_sign_out")
        # Who set up or removed a second factor, and when; never the secret itself.
        auditlog.register(
            TOTPDevice,
            include_fields=["user", "name", "confirmed"],
        )
        auditlog.register(StaticDevice, include_fields=["user", "name", "confirmed"])
        auditlog.register(ExternalIdentity)
