"""Disagreement resolution (CFA 2014 s.57): voluntary, no certificate, no statutory timescale."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.clock_services import fmt
from cases.models import Case, CaseEvent
from cases.models import Status as CaseStatus
from sendportal.models import User

from .. import date_rules, permissions
from ..models import (
    DisagreementResolution,
    MediationProvider,
)
from ._common import _check_dates, _event, _move_case, _refresh_next_step, _require


@transaction.atomic
def drs_refer(
    *, case: Case, actor: User, kind: str, provider: MediationProvider, referred_on: date
) -> DisagreementResolution:
    _require(permissions.can_manage_referrals(actor))
    if kind not in DisagreementResolution.Kind.values:
        raise ValidationError({"kind": "Choose the kind of disagreement."})
    if not provider.offers_drs or not provider.active:
        raise ValidationError({"provider": f"{provider.name} does not provide disagreement resolution."})
    _check_dates(
        {"referred_on": referred_on, "first_contact_on": case.first_contact_on},
        date_rules.DRS_REFERRAL,
        fields=["referred_on"],
    )
    drs = DisagreementResolution.objects.create(
        case=case, kind=kind, provider=provider, referred_on=referred_on, created_by=actor
    )
    _event(case, actor, CaseEvent.Kind.REFERRAL, f"Referred to {provider.name} for disagreement resolution")
    for target in (CaseStatus.TRIAGED, CaseStatus.DRS_ROUTE):
        _move_case(case, actor, target, "referred for disagreement resolution")
    _refresh_next_step(case)
    return drs


@transaction.atomic
def drs_record(
    *,
    drs: DisagreementResolution,
    actor: User,
    meeting_on: date | None = None,
    outcome: str = "",
    outcome_on: date | None = None,
) -> DisagreementResolution:
    _require(permissions.can_manage_referrals(actor))
    drs = DisagreementResolution.objects.select_for_update(of=("self",)).select_related("case").get(pk=drs.pk)
    if drs.outcome:
        raise ValidationError("The outcome of this disagreement resolution is already recorded.")
    if meeting_on and drs.meeting_on and meeting_on != drs.meeting_on:
        raise ValidationError({"meeting_on": f"The meeting is already recorded for {fmt(drs.meeting_on)}."})
    if outcome and outcome not in DisagreementResolution.Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome."})
    if outcome and outcome != DisagreementResolution.Outcome.DECLINED and not (meeting_on or drs.meeting_on):
        raise ValidationError({"meeting_on": "Record the meeting date before its outcome."})
    if outcome and not outcome_on:
        raise ValidationError({"outcome_on": "Enter the date of the outcome."})
    _check_dates(
        {"meeting_on": meeting_on, "outcome_on": outcome_on, "referred_on": drs.referred_on},
        date_rules.DRS_RECORD,
        fields=["meeting_on", "outcome_on"],
    )
    if outcome_on and not meeting_on and drs.meeting_on and outcome_on < drs.meeting_on:
        raise ValidationError({"outcome_on": "The outcome cannot be before the meeting."})
    case = drs.case
    if meeting_on and meeting_on != drs.meeting_on:
        drs.meeting_on = meeting_on
        _event(case, actor, CaseEvent.Kind.REFERRAL, f"Disagreement resolution meeting on {fmt(meeting_on)}")
        _move_case(case, actor, CaseStatus.DRS_MEETING_SCHEDULED, "meeting arranged")
    if outcome:
        drs.outcome, drs.outcome_on = outcome, outcome_on
        _event(
            case,
            actor,
            CaseEvent.Kind.REFERRAL,
            f"Disagreement resolution outcome: {DisagreementResolution.Outcome(outcome).label.lower()}",
        )
        if outcome == DisagreementResolution.Outcome.DECLINED:
            _move_case(case, actor, CaseStatus.DRS_DECLINED, "declined")
        else:
            _move_case(case, actor, CaseStatus.DRS_MEETING_HELD, "meeting held")
            _move_case(
                case,
                actor,
                {
                    "resolved": CaseStatus.RESOLVED,
                    "partly_resolved": CaseStatus.PARTLY_RESOLVED,
                    "unresolved": CaseStatus.UNRESOLVED,
                }[outcome],
                "outcome recorded",
            )
    drs.save()
    _refresh_next_step(case)
    return drs
