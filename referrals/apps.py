from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Mediation and disagreement resolution"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import MediationProvider, Mediator

        auditlog.register(MediationProvider)
        auditlog.register(Mediator, m2m_fields={"conflict_schools"})
