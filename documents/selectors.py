"""Reading a case's documents: the case page's panel, one document for a download, and the documents shared with
a case's mediator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Window
from django.http import Http404

from cases.models import Case

from . import permissions
from .forms import DocumentUploadForm
from .models import Document

PANEL_LIMIT = 50


@dataclass(frozen=True)
class DocumentsPanel:
    documents: tuple[Document, ...]
    total: int
    can_upload: bool
    can_share: bool
    can_remove: bool
    form: Any


def documents_for_case(case: Case) -> QuerySet[Document]:
    return case.documents.select_related("uploaded_by").order_by("-uploaded_at", "-id")


def documents_panel(*, user, case: Case, forms=None) -> DocumentsPanel | None:
    """One query whatever the case holds (the latest 50 with their uploader; the full count rides along)."""
    if not permissions.can_view_documents(user):
        return None
    rows = list(documents_for_case(case).annotate(total=Window(Count("pk")))[:PANEL_LIMIT])
    can_upload = permissions.can_upload(user, case)
    form = (forms or {}).get("document_form") or (DocumentUploadForm() if can_upload else None)
    return DocumentsPanel(
        documents=tuple(rows),
        total=rows[0].total if rows else 0,
        can_upload=can_upload,
        can_share=permissions.can_share(user, case),
        can_remove=permissions.can_remove(user, case),
        form=form,
    )


def document_get_for(case: Case, pk) -> Document:
    """A document on `case` (already fetched for the user); anything else is a 404."""
    document = case.documents.filter(pk=pk).first() if str(pk).isdigit() else None
    if document is None:
        raise Http404("No such document on this case")
    return document


def shared_documents(case: Case) -> QuerySet[Document]:
    """The documents a case's mediator may see."""
    return case.documents.filter(shared_with_mediator=True).order_by("-uploaded_at", "-id")
