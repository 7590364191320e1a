"""Uploading, sharing and removing a case's documents. Each writes the case's timeline (the audit log records the
row's change too); a download is recorded in the audit log's access entries by the view that serves it."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cases.models import Case, CaseEvent
from sendportal.models import User

from . import files, permissions
from .models import Document

logger = logging.getLogger("sendportal.documents")


def _event(case: Case, actor: User, description: str, data: dict[str, object]) -> None:
    CaseEvent.objects.create(case=case, actor=actor, kind=CaseEvent.Kind.DOCUMENT, description=description, data=data)


@transaction.atomic
def document_upload(
    *, case: Case, actor: User, upload: UploadedFile[bytes], kind: str, title: str, shared_with_mediator: bool
) -> Document:
    """Keep an uploaded file on the case once its content shows it is a document the portal accepts. If saving the
    row fails, the stored file is removed again: nothing is half-saved."""
    if not permissions.can_upload(actor, case):
        raise PermissionDenied
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Enter a description of the document."})
    try:
        checked = files.check_upload(upload)
    except ValidationError as problem:
        raise ValidationError({"file": problem.messages}) from None
    document = Document(
        case=case,
        kind=kind,
        title=title,
        file_type=checked.file_type,
        size=checked.size,
        sha256=checked.sha256,
        shared_with_mediator=shared_with_mediator,
        uploaded_by=actor,
    )
    document.file.save("upload", upload, save=False)
    try:
        document.full_clean(exclude=["file"])
        document.save()
        shared = "; shared with the mediator" if shared_with_mediator else ""
        _event(
            case, actor, f"Document added: {document.get_kind_display()} ({title}){shared}", {"document": document.pk}
        )
    except Exception:
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    logger.info("document uploaded: case=%s document=%s type=%s", case.pk, document.pk, checked.file_type)
    return document


@transaction.atomic
def document_share(*, document: Document, actor: User, shared: bool) -> Document:
    """Share a document with the case's mediator, or stop sharing it."""
    if not permissions.can_share(actor, document.case):
        raise PermissionDenied
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.shared_with_mediator == shared:
        return document
    document.shared_with_mediator = shared
    document.save(update_fields=["shared_with_mediator"])
    what = "now shared with the mediator" if shared else "no longer shared with the mediator"
    _event(document.case, actor, f"Document {what}: {document.title}", {"document": document.pk, "shared": shared})
    return document


@transaction.atomic
def document_remove(*, document: Document, actor: User, reason: str) -> None:
    """Remove a document (added to the wrong case, say), with the reason on the timeline. The file goes once the
    removal is saved."""
    if not permissions.can_remove(actor, document.case):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for removing the document."})
    case, name, storage = document.case, document.file.name, document.file.storage
    _event(
        case,
        actor,
        f"Document removed: {document.get_kind_display()} ({document.title}): {reason}",
        {"document": document.pk, "reason": reason},
    )
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    logger.info("document removed: case=%s", case.pk)
