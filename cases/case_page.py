"""The case page's context: the case's own sections, its clocks and every registered panel (cases.panels).

`act` is the tail of any view that takes a form shown on the case page (the case's own or a panel's), and
`with_errors` how it shows the page again when the form or the service refuses."""

from django.utils import timezone

from sendportal.web import page_with_errors

from . import clock_services, panels, permissions, rules, selectors
from .clock_display import clock_rows
from .forms import AssignOfficerForm, ChangeStatusForm, NoteForm
from .refusals import submit

TEMPLATE = "cases/case_detail.html"


def context_for(request, case, **forms) -> dict:
    """Everything the case page renders; `forms` are forms that failed, under the keys the page uses."""
    user = request.user
    clocks = clock_rows(
        selectors.case_deadlines_for(case), today=timezone.localdate(), calendar=clock_services.working_calendar()
    )
    context = {
        "case": case,
        "events": selectors.case_events_for(case)[:100],
        "notes": selectors.case_notes_for(user, case),
        "assign_form": AssignOfficerForm(initial={"officer": case.officer_id}),
        "status_form": ChangeStatusForm(case=case),
        "note_form": NoteForm(),
        "can_edit": permissions.can_edit_case(user, case),
        "can_assign": permissions.can_assign_officer(user, case),
        "can_change_status": permissions.can_change_status(user, case) and bool(rules.allowed_transitions(case.status)),
        "can_add_note": permissions.can_add_note(user, case),
        "clocks": panels.with_clock_actions(clocks, user=user),
        "can_waive": user.has_perm("cases.waive_deadline"),
        "panels": panels.panels_for(user=user, case=case, forms=forms),
    }
    context.update(forms)
    return context


def with_errors(request, case, **forms):
    """Show the case page again with the failed form's messages (HTTP 400); nothing has changed."""
    return page_with_errors(request, TEMPLATE, context_for(request, case, **forms), forms)


def act(request, case, form, key, action, success):
    """A case-page action: `action(cleaned_data)` calls one service, then `success` (a message, or a function of
    the service's result giving one) and back to the case; a refused change shows the case page again."""
    return submit(request, form, action, success, then=case, refused=lambda: with_errors(request, case, **{key: form}))
