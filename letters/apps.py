from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Letters and support for families"

    def ready(self):
        from auditlog.registry import auditlog

        from cases import panels

        from .models import Letter, LetterTemplate, SupportService
        from .selectors import intake_support, letters_panel

        panels.register(
            panels.CasePanel(name="letters", template="letters/_case_panel.html", build=letters_panel, order=60)
        )
        panels.register(
            panels.CasePanel(
                name="intake_support", template="letters/_intake_support.html", build=intake_support, slot=panels.INTAKE
            )
        )

        auditlog.register(Letter)
        auditlog.register(LetterTemplate)
        auditlog.register(SupportService)
