"""Disagreement resolution (not mediation), from the case page."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.views.decorators.http import require_POST

from cases import case_page
from cases import selectors as case_selectors

from .. import services
from ..forms import DrsRecordForm, DrsReferForm
from ._common import MANAGE, drs_of


@require_POST
@permission_required(MANAGE, raise_exception=True)
def drs_refer(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    form = DrsReferForm(request.POST)

    def action(data):
        return services.drs_refer(case=case, actor=request.user, **data)

    def success(drs):
        return f"Referred to {drs.provider.name} for disagreement resolution"

    return case_page.act(request, case, form, "drs_form", action, success)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def drs_record(request, case_pk, drs_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    drs = drs_of(case, drs_pk)
    form = DrsRecordForm(request.POST, auto_id=f"drs{drs.pk}_%s")

    def action(data):
        return services.drs_record(drs=drs, actor=request.user, **data)

    return case_page.act(request, case, form, f"drs_form_{drs.pk}", action, "Disagreement resolution updated")
