"""The Tribunal appeal, from the case page: the appeal, its outcome and the compliance steps."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.views.decorators.http import require_POST

from cases import case_page
from cases import selectors as case_selectors

from .. import services
from ..forms import ComplianceDoneForm, TribunalAppealForm, TribunalOutcomeForm
from ._common import TRIBUNAL, appeal_of


@require_POST
@permission_required(TRIBUNAL, raise_exception=True)
def appeal_add(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    form = TribunalAppealForm(request.POST)

    def action(data):
        return services.tribunal_appeal_record(case=case, actor=request.user, **data)

    return case_page.act(request, case, form, "appeal_form", action, "Appeal recorded")


@require_POST
@permission_required(TRIBUNAL, raise_exception=True)
def appeal_outcome(request, case_pk, appeal_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    appeal = appeal_of(case, appeal_pk)
    form = TribunalOutcomeForm(request.POST, auto_id=f"outcome{appeal.pk}_%s")

    def action(data):
        return services.tribunal_outcome_record(appeal=appeal, actor=request.user, **data)

    def success(result):
        return f"Tribunal outcome recorded: {result.get_outcome_display().lower()}"

    return case_page.act(request, case, form, f"outcome_form_{appeal.pk}", action, success)


@require_POST
@permission_required("referrals.manage_tribunal", raise_exception=True)
def compliance_done(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    form = ComplianceDoneForm(request.POST)

    def action(data):
        return services.compliance_step_complete(
            case=case, actor=request.user, key=data["key"], done_on=data["done_on"]
        )

    return case_page.act(request, case, form, "compliance_form", action, lambda d: f"Recorded as done: {d.title}")
