from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Mediation and disagreement resolution"

    def ready(self):
        from auditlog.registry import auditlog

        from cases import deadlines, panels
        from cases import services as case_services

        from . import (
            clocks,  # noqa: F401 (registers the pathway's clock providers)
            next_step,  # noqa: F401 (reports the pathway's stage for each case's next step)
        )
        from .case_panel import TEMPLATE, mediation_panel
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

        # Referrals and appeals keep a copy of their case's decision (the management figures count by it).
        case_services.register_decision_copy(Referral)
        case_services.register_decision_copy(TribunalAppeal)
        panels.register(panels.CasePanel(name="mediation", template=TEMPLATE, build=mediation_panel, order=50))
        # The Tribunal's compliance steps are recorded as done from the case's clock list.
        panels.register_clock_action(
            panels.ClockAction(
                clocks=deadlines.DONE_ON_CASE_PAGE,
                permission="referrals.manage_tribunal",
                url_name="referrals:compliance_done",
            )
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
