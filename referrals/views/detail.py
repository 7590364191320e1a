"""The referral page: what it shows to whom, and the common tail of its actions (a refusal shows the page again)."""

from __future__ import annotations

from auditlog.signals import accessed
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cases import clock_services
from cases import selectors as case_selectors
from cases.clock_display import clock_rows, relative_and_urgency
from cases.models import Case, CaseNote
from cases.refusals import submit
from documents import selectors as document_selectors
from documents.responses import file_response
from sendportal.formats import short_date
from sendportal.web import page_with_errors

from .. import permissions, rules, selectors
from ..forms import (
    ActionDoneForm,
    AgreementActionForm,
    AssignMediatorForm,
    ConcludeForm,
    IcbNotifyForm,
    LaConcededForm,
    NotHeldForm,
    RespondForm,
    SessionRecordForm,
    SessionScheduleForm,
    SharedNoteForm,
    issues_for,
)
from ..models import MediationSession
from ._common import ASSIGNABLE, RS, SEE_REFERRALS, any_permission_required


@any_permission_required(*SEE_REFERRALS)
def referral_detail(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    accessed.send(sender=Case, instance=referral.case)
    return render(request, "referrals/referral_detail.html", _detail_context(request, referral))


def shared_document_download(request, pk, document_pk):
    """A document the LA shared with the case's mediator, from the referral: the assigned mediator (and the LA's
    staff) only; a document not shared, or on another case, is a 404."""
    referral = selectors.referral_get_for(request.user, pk)
    document = get_object_or_404(document_selectors.shared_documents(referral.case), pk=document_pk)
    return file_response(document)


def _shared_notes(case):
    return case.notes.filter(visibility=CaseNote.Visibility.SHARED).select_related("author").order_by("-created_at")


def _detail_context(request, referral, **forms):
    """Everything the referral page shows. Mediators get what they need to mediate and nothing else."""
    user, case = request.user, referral.case
    today, calendar = timezone.localdate(), clock_services.working_calendar()
    can_manage = permissions.can_manage_referrals(user)
    can_act = permissions.can_act_on_referral(user, referral)
    sessions = list(selectors.sessions_for(referral))
    actions = list(selectors.actions_for(referral))
    certificates = list(referral.certificates.order_by("-version"))
    held = any(s.status == MediationSession.SessionStatus.HELD for s in sessions)
    show = {**_managing_blocks(user, referral, can_manage), **_acting_blocks(referral, can_act, held)}
    context = {
        "referral": referral,
        "case": case,
        "can_manage": can_manage,
        "can_see_case": user.has_perm("cases.view_case"),
        "show": show,
        "clocks": clock_rows(case_selectors.case_deadlines_for(case), today=today, calendar=calendar),
        "sessions": [_session_row(s, can_act, forms) for s in sessions],
        "issue_outcomes": list(referral.issue_outcomes.all()) if referral.outcome else [],
        "actions": [_action_row(a, today, calendar, can_manage, forms) for a in actions],
        "certificates": certificates,
        "notes": list(_shared_notes(case)),
        "documents": list(document_selectors.shared_documents(case)),
        **_blank_forms(referral, assign=show["assign"]),
    }
    context.update({k: v for k, v in forms.items() if not k.startswith(("session_form_", "action_form_"))})
    return context


def _managing_blocks(user, referral, can_manage) -> dict:
    """The referral page's blocks for the LA's staff who manage referrals (and a manager's confirmation)."""
    status = referral.status
    return {
        "respond": can_manage and rules.referral_can_transition(status, RS.ACCEPTED),
        "icb": can_manage and referral.health_issues and not referral.icb_notified_on and referral.is_active,
        "assign": can_manage and status in ASSIGNABLE,
        "la_conceded": can_manage and rules.referral_can_transition(status, RS.LA_CONCEDED),
        "certificate": permissions.can_issue_certificate(user, referral=referral)
        and bool(selectors.certificate_kinds_possible(referral.case, referral)),
        "correct_dates": can_manage,
        "confirm": user.has_perm("cases.waive_deadline"),
    }


def _acting_blocks(referral, can_act, held) -> dict:
    """The referral page's blocks for whoever acts on the referral: its mediator, or the LA's staff."""
    status = referral.status
    return {
        "schedule": can_act and rules.referral_can_transition(status, RS.SCHEDULED),
        "not_held": can_act and rules.referral_can_transition(status, RS.NOT_HELD),
        "conclude": can_act and held and rules.referral_can_transition(status, RS.CONCLUDED),
        "withdraw": can_act and rules.referral_can_transition(status, RS.WITHDRAWN),
        "add_action": can_act and bool(referral.agreement_on),
        "note": can_act,
        "correct_sessions": can_act,
        "correct_outcome": can_act and status == RS.CONCLUDED,
    }


def _blank_forms(referral, *, assign) -> dict:
    """The page's action forms, empty (a failed one replaces its blank twin: see _detail_with_errors)."""
    ranking = selectors.mediator_ranking(referral) if assign else []
    return {
        "respond_form": RespondForm(),
        "icb_form": IcbNotifyForm(),
        "assign_form": AssignMediatorForm(referral=referral, ranking=ranking) if assign else None,
        "schedule_form": SessionScheduleForm(),
        "not_held_form": NotHeldForm(),
        "conclude_form": ConcludeForm(issues=issues_for(referral.case, referral)),
        "conceded_form": LaConcededForm(),
        "action_form": AgreementActionForm(),
        "note_form": SharedNoteForm(),
    }


def _session_row(session, can_act, forms) -> dict:
    form = None
    if can_act and session.status == MediationSession.SessionStatus.PLANNED:
        form = forms.get(f"session_form_{session.pk}") or SessionRecordForm(auto_id=f"session{session.pk}_%s")
    # A planned session whose time has come: recording it is the thing to do, so its form starts open.
    due = form is not None and session.starts_at <= timezone.now()
    return {"session": session, "held": session.status == MediationSession.SessionStatus.HELD, "form": form, "due": due}


def _action_row(action, today, calendar, can_manage, forms) -> dict:
    if action.done_on:
        relative, urgency = f"done on {short_date(action.done_on)}", "closed"
    else:
        relative, urgency = relative_and_urgency(action.due_on, today, calendar=calendar)
    form = None
    if can_manage and not action.done_on:
        form = forms.get(f"action_form_{action.pk}") or ActionDoneForm(auto_id=f"done{action.pk}_%s")
    return {"action": action, "relative": relative, "urgency": urgency, "form": form}


# Which action block a failed form belongs to: it stays open to show its messages.
FORM_BLOCKS = {
    "respond_form": "respond",
    "icb_form": "icb",
    "assign_form": "assign",
    "schedule_form": "schedule",
    "not_held_form": "not_held",
    "conclude_form": "conclude",
    "conceded_form": "la_conceded",
    "action_form": "add_action",
    "note_form": "note",
}


def _detail_with_errors(request, referral, **forms):
    """Show the referral page again with the failed form's messages (HTTP 400); nothing has changed."""
    context = _detail_context(request, referral, **forms)
    key = next(iter(forms))
    if key in FORM_BLOCKS:
        context["show"][FORM_BLOCKS[key]] = True
    return page_with_errors(request, "referrals/referral_detail.html", context, forms)


def act(request, referral, form, key, action, success):
    """A referral-page action."""
    return submit(
        request,
        form,
        action,
        success,
        then=referral,
        refused=lambda: _detail_with_errors(request, referral, **{key: form}),
    )
