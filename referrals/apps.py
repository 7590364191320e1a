from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Mediation and disagreement resolution"

    def ready(self):
        from auditlog.registry import auditlog

        from . import clocks  # noqa: F401 (registers the pathway's clock providers)
        from .models import (
            AdviserContact,
            AgreementAction,
            Certificate,
            DisagreementResolution,
            MediationProvider,
            MediationSession,
            Mediator,
            Referral,
            TribunalAppeal,
        )

        auditlog.register(MediationProvider)
        for model in (
            AdviserContact,
            AgreementAction,
            Certificate,
            DisagreementResolution,
            MediationSession,
            Referral,
            TribunalAppeal,
        ):
            auditlog.register(model)
        auditlog.register(Mediator, m2m_fields={"conflict_schools"})
