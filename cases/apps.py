from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and reference data"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Case, CaseNote, HealthBody, NonWorkingDay, School

        auditlog.register(Case, mask_fields=["nhs_number", "upn"])
        auditlog.register(CaseNote)
        auditlog.register(School)
        auditlog.register(HealthBody)
        auditlog.register(NonWorkingDay)
