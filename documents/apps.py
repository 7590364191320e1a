from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents on cases"

    def ready(self):
        from auditlog.registry import auditlog

        from cases import panels

        from .models import Document
        from .selectors import documents_panel

        panels.register(
            panels.CasePanel(name="documents", template="documents/_case_panel.html", build=documents_panel, order=55)
        )
        auditlog.register(Document)
