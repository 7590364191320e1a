from django.apps import AppConfig
from django.core import checks


@checks.register()
def every_clock_has_a_provider(app_configs, **kwargs):
    """Each statutory clock code must have exactly one provider in the clock registry."""
    from .clock_registry import missing_providers

    return [
        checks.Error(f"No clock provider is registered for {code}.", id="cases.E001") for code in missing_providers()
    ]


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and reference data"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Case, CaseNote, Cover, HealthBody, NonWorkingDay, School

        auditlog.register(Case, mask_fields=["nhs_number", "upn"])
        auditlog.register(CaseNote)
        auditlog.register(School)
        auditlog.register(HealthBody)
        auditlog.register(NonWorkingDay)
        auditlog.register(Cover)

        from . import panels, selectors

        panels.register(
            panels.CasePanel(
                name="next_step",
                template="cases/_next_step_panel.html",
                build=selectors.next_step_panel,
                slot=panels.TOP,
                order=10,
            )
        )
