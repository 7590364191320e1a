"""Letters from the case page: choose a letter, preview it, download it as PDF or Word, record it as sent.
Each view: authorise, load the case through its selector (404 outside the user's scope), then draft or record.
Every preview and download is logged as a view of the case (the audit log's access entries)."""

from __future__ import annotations

from auditlog.signals import accessed
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.models import Case
from cases.refusals import service_call

from . import documents, permissions, sandbox, selectors, services
from .forms import LetterChooseForm, LetterRecordForm
from .models import Letter

TEMPLATE_BROKEN = (
    "This letter's template has a problem, so it cannot be drafted: {problem} An administrator can correct it in "
    "the admin (Letter templates)."
)
FORMATS = {
    "pdf": (documents.render_letter_pdf, documents.PDF_TYPE),
    "docx": (documents.render_letter_docx, documents.DOCX_TYPE),
}


def _case_for(request, pk) -> Case:
    case = case_selectors.case_get_for(request.user, pk)
    if not permissions.can_draft_letters(request.user):
        raise PermissionDenied
    return case


@permission_required("letters.draft_letter", raise_exception=True)
def letter_draft(request, pk):
    case = _case_for(request, pk)
    kinds = selectors.letter_kinds_for(case)
    return _draft_page(request, case, kinds, LetterChooseForm(request.GET or None, kinds=kinds))


def _draft_page(request, case, kinds, choose, record_form=None):
    today = timezone.localdate()
    context = {"case": case, "choose": choose, "unavailable": [k for k in kinds if not k.available]}
    status = 200
    if choose.is_bound and not choose.is_valid():
        context["failed_form"], status = choose, 400
    elif choose.is_bound:
        kind = choose.cleaned_data["kind"]
        try:
            context["draft"] = selectors.letter_draft(case, request.user, kind, today=today)
        except sandbox.TemplateInvalid as problem:
            context["template_problem"] = TEMPLATE_BROKEN.format(problem=problem)
        else:
            context["record_form"] = record_form or LetterRecordForm(
                initial={"kind": kind, "recipient": case.party_name, "method": Letter.Method.POST, "sent_on": today}
            )
            if record_form is not None:
                context["failed_form"], status = record_form, 400
    accessed.send(sender=Case, instance=case)
    return render(request, "letters/letter_draft.html", context, status=status)


@permission_required("letters.draft_letter", raise_exception=True)
def letter_file(request, pk, kind, fmt):
    """The drafted letter as a PDF or Word file (an attachment; the file's name carries no names)."""
    case = _case_for(request, pk)
    try:
        draft = selectors.letter_draft(case, request.user, kind, today=timezone.localdate())
    except sandbox.TemplateInvalid:
        raise Http404("This letter's template has a problem") from None
    return _file_response(case, draft, fmt)


@permission_required("letters.draft_letter", raise_exception=True)
def letter_sent_file(request, pk, letter_pk, fmt):
    """A letter recorded as sent, as it was sent."""
    case = _case_for(request, pk)
    letter = selectors.letter_get_for(case, letter_pk)
    return _file_response(case, selectors.draft_of_letter(case, letter), fmt)


def _file_response(case, draft, fmt):
    render_file, content_type = FORMATS[fmt]
    accessed.send(sender=Case, instance=case)
    response = HttpResponse(render_file(draft), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{documents.filename_of(draft, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@permission_required("letters.draft_letter", raise_exception=True)
def letter_record(request, pk):
    case = _case_for(request, pk)
    form = LetterRecordForm(request.POST)
    kinds = selectors.letter_kinds_for(case)
    if form.is_valid():
        data = form.cleaned_data
        saved, letter = service_call(
            form,
            lambda: services.letter_record_sent(
                case=case,
                actor=request.user,
                kind=data["kind"],
                recipient=data["recipient"],
                method=data["method"],
                sent_on=data["sent_on"],
            ),
        )
        if saved:
            messages.success(request, f"Letter recorded as sent: {letter.get_kind_display()}")
            return redirect(case)
    kind = form.data.get("kind", "")
    choose = LetterChooseForm({"kind": kind}, kinds=kinds)
    if not choose.is_valid():
        raise Http404("No such letter for this case")
    return _draft_page(request, case, kinds, choose, record_form=form)
