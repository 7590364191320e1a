"""Documents on a case: the family's letter, the LA's decision letter, the mediation agreement, reports. The files
are kept in the portal's private file store (never served by the web server) under names that say nothing about
the child, and are read only through the portal's views, which check who is asking (documents.views for the LA's
staff, referrals.views for a mediator, who sees only the documents shared with them)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


def document_path(document: Document, filename: str) -> str:
    """documents/<case id>/<random>.<type>: the name the family gave the file is not kept in the path."""
    return f"documents/{document.case_id}/{uuid.uuid4().hex}.{document.file_type}"


class Document(models.Model):
    class Kind(models.TextChoices):
        FAMILY_LETTER = "family_letter", "Letter or email from the family"
        DECISION_LETTER = "decision_letter", "The LA's decision letter"
        AGREEMENT = "agreement", "Mediation agreement"
        REPORT = "report", "Report or evidence"
        OTHER = "other", "Other"

    class FileType(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word document"
        JPG = "jpg", "JPEG image"
        PNG = "png", "PNG image"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("what it is", max_length=20, choices=Kind)
    title = models.CharField("description", max_length=200)
    file = models.FileField(upload_to=document_path, max_length=200, editable=False)
    file_type = models.CharField(max_length=4, choices=FileType, editable=False)
    size = models.PositiveIntegerField("size in bytes", editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    shared_with_mediator = models.BooleanField(
        "shared with the mediator",
        default=False,
        help_text="The mediator assigned to the case's referral can see and download it.",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["case", "-uploaded_at"], name="documents_case_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def download_name(self) -> str:
        """The name a download is saved under: the case reference, the kind and the id (no names of people)."""
        return f"{self.case.reference}-{self.kind.replace('_', '-')}-{self.pk}.{self.file_type}"
