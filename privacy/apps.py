from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Data protection"

    def ready(self):
        from auditlog.registry import auditlog

        from . import checks  # noqa: F401 - registers the retention settings check
        from .models import CaseRetention

        auditlog.register(CaseRetention)
