"""Case pages. Each view: authorise, load through a selector, bind a form, call one service, message + redirect."""

from auditlog.signals import accessed
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sendportal.lists import filter_tags, page_query
from sendportal.web import save_search, saved_search

from . import case_page, panels, permissions, selectors, services
from .filters import SORT, CaseFilter
from .forms import (
    OUT_OF_DATE_FORM,
    AssignOfficerForm,
    CaseForm,
    CaseSearchForm,
    ChangeStatusForm,
    DuplicateConfirmForm,
    NoteForm,
)
from .models import Case
from .refusals import service_call
from .search import find_cases

PAGE_SIZE = 25


@permission_required("cases.view_case", raise_exception=True)
def case_list(request):
    if request.method == "POST":
        return _case_search_post(request)
    token, term = saved_search(request)
    base = selectors.case_list_for(request.user)
    case_filter = CaseFilter(request.GET or None, queryset=base, user=request.user)
    sort, ordering = SORT.ordering(request.GET.get("sort"))
    found = find_cases(case_filter.qs, term)
    pks = found.cases.order_by(*ordering).values_list("pk", flat=True)
    page = Paginator(pks, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.case_list_page_rows(request.user, list(page.object_list))
    query = page_query(request.GET)
    context = {
        "filter": case_filter,
        "page": page,
        "sort": sort,
        "sort_text": SORT.describe(sort),
        "search_form": CaseSearchForm(initial={"q": term}),
        "search_term": term,
        "search_similar": found.similar,
        "search_token": token,
        "query": query.urlencode(),
        "tags": filter_tags(case_filter, query, also={"s": f"Search: {term}"} if term else None),
    }
    return render(request, "cases/case_list.html", context)


def _case_search_post(request):
    form = CaseSearchForm(request.POST)
    keep = QueryDict(request.POST.get("keep", ""), mutable=True)
    keep.pop("s", None)
    keep.pop("page", None)
    if form.is_valid() and form.cleaned_data["q"].strip():
        keep["s"] = save_search(request, form.cleaned_data["q"].strip())
    return redirect(f"{reverse('cases:list')}?{keep.urlencode()}")


@permission_required("cases.add_case", raise_exception=True)
def case_create(request):
    form = CaseForm(request.POST or None, user=request.user)
    confirm = DuplicateConfirmForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = list(
            selectors.case_possible_duplicates(
                first_name=data["child_first_name"],
                last_name=data["child_last_name"],
                date_of_birth=data["child_date_of_birth"],
                decision_sent_on=data.get("decision_sent_on"),
            )[:5]
        )
        confirmed = confirm.is_valid() and confirm.cleaned_data["confirm_not_duplicate"]
        if not duplicates or confirmed:
            saved, case = service_call(form, lambda: services.case_create(actor=request.user, data=data))
            if saved:
                who = case.officer and case.officer.display_name
                held = f"assigned to {who}" if who else "left in the queue for an officer"
                messages.success(request, f"Case {case.reference} opened and {held}")
                return redirect(case)
    return render(
        request,
        "cases/case_form.html",
        {"form": form, "duplicates": duplicates, "confirm": confirm, "intake_panels": _intake_panels(request, None)},
    )


def _intake_panels(request, case):
    """What other apps show on the intake form (cases.panels, slot INTAKE): the support services, say."""
    return panels.panels_for(user=request.user, case=case, forms={}, slots=(panels.INTAKE,))[panels.INTAKE]


@permission_required("cases.view_case", raise_exception=True)
def case_detail(request, pk):
    case = selectors.case_get_for(request.user, pk)
    accessed.send(sender=Case, instance=case)
    return render(request, case_page.TEMPLATE, case_page.context_for(request, case))


@permission_required("cases.change_case", raise_exception=True)
def case_edit(request, pk):
    case = selectors.case_get_for(request.user, pk)
    if not permissions.can_edit_case(request.user, case):
        raise PermissionDenied
    form = CaseForm(request.POST or None, instance=case)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved, _ = service_call(
                form,
                lambda: services.case_update(case=case, actor=request.user, data=data, version=data["version"]),
                reraise=(services.StaleEdit,),
            )
        except services.StaleEdit as stale:
            # Someone saved since this form was opened: show what they changed; nothing of this save is kept.
            form, case, saved, status = CaseForm.after_stale_save(request.POST, stale), stale.case, False, 409
        if saved:
            messages.success(request, f"Case {case.reference} updated")
            return redirect(case)
    elif request.method == "POST" and OUT_OF_DATE_FORM in form.non_field_errors():
        status = 400
    return render(
        request,
        "cases/case_form.html",
        {"form": form, "case": case, "intake_panels": _intake_panels(request, case)},
        status=status,
    )


@require_POST
@permission_required("cases.assign_officer", raise_exception=True)
def case_assign(request, pk):
    case = selectors.case_get_for(request.user, pk)
    form = AssignOfficerForm(request.POST)

    def action(data):
        return services.case_assign_officer(case=case, actor=request.user, officer=data["officer"])

    def success(assigned):
        who = assigned.officer.display_name if assigned.officer else "nobody"
        return f"Case {assigned.reference} assigned to {who}"

    return case_page.act(request, case, form, "assign_form", action, success)


@require_POST
@permission_required("cases.change_case_status", raise_exception=True)
def case_change_status(request, pk):
    case = selectors.case_get_for(request.user, pk)
    form = ChangeStatusForm(request.POST, case=case)

    def action(data):
        return services.case_change_status(
            case=case, actor=request.user, to_status=data["to_status"], reason=data["reason"]
        )

    return case_page.act(
        request, case, form, "status_form", action, lambda changed: f"Status changed to {changed.get_status_display()}"
    )


@require_POST
@permission_required("cases.add_casenote", raise_exception=True)
def case_note_add(request, pk):
    case = selectors.case_get_for(request.user, pk)
    form = NoteForm(request.POST)

    def action(data):
        return services.case_note_add(case=case, actor=request.user, text=data["text"], visibility=data["visibility"])

    return case_page.act(request, case, form, "note_form", action, "Note added")
