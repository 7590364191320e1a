"""A stored document as a download: an attachment under a name that carries no one's name, never sniffed by the
browser, never cached, and logged as a view of its case (the audit log's access entries)."""

from __future__ import annotations

import logging

from auditlog.signals import accessed
from django.http import FileResponse, Http404

from cases.models import Case

from .models import Document

logger = logging.getLogger("sendportal.documents")
CONTENT_TYPES = {
    Document.FileType.PDF: "application/pdf",
    Document.FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Document.FileType.JPG: "image/jpeg",
    Document.FileType.PNG: "image/png",
}


def file_response(document: Document) -> FileResponse:
    try:
        handle = document.file.open("rb")
    except OSError:
        logger.error("document file missing: document=%s", document.pk)
        raise Http404("The document's file is missing") from None
    accessed.send(sender=Case, instance=document.case)
    logger.info("document downloaded: case=%s document=%s", document.case_id, document.pk)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=CONTENT_TYPES[document.file_type],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
