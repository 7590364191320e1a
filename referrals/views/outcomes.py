"""How mediation ends: concluded (with the agreed actions), withdrawn, or conceded by the LA."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from cases.refusals import submit

from .. import selectors, services
from ..forms import (
    ActionDoneForm,
    AgreementActionForm,
    ConcludeForm,
    LaConcededForm,
    WithdrawForm,
    issues_for,
)
from ._common import (
    ACT_ON_REFERRALS,
    MANAGE,
    action_of,
    any_permission_required,
)
from .detail import act


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

    return act(request, referral, form, "conclude_form", action, success)


@any_permission_required(*ACT_ON_REFERRALS)
def referral_withdraw(request, pk):
    """Irreversible: asks for confirmation on a page of its own."""
    referral = selectors.referral_get_for(request.user, pk)
    form = WithdrawForm(request.POST or None)

    def page():
        status = 400 if form.errors else 200
        return render(request, "referrals/referral_withdraw.html", {"referral": referral, "form": form}, status=status)

    if request.method != "POST":
        return page()

    def action(data):
        return services.referral_withdraw(
            referral=referral, actor=request.user, withdrawn_on=data["withdrawn_on"], reason=data["reason"]
        )

    success = "The family's withdrawal is recorded: a 'mediation declined' certificate is due"
    return submit(request, form, action, success, then=referral, refused=page)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def referral_la_conceded(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = LaConcededForm(request.POST)

    def action(data):
        return services.referral_la_conceded(referral=referral, actor=request.user, agreement_on=data["agreement_on"])

    return act(request, referral, form, "conceded_form", action, "The LA's concession before the meeting is recorded")


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def action_add(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = AgreementActionForm(request.POST)

    def action(data):
        return services.agreement_action_add(referral=referral, actor=request.user, **data)

    def success(created):
        return "Agreed action added" + (f" ({len(created)} steps)" if len(created) > 1 else "")

    return act(request, referral, form, "action_form", action, success)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def action_done(request, pk, action_pk):
    referral = selectors.referral_get_for(request.user, pk)
    agreed = action_of(referral, action_pk)
    form = ActionDoneForm(request.POST, auto_id=f"done{agreed.pk}_%s")

    def action(data):
        return services.agreement_action_complete(action=agreed, actor=request.user, done_on=data["done_on"])

    return act(request, referral, form, f"action_form_{agreed.pk}", action, f"Marked done: {agreed.description}")
