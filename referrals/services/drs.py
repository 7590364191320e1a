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


Outcome = DisagreementResolution.Outcome
# Where the case goes once a meeting's outcome is recorded (after "meeting held").
CASE_STATUS_AFTER_OUTCOME: dict[str, str] = {
    Outcome.RESOLVED: CaseStatus.RESOLVED,
    Outcome.PARTLY_RESOLVED: CaseStatus.PARTLY_RESOLVED,
    Outcome.UNRESOLVED: CaseStatus.UNRESOLVED,
}


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
    _check_drs_record(drs, meeting_on=meeting_on, outcome=outcome, outcome_on=outcome_on)
    if meeting_on and meeting_on != drs.meeting_on:
        _record_meeting(drs, actor, meeting_on)
    if outcome:
        _record_drs_outcome(drs, actor, outcome, outcome_on)
    drs.save()
    _refresh_next_step(drs.case)
    return drs


def _check_drs_record(
    drs: DisagreementResolution, *, meeting_on: date | None, outcome: str, outcome_on: date | None
) -> None:
    """One meeting, then one outcome after it (a declined one needs no meeting), dated in order."""
    if drs.outcome:
        raise ValidationError("The outcome of this disagreement resolution is already recorded.")
    if meeting_on and drs.meeting_on and meeting_on != drs.meeting_on:
        raise ValidationError({"meeting_on": f"The meeting is already recorded for {fmt(drs.meeting_on)}."})
    if outcome:
        _check_drs_outcome(drs, meeting_on=meeting_on, outcome=outcome, outcome_on=outcome_on)
    _check_dates(
        {"meeting_on": meeting_on, "outcome_on": outcome_on, "referred_on": drs.referred_on},
        date_rules.DRS_RECORD,
        fields=["meeting_on", "outcome_on"],
    )
    if outcome_on and not meeting_on and drs.meeting_on and outcome_on < drs.meeting_on:
        raise ValidationError({"outcome_on": "The outcome cannot be before the meeting."})


def _check_drs_outcome(
    drs: DisagreementResolution, *, meeting_on: date | None, outcome: str, outcome_on: date | None
) -> None:
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome."})
    if outcome != Outcome.DECLINED and not (meeting_on or drs.meeting_on):
        raise ValidationError({"meeting_on": "Record the meeting date before its outcome."})
    if not outcome_on:
        raise ValidationError({"outcome_on": "Enter the date of the outcome."})


def _record_meeting(drs: DisagreementResolution, actor: User, meeting_on: date) -> None:
    drs.meeting_on = meeting_on
    _event(drs.case, actor, CaseEvent.Kind.REFERRAL, f"Disagreement resolution meeting on {fmt(meeting_on)}")
    _move_case(drs.case, actor, CaseStatus.DRS_MEETING_SCHEDULED, "meeting arranged")


def _record_drs_outcome(drs: DisagreementResolution, actor: User, outcome: str, outcome_on: date | None) -> None:
    case = drs.case
    drs.outcome, drs.outcome_on = outcome, outcome_on
    _event(
        case,
        actor,
        CaseEvent.Kind.REFERRAL,
        f"Disagreement resolution outcome: {Outcome(outcome).label.lower()}",
    )
    if outcome == Outcome.DECLINED:
        _move_case(case, actor, CaseStatus.DRS_DECLINED, "declined")
    else:
        _move_case(case, actor, CaseStatus.DRS_MEETING_HELD, "meeting held")
        _move_case(case, actor, CASE_STATUS_AFTER_OUTCOME[outcome], "outcome recorded")
