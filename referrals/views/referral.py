"""The referral list and the referral itself: the adviser contact and the referral from the case page, the
provider's response, the ICB, the mediator and shared notes."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases import case_page
from cases import selectors as case_selectors
from sendportal.lists import filter_tags, page_query

from .. import selectors, services
from ..filters import SORT, MyReferralFilter, ReferralFilter
from ..forms import (
    AdviserContactForm,
    AssignMediatorForm,
    IcbNotifyForm,
    ReferralCreateForm,
    RespondForm,
    SharedNoteForm,
)
from ..models import MediationSession
from ._common import (
    ACT_ON_REFERRALS,
    MANAGE,
    RS,
    SEE_REFERRALS,
    any_permission_required,
)
from .detail import act

PAGE_SIZE = 25


def _upcoming_sessions(user):
    """Planned sessions on the user's referrals, soonest first (past ones still need recording)."""
    return (
        MediationSession.objects.filter(
            referral__in=selectors.referral_list_for(user), status=MediationSession.SessionStatus.PLANNED
        )
        .select_related("referral__case")
        .order_by("starts_at", "id")[:20]
    )


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


@require_POST
@permission_required(MANAGE, raise_exception=True)
def adviser_contact(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    form = AdviserContactForm(request.POST, choices=services.adviser_choices_for(case))

    def action(data):
        return services.adviser_contact_record(case=case, actor=request.user, **data)

    def success(contact):
        return "Adviser contact recorded" + (" (late: after the 2-month limit)" if contact.late else "")

    return case_page.act(request, case, form, "adviser_form", action, success)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def referral_create(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    form = ReferralCreateForm(request.POST, case=case)

    def action(data):
        return services.referral_create(case=case, actor=request.user, **data)

    return case_page.act(request, case, form, "refer_form", action, lambda r: f"Referred to {r.provider.name}")


@require_POST
@permission_required(MANAGE, raise_exception=True)
def referral_respond(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = RespondForm(request.POST)

    def action(data):
        return services.referral_respond(referral=referral, actor=request.user, **data)

    def success(result):
        verb = "accepted" if result.status == RS.ACCEPTED else "declined"
        return f"{result.provider.name} {verb} the referral"

    return act(request, referral, form, "respond_form", action, success)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def referral_notify_icb(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = IcbNotifyForm(request.POST)

    def action(data):
        return services.referral_notify_icb(
            referral=referral, actor=request.user, notified_on=data["notified_on"], received_on=data["received_on"]
        )

    return act(request, referral, form, "icb_form", action, "ICB notification recorded")


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

    return act(request, referral, form, "assign_form", action, lambda r: f"Mediator {r.mediator} assigned")


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def note_add(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = SharedNoteForm(request.POST)

    def action(data):
        return services.referral_note_add(referral=referral, actor=request.user, text=data["text"])

    return act(request, referral, form, "note_form", action, "Shared note added")
