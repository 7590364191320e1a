"""Mediation pathway pages. Each view: authorise, load through a selector, bind a form, call one service,
message + redirect. On a refused change the page is shown again with the form's messages (HTTP 400)."""

from __future__ import annotations

import logging
from functools import wraps

from auditlog.signals import accessed
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases import case_page, clock_services
from cases import selectors as case_selectors
from cases.clock_display import clock_rows, relative_and_urgency
from cases.models import Case, CaseNote
from cases.refusals import service_call
from documents import selectors as document_selectors
from documents.responses import file_response
from sendportal.lists import filter_tags, page_query
from sendportal.web import page_with_errors

from . import permissions, rules, selectors, services
from .filters import SORT, MyReferralFilter, ReferralFilter
from .forms import (
    ActionDoneForm,
    AdviserContactCorrectForm,
    AdviserContactForm,
    AgreementActionForm,
    AppealCorrectForm,
    AssignMediatorForm,
    CertificateIssueForm,
    ComplianceDoneForm,
    ConcludeForm,
    DrsRecordForm,
    DrsReferForm,
    IcbNotifyForm,
    LaConcededForm,
    NotHeldForm,
    OutcomeCorrectForm,
    ReferralCreateForm,
    ReferralDatesForm,
    RespondForm,
    SessionCorrectForm,
    SessionRecordForm,
    SessionScheduleForm,
    SharedNoteForm,
    TribunalAppealForm,
    TribunalOutcomeForm,
    WithdrawForm,
    issues_for,
)
from .models import AdviserContact, Certificate, MediationSession, Referral

logger = logging.getLogger("sendportal.certificates")
RS = Referral.Status
PAGE_SIZE = 25
MANAGE = "referrals.manage_referrals"
TRIBUNAL = "referrals.manage_tribunal"
SEE_REFERRALS = ("referrals.view_all_referrals", "referrals.act_as_mediator")
ACT_ON_REFERRALS = ("referrals.manage_referrals", "referrals.act_as_mediator")
# Where referral_assign_mediator accepts a (re)assignment.
ASSIGNABLE = services.ASSIGNABLE_STATUSES


def any_permission_required(*perms):
    """The coarse check for pages both officers and mediators use: any one of the permissions (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


# --- Reads scoped through an object the selectors already gave us (candidates for selectors.py) -----------------


def _shared_notes(case):
    return case.notes.filter(visibility=CaseNote.Visibility.SHARED).select_related("author").order_by("-created_at")


def _session_of(referral, pk) -> MediationSession:
    return get_object_or_404(referral.sessions.all(), pk=pk)


def _action_of(referral, pk):
    return get_object_or_404(referral.actions.all(), pk=pk)


def _drs_of(case, pk):
    return get_object_or_404(case.drs_referrals.select_related("case"), pk=pk)


def _appeal_of(case, pk):
    return get_object_or_404(case.appeals.select_related("case"), pk=pk)


def _upcoming_sessions(user):
    """Planned sessions on the user's referrals, soonest first (past ones still need recording)."""
    return (
        MediationSession.objects.filter(
            referral__in=selectors.referral_list_for(user), status=MediationSession.SessionStatus.PLANNED
        )
        .select_related("referral__case")
        .order_by("starts_at", "id")[:20]
    )


def _certificate_kinds(case, referral) -> list[str]:
    """The kinds of certificate the facts allow now (the service re-checks)."""
    return selectors.certificate_kinds_possible(case, referral)


# --- Referral list -----------------------------------------------------------------------------------------


@any_permission_required(*SEE_REFERRALS)
def referral_list(request):
    officer_view = request.user.has_perm("referrals.view_all_referrals")
    base = selectors.referral_list_for(request.user)
    filter_class = ReferralFilter if officer_view else MyReferralFilter
    referral_filter = filter_class(request.GET or None, queryset=base)
    sort, ordering = SORT.ordering(request.GET.get("sort"))
    page = Paginator(referral_filter.qs.order_by(*ordering), PAGE_SIZE).get_page(request.GET.get("page"))
    query = page_query(request.GET)
    context = {
        "officer_view": officer_view,
        "filter": referral_filter,
        "page": page,
        "sort": sort,
        "sort_text": SORT.describe(sort),
        "query": query.urlencode(),
        "tags": filter_tags(referral_filter, query),
        "sessions": [] if officer_view else list(_upcoming_sessions(request.user)),
        "now": timezone.now(),
    }
    return render(request, "referrals/referral_list.html", context)


# --- Referral page -----------------------------------------------------------------------------------------


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


def _detail_context(request, referral, **forms):
    """Everything the referral page shows. Mediators get what they need to mediate and nothing else."""
    user, case, status = request.user, referral.case, referral.status
    today, calendar = timezone.localdate(), clock_services.working_calendar()
    can_manage = permissions.can_manage_referrals(user)
    can_act = permissions.can_act_on_referral(user, referral)
    sessions = list(selectors.sessions_for(referral))
    actions = list(selectors.actions_for(referral))
    certificates = list(referral.certificates.order_by("-version"))
    held = any(s.status == MediationSession.SessionStatus.HELD for s in sessions)
    show = {
        "respond": can_manage and rules.referral_can_transition(status, RS.ACCEPTED),
        "icb": can_manage and referral.health_issues and not referral.icb_notified_on and referral.is_active,
        "assign": can_manage and status in ASSIGNABLE,
        "schedule": can_act and rules.referral_can_transition(status, RS.SCHEDULED),
        "not_held": can_act and rules.referral_can_transition(status, RS.NOT_HELD),
        "conclude": can_act and held and rules.referral_can_transition(status, RS.CONCLUDED),
        "withdraw": can_act and rules.referral_can_transition(status, RS.WITHDRAWN),
        "la_conceded": can_manage and rules.referral_can_transition(status, RS.LA_CONCEDED),
        "add_action": can_act and bool(referral.agreement_on),
        "certificate": permissions.can_issue_certificate(user, referral=referral)
        and bool(_certificate_kinds(case, referral)),
        "note": can_act,
        "correct_dates": can_manage,
        "correct_sessions": can_act,
        "correct_outcome": can_act and status == RS.CONCLUDED,
        "confirm": user.has_perm("cases.waive_deadline"),
    }
    ranking = selectors.mediator_ranking(referral) if show["assign"] else []
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
        "respond_form": RespondForm(),
        "icb_form": IcbNotifyForm(),
        "assign_form": AssignMediatorForm(referral=referral, ranking=ranking) if show["assign"] else None,
        "schedule_form": SessionScheduleForm(),
        "not_held_form": NotHeldForm(),
        "conclude_form": ConcludeForm(issues=issues_for(case, referral)),
        "conceded_form": LaConcededForm(),
        "action_form": AgreementActionForm(),
        "note_form": SharedNoteForm(),
    }
    context.update({k: v for k, v in forms.items() if not k.startswith(("session_form_", "action_form_"))})
    return context


def _session_row(session, can_act, forms) -> dict:
    form = None
    if can_act and session.status == MediationSession.SessionStatus.PLANNED:
        form = forms.get(f"session_form_{session.pk}") or SessionRecordForm(auto_id=f"session{session.pk}_%s")
    # A planned session whose time has come: recording it is the thing to do, so its form starts open.
    due = form is not None and session.starts_at <= timezone.now()
    return {"session": session, "held": session.status == MediationSession.SessionStatus.HELD, "form": form, "due": due}


def _action_row(action, today, calendar, can_manage, forms) -> dict:
    if action.done_on:
        relative, urgency = f"done on {action.done_on:%a %-d %b %Y}", "closed"
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


def _submit(request, form, action, success, *, then, refused):
    """The common tail of every action: valid form -> one service call -> success message and redirect to
    `then`; a form or service refusal -> `refused()` (the page again, HTTP 400, nothing changed)."""
    if form.is_valid():
        saved, result = service_call(form, lambda: action(form.cleaned_data))
        if saved:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(then)
    return refused()


def _act(request, referral, form, key, action, success):
    """A referral-page action."""
    return _submit(
        request,
        form,
        action,
        success,
        then=referral,
        refused=lambda: _detail_with_errors(request, referral, **{key: form}),
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def referral_respond(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = RespondForm(request.POST)

    def action(data):
        return services.referral_respond(
            referral=referral,
            actor=request.user,
            accepted=data["accepted"],
            responded_on=data["responded_on"],
            decline_reason=data["decline_reason"],
            decline_detail=data["decline_detail"],
        )

    def success(result):
        verb = "accepted" if result.status == RS.ACCEPTED else "declined"
        return f"{result.provider.name} {verb} the referral"

    return _act(request, referral, form, "respond_form", action, success)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def referral_notify_icb(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = IcbNotifyForm(request.POST)

    def action(data):
        return services.referral_notify_icb(
            referral=referral, actor=request.user, notified_on=data["notified_on"], received_on=data["received_on"]
        )

    return _act(request, referral, form, "icb_form", action, "ICB notification recorded")


@require_POST
@permission_required(MANAGE, raise_exception=True)
def referral_assign(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    ranking = selectors.mediator_ranking(referral)
    form = AssignMediatorForm(request.POST, referral=referral, ranking=ranking)

    def action(data):
        return services.referral_assign_mediator(
            referral=referral, actor=request.user, mediator=data["mediator"], reason=data["reason"]
        )

    return _act(request, referral, form, "assign_form", action, lambda r: f"Mediator {r.mediator} assigned")


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def session_schedule(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = SessionScheduleForm(request.POST)

    def action(data):
        return services.session_schedule(
            referral=referral,
            actor=request.user,
            starts_at=data["starts_at"],
            mode=data["mode"],
            venue=data["venue"],
            notice_sent_on=data["notice_sent_on"],
            short_notice_consent=data["short_notice_consent"],
        )

    def success(session):
        return f"Session arranged for {timezone.localtime(session.starts_at):%a %-d %b %Y at %H:%M}"

    return _act(request, referral, form, "schedule_form", action, success)


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def session_record(request, pk, session_pk):
    referral = selectors.referral_get_for(request.user, pk)
    session = _session_of(referral, session_pk)
    form = SessionRecordForm(request.POST, auto_id=f"session{session.pk}_%s")

    def action(data):
        return services.session_record(
            session=session,
            actor=request.user,
            status=data["status"],
            cancelled_by=data["cancelled_by"],
            cancel_reason=data["cancel_reason"],
            attendance=form.attendance,
        )

    def success(result):
        return f"Session recorded: {result.get_status_display().lower()}"

    return _act(request, referral, form, f"session_form_{session.pk}", action, success)


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def referral_not_held(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = NotHeldForm(request.POST)

    def action(data):
        return services.referral_not_held_in_time(
            referral=referral, actor=request.user, notified_on=data["notified_on"]
        )

    message = "Recorded that mediation cannot be held within 30 days: the certificate is due in 3 working days"
    return _act(request, referral, form, "not_held_form", action, message)


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def referral_conclude(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = ConcludeForm(request.POST, issues=issues_for(referral.case, referral))

    def action(data):
        return services.referral_conclude(
            referral=referral,
            actor=request.user,
            concluded_on=data["concluded_on"],
            outcome=data["outcome"],
            issue_outcomes=form.issue_outcomes,
            agreement_on=data["agreement_on"],
        )

    def success(result):
        return f"Mediation concluded: {result.get_outcome_display().lower()}"

    return _act(request, referral, form, "conclude_form", action, success)


@any_permission_required(*ACT_ON_REFERRALS)
def referral_withdraw(request, pk):
    """Irreversible: asks for confirmation on a page of its own."""
    referral = selectors.referral_get_for(request.user, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved, _ = service_call(
            form,
            lambda: services.referral_withdraw(
                referral=referral,
                actor=request.user,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if saved:
            messages.success(request, "The family's withdrawal is recorded: a 'mediation declined' certificate is due")
            return redirect(referral)
    status = 400 if form.errors else 200
    return render(request, "referrals/referral_withdraw.html", {"referral": referral, "form": form}, status=status)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def referral_la_conceded(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = LaConcededForm(request.POST)

    def action(data):
        return services.referral_la_conceded(referral=referral, actor=request.user, agreement_on=data["agreement_on"])

    return _act(request, referral, form, "conceded_form", action, "The LA's concession before the meeting is recorded")


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def action_add(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = AgreementActionForm(request.POST)

    def action(data):
        return services.agreement_action_add(
            referral=referral,
            actor=request.user,
            description=data["description"],
            owner=data["owner"],
            basis=data["basis"],
            order_kind=data["order_kind"],
            agreed_due_on=data["agreed_due_on"],
        )

    def success(created):
        return "Agreed action added" + (f" ({len(created)} steps)" if len(created) > 1 else "")

    return _act(request, referral, form, "action_form", action, success)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def action_done(request, pk, action_pk):
    referral = selectors.referral_get_for(request.user, pk)
    agreed = _action_of(referral, action_pk)
    form = ActionDoneForm(request.POST, auto_id=f"done{agreed.pk}_%s")

    def action(data):
        return services.agreement_action_complete(action=agreed, actor=request.user, done_on=data["done_on"])

    return _act(request, referral, form, f"action_form_{agreed.pk}", action, f"Marked done: {agreed.description}")


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def note_add(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = SharedNoteForm(request.POST)

    def action(data):
        return services.referral_note_add(referral=referral, actor=request.user, text=data["text"])

    return _act(request, referral, form, "note_form", action, "Shared note added")


# --- Certificates (irreversible: a confirmation page of their own) ---------------------------------------------


@permission_required("referrals.issue_certificate", raise_exception=True)
def certificate_issue(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    if not permissions.can_issue_certificate(request.user, referral=referral):
        raise PermissionDenied
    return _certificate_page(request, referral.case, referral)


@permission_required([MANAGE, "referrals.issue_certificate"], raise_exception=True)
def case_certificate_issue(request, case_pk):
    """A certificate with no referral: the family told the adviser they do not want mediation (C2)."""
    case = case_selectors.case_get_for(request.user, case_pk)
    return _certificate_page(request, case, None)


def _certificate_page(request, case, referral):
    latest = selectors.certificates_for_case(case).first()
    kinds = _certificate_kinds(case, referral)
    initial = {
        "issued_on": timezone.localdate(),
        "issuer_name": _name(request.user),
        "issuer_role": "Mediation adviser" if permissions.can_manage_referrals(request.user) else "Mediator",
    }
    form = CertificateIssueForm(request.POST or None, kinds=kinds, latest=latest, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, cert = service_call(
            form,
            lambda: services.certificate_issue(
                case=case,
                actor=request.user,
                referral=referral,
                kind=data["kind"],
                issued_on=data["issued_on"],
                issuer_name=data["issuer_name"],
                issuer_role=data["issuer_role"],
                correction_reason=data.get("correction_reason", ""),
                corrects_issue_date=data.get("corrects_issue_date", False),
            ),
        )
        if saved:
            messages.success(request, f"Certificate {cert.number} issued")
            return redirect(referral or case)
    context = {"case": case, "referral": referral, "form": form, "kinds": kinds, "latest": latest}
    return render(request, "referrals/certificate_issue.html", context, status=400 if form.errors else 200)


@any_permission_required(*SEE_REFERRALS)
def certificate_download(request, pk):
    cert = selectors.certificate_get_for(request.user, pk)
    if not cert.pdf:  # removed when the case was anonymised (privacy retention schedule)
        raise Http404("This certificate's PDF is no longer held")
    try:
        pdf = cert.pdf.open("rb")
    except OSError:
        logger.error("certificate PDF missing from storage certificate=%s", cert.pk)
        message = (
            f"The PDF of certificate {cert.number} is missing from the portal's storage. The certificate is still "
            "recorded on the case. Tell the portal's administrators, quoting the certificate number, so they can "
            "restore the file from backup."
        )
        return render(request, "404.html", {"message": message}, status=404)
    accessed.send(sender=Certificate, instance=cert)
    response = FileResponse(pdf, as_attachment=True, filename=f"{cert.number}.pdf", content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Actions from the case page's mediation panel (officers) -------------------------------------------------


def _case_act(request, case, form, key, action, success):
    """A case-panel action; a refused change shows the case page again."""
    return _submit(
        request,
        form,
        action,
        success,
        then=case,
        refused=lambda: case_page.with_errors(request, case, **{key: form}),
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def adviser_contact(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    form = AdviserContactForm(request.POST, choices=services.adviser_choices_for(case))

    def action(data):
        return services.adviser_contact_record(
            case=case,
            actor=request.user,
            contacted_on=data["contacted_on"],
            choice=data["choice"],
            provider=data["provider"],
            adviser_name=data["adviser_name"],
        )

    def success(contact):
        return "Adviser contact recorded" + (" (late: after the 2-month limit)" if contact.late else "")

    return _case_act(request, case, form, "adviser_form", action, success)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def referral_create(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    form = ReferralCreateForm(request.POST, case=case)

    def action(data):
        return services.referral_create(case=case, actor=request.user, **data)

    return _case_act(request, case, form, "refer_form", action, lambda r: f"Referred to {r.provider.name}")


@require_POST
@permission_required(MANAGE, raise_exception=True)
def drs_refer(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    form = DrsReferForm(request.POST)

    def action(data):
        return services.drs_refer(case=case, actor=request.user, **data)

    def success(drs):
        return f"Referred to {drs.provider.name} for disagreement resolution"

    return _case_act(request, case, form, "drs_form", action, success)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def drs_record(request, case_pk, drs_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    drs = _drs_of(case, drs_pk)
    form = DrsRecordForm(request.POST, auto_id=f"drs{drs.pk}_%s")

    def action(data):
        return services.drs_record(drs=drs, actor=request.user, **data)

    return _case_act(request, case, form, f"drs_form_{drs.pk}", action, "Disagreement resolution updated")


@require_POST
@permission_required(TRIBUNAL, raise_exception=True)
def appeal_add(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    form = TribunalAppealForm(request.POST)

    def action(data):
        return services.tribunal_appeal_record(case=case, actor=request.user, **data)

    return _case_act(request, case, form, "appeal_form", action, "Appeal recorded")


@require_POST
@permission_required(TRIBUNAL, raise_exception=True)
def appeal_outcome(request, case_pk, appeal_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    appeal = _appeal_of(case, appeal_pk)
    form = TribunalOutcomeForm(request.POST, auto_id=f"outcome{appeal.pk}_%s")

    def action(data):
        return services.tribunal_outcome_record(appeal=appeal, actor=request.user, **data)

    def success(result):
        return f"Tribunal outcome recorded: {result.get_outcome_display().lower()}"

    return _case_act(request, case, form, f"outcome_form_{appeal.pk}", action, success)


@require_POST
@permission_required("referrals.manage_tribunal", raise_exception=True)
def compliance_done(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    form = ComplianceDoneForm(request.POST)

    def action(data):
        return services.compliance_step_complete(
            case=case, actor=request.user, key=data["key"], done_on=data["done_on"]
        )

    return _case_act(request, case, form, "compliance_form", action, lambda d: f"Recorded as done: {d.title}")


# --- Corrections (decision 17): a page of their own, with a reason; every dependent clock is recomputed ---------


def _correction_page(request, *, form, facts, title, intro, back, back_label, action, success):
    """GET: the form with the facts as recorded. POST: the service records the correction and recomputes the
    case's clocks; a refused correction shows the page again with its messages and changes nothing. When someone
    else changed the record after the page was opened, the page says what changed and now carries the record as
    it is, so saving again applies this person's correction on top (`facts` re-reads the record)."""
    if request.method == "POST" and form.is_valid():
        stale = []

        def run():
            try:
                return action(form.cleaned_data)
            except services.StaleCorrection:
                stale.append(True)
                raise

        saved, _ = service_call(form, run)
        if saved:
            messages.success(request, success)
            return redirect(back)
        if stale:
            form.reopen(facts())
    context = {"form": form, "title": title, "intro": intro, "back": back, "back_label": back_label}
    # Shown again with its messages as a normal page (as the intake form is): the title starts "Error:".
    return render(request, "referrals/correction.html", context)


@permission_required(MANAGE, raise_exception=True)
def referral_correct_dates(request, pk):
    referral = selectors.referral_get_for(request.user, pk)

    def facts():
        referral.refresh_from_db()
        return {name: getattr(referral, name) for name in services.REFERRAL_DATE_FIELDS}

    form = ReferralDatesForm(request.POST or None, referral=referral, initial=facts())

    def action(data):
        changes = form.changed_dates(services.REFERRAL_DATE_FIELDS)
        return services.referral_correct_dates(
            referral=referral, actor=request.user, changes=changes, reason=data["reason"], expected=data["opened"]
        )

    return _correction_page(
        request,
        form=form,
        facts=facts,
        title=f"Correct the dates of referral {referral.pk}",
        intro="Every clock that runs from these dates is worked out again, and each date that moves is shown on the "
        "case timeline with your reason.",
        back=referral,
        back_label=f"Referral {referral.pk}",
        action=action,
        success="Referral dates corrected: the clocks that depend on them have been worked out again",
    )


@any_permission_required(*ACT_ON_REFERRALS)
def session_correct(request, pk, session_pk):
    referral = selectors.referral_get_for(request.user, pk)
    if not permissions.can_act_on_referral(request.user, referral):
        raise PermissionDenied
    session = _session_of(referral, session_pk)

    def facts():
        session.refresh_from_db()
        return {
            "starts_at": timezone.localtime(session.starts_at),
            "notice_sent_on": session.notice_sent_on,
            "short_notice_consent": session.short_notice_consent,
        }

    form = SessionCorrectForm(request.POST or None, initial=facts())

    def action(data):
        return services.session_correct(
            session=session,
            actor=request.user,
            starts_at=data["starts_at"],
            notice_sent_on=data["notice_sent_on"],
            short_notice_consent=data["short_notice_consent"],
            reason=data["reason"],
            expected=data["opened"],
        )

    when = timezone.localtime(session.starts_at)
    return _correction_page(
        request,
        form=form,
        facts=facts,
        title=f"Correct the session of {when:%a %-d %b %Y}",
        intro="The notice clock and, for a held session, the 30-day mediation clock are worked out again.",
        back=referral,
        back_label=f"Referral {referral.pk}",
        action=action,
        success="Session corrected",
    )


@any_permission_required(*ACT_ON_REFERRALS)
def outcome_correct(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    if not permissions.can_act_on_referral(request.user, referral):
        raise PermissionDenied

    def facts():
        referral.refresh_from_db()
        return {"concluded_on": referral.concluded_on, "agreement_on": referral.agreement_on}

    form = OutcomeCorrectForm(request.POST or None, initial=facts())

    def action(data):
        return services.referral_conclusion_correct(
            referral=referral,
            actor=request.user,
            concluded_on=data["concluded_on"],
            agreement_on=data["agreement_on"],
            reason=data["reason"],
            expected=data["opened"],
        )

    return _correction_page(
        request,
        form=form,
        facts=facts,
        title=f"Correct the outcome dates of referral {referral.pk}",
        intro="The certificate clock and every agreed action's deadline are worked out again.",
        back=referral,
        back_label=f"Referral {referral.pk}",
        action=action,
        success="Outcome dates corrected",
    )


@permission_required(MANAGE, raise_exception=True)
def adviser_contact_correct(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    contact = get_object_or_404(AdviserContact, case=case)

    def facts():
        contact.refresh_from_db()
        return {"contacted_on": contact.contacted_on, "choice": contact.choice}

    form = AdviserContactCorrectForm(request.POST or None, initial=facts(), choices=services.adviser_choices_for(case))

    def action(data):
        return services.adviser_contact_correct(
            contact=contact,
            actor=request.user,
            contacted_on=data["contacted_on"],
            choice=data["choice"],
            reason=data["reason"],
            expected=data["opened"],
        )

    return _correction_page(
        request,
        form=form,
        facts=facts,
        title=f"Correct the adviser contact on case {case.reference}",
        intro="The adviser clock, the certificate clock and whether the contact was late are worked out again.",
        back=case,
        back_label=f"Case {case.reference}",
        action=action,
        success="Adviser contact corrected",
    )


@permission_required(TRIBUNAL, raise_exception=True)
def appeal_correct(request, case_pk, appeal_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    appeal = _appeal_of(case, appeal_pk)
    fields = {**services.APPEAL_DATE_FIELDS, **services.APPEAL_OUTCOME_DATE_FIELDS}

    def facts():
        appeal.refresh_from_db()
        return {f: getattr(appeal, f) for f in fields}

    form = AppealCorrectForm(request.POST or None, appeal=appeal, initial=facts())

    def action(data):
        return services.tribunal_appeal_correct(
            appeal=appeal,
            actor=request.user,
            changes=form.changed_dates(fields),
            reason=data["reason"],
            expected=data["opened"],
        )

    return _correction_page(
        request,
        form=form,
        facts=facts,
        title=f"Correct the appeal dates on case {case.reference}",
        intro="The appeal window, the directed response and every compliance clock are worked out again.",
        back=case,
        back_label=f"Case {case.reference}",
        action=action,
        success="Appeal dates corrected",
    )


@permission_required("cases.waive_deadline", raise_exception=True)
def certificate_review_confirm(request, pk):
    """A manager confirms a corrected certificate after legal review (decision 15): a page of its own, by POST."""
    cert = selectors.certificate_get_for(request.user, pk)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        saved, _ = service_call(form, lambda: services.certificate_review_confirm(certificate=cert, actor=request.user))
        if saved:
            messages.success(request, f"Corrected certificate {cert.number} confirmed after legal review")
            return redirect(cert.case)
    context = {"cert": cert, "case": cert.case, "form": form}
    return render(request, "referrals/certificate_confirm.html", context, status=400 if form.errors else 200)
