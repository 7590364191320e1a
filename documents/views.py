"""A case's documents: upload (from the case page's panel), share with the mediator or stop, remove with a reason,
and download. Each view authorises, loads the case through its selector (404 outside the user's scope), then
calls one service. Every download is logged as a view of the case (the audit log's access entries)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases import case_page
from cases import selectors as case_selectors
from cases.models import Case
from cases.refusals import service_call

from . import permissions, selectors, services
from .forms import DocumentRemoveForm, DocumentUploadForm
from .responses import file_response

PANEL = "#documents-heading"


def _case_for(request, pk) -> Case:
    case = case_selectors.case_get_for(request.user, pk)
    if not permissions.can_view_documents(request.user):
        raise PermissionDenied
    return case


@require_POST
def document_upload(request, pk):
    case = _case_for(request, pk)
    if not permissions.can_upload(request.user, case):
        raise PermissionDenied
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        saved, document = service_call(
            form,
            lambda: services.document_upload(
                case=case,
                actor=request.user,
                upload=data["file"],
                kind=data["kind"],
                title=data["title"],
                shared_with_mediator=data["shared_with_mediator"],
            ),
        )
        if saved:
            messages.success(request, f"Document added: {document.title}")
            return redirect(case.get_absolute_url() + PANEL)
    return case_page.with_errors(request, case, document_form=form)


@require_POST
def document_share(request, pk, document_pk):
    case = _case_for(request, pk)
    document = selectors.document_get_for(case, document_pk)
    if not permissions.can_share(request.user, case):
        raise PermissionDenied
    shared = request.POST.get("shared") == "yes"
    services.document_share(document=document, actor=request.user, shared=shared)
    if shared:
        messages.success(request, f"Shared with the mediator: {document.title}")
    else:
        messages.success(request, f"No longer shared with the mediator: {document.title}")
    return redirect(case.get_absolute_url() + PANEL)


def document_remove(request, pk, document_pk):
    case = _case_for(request, pk)
    document = selectors.document_get_for(case, document_pk)
    if not permissions.can_remove(request.user, case):
        raise PermissionDenied
    form = DocumentRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved, _ = service_call(
            form,
            lambda: services.document_remove(document=document, actor=request.user, reason=form.cleaned_data["reason"]),
        )
        if saved:
            messages.success(request, f"Document removed: {document.title}")
            return redirect(case.get_absolute_url() + PANEL)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "documents/document_remove.html",
        {"case": case, "document": document, "form": form, "failed_form": form if form.is_bound else None},
        status=status,
    )


def document_download(request, pk, document_pk):
    case = _case_for(request, pk)
    return file_response(selectors.document_get_for(case, document_pk))
