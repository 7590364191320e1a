"""Tribunal appeals the LA is told of, their outcomes and the compliance clocks they set (C14-C17), and corrections."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from cases import deadlines
from cases.clock_services import fmt
from cases.models import Case, CaseEvent, Deadline
from cases.models import Status as CaseStatus
from sendportal.models import User

from .. import clocks, date_rules, permissions
from ..models import (
    TribunalAppeal,
)
from ._common import (
    _changes_text,
    _check_dates,
    _check_unchanged,
    _event,
    _move_case,
    _reason_required,
    _recompute,
    _record_correction,
    _require,
)

APPEAL_DATE_FIELDS = {
    "registered_on": "date registered",
    "la_told_on": "date the LA was told",
    "response_due_on": "LA response due",
    "hearing_on": "hearing date",
}


APPEAL_OUTCOME_DATE_FIELDS = {
    "outcome_on": "outcome date",
    "order_sent_on": "date the order was sent out",
    "unopposed_notified_on": "date the Tribunal was told",
    "recommendation_on": "recommendation date",
}


def _check_appeal_dates(case: Case, values: Mapping[str, date | None]) -> None:
    _check_dates(
        {**values, "decision_sent_on": case.decision_sent_on}, date_rules.APPEAL, fields=list(APPEAL_DATE_FIELDS)
    )


@transaction.atomic
def tribunal_appeal_record(
    *,
    case: Case,
    actor: User,
    registered_on: date,
    la_told_on: date,
    response_due_on: date | None = None,
    hearing_on: date | None = None,
) -> TribunalAppeal:
    """The LA has been told of an appeal (the appeal deadline C9 is met by the family)."""
    _require(permissions.can_manage_tribunal(actor))
    _check_appeal_dates(
        case,
        {
            "registered_on": registered_on,
            "la_told_on": la_told_on,
            "response_due_on": response_due_on,
            "hearing_on": hearing_on,
        },
    )
    appeal = TribunalAppeal.objects.create(
        case=case,
        registered_on=registered_on,
        la_told_on=la_told_on,
        response_due_on=response_due_on,
        hearing_on=hearing_on,
        created_by=actor,
    )
    _event(case, actor, CaseEvent.Kind.TRIBUNAL, f"Appeal registered by the Tribunal on {fmt(registered_on)}")
    _recompute(case, actor, "appeal registered")
    for target in (CaseStatus.APPEAL_WINDOW_OPEN, CaseStatus.APPEAL_LODGED):
        _move_case(case, actor, target, "appeal registered")
    return appeal


def _check_outcome(
    appeal: TribunalAppeal,
    *,
    outcome: str,
    order_kind: str,
    order_sent_on: date | None,
    unopposed_kind: str,
    unopposed_notified_on: date | None,
) -> None:
    if outcome not in TribunalAppeal.Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome."})
    if bool(order_kind) != bool(order_sent_on):
        raise ValidationError({"order_kind": "Record both what the order requires and the date it was sent out."})
    if bool(unopposed_kind) != bool(unopposed_notified_on):
        raise ValidationError({"unopposed_kind": "Record both what was conceded and the date the Tribunal was told."})
    if outcome == TribunalAppeal.Outcome.CONCEDED and not (unopposed_kind and unopposed_notified_on):
        raise ValidationError({"unopposed_kind": "Record what was conceded and when the Tribunal was told."})
    try:
        if order_kind and order_sent_on:  # both or neither (checked above)
            deadlines.tribunal_order_deadlines(order_kind, order_sent_on)
        if unopposed_kind and unopposed_notified_on:
            deadlines.unopposed_appeal_deadlines(unopposed_kind, unopposed_notified_on)
    except ValueError as exc:
        raise ValidationError({"order_kind": str(exc)}) from None


@transaction.atomic
def tribunal_outcome_record(
    *,
    appeal: TribunalAppeal,
    actor: User,
    outcome: str,
    outcome_on: date,
    order_kind: str = "",
    order_sent_on: date | None = None,
    unopposed_kind: str = "",
    unopposed_notified_on: date | None = None,
    recommendation_on: date | None = None,
    recommendation_to: str = TribunalAppeal.RecommendationTo.LA,
) -> TribunalAppeal:
    """The outcome; an order (C14), an unopposed appeal (C15) and recommendations (C16) set compliance clocks."""
    _require(permissions.can_manage_tribunal(actor))
    appeal = TribunalAppeal.objects.select_for_update(of=("self",)).select_related("case").get(pk=appeal.pk)
    if appeal.outcome:
        raise ValidationError("The outcome is already recorded.")
    _check_outcome(
        appeal,
        outcome=outcome,
        order_kind=order_kind,
        order_sent_on=order_sent_on,
        unopposed_kind=unopposed_kind,
        unopposed_notified_on=unopposed_notified_on,
    )
    if recommendation_to not in TribunalAppeal.RecommendationTo.values:
        raise ValidationError({"recommendation_to": "Choose who the recommendations are for."})
    values = {
        "outcome_on": outcome_on,
        "order_sent_on": order_sent_on,
        "unopposed_notified_on": unopposed_notified_on,
        "recommendation_on": recommendation_on,
        "registered_on": appeal.registered_on,
    }
    _check_dates(values, date_rules.APPEAL_OUTCOME, fields=list(APPEAL_OUTCOME_DATE_FIELDS))
    appeal.outcome, appeal.outcome_on = outcome, outcome_on
    appeal.order_kind, appeal.order_sent_on = order_kind, order_sent_on
    appeal.unopposed_kind, appeal.unopposed_notified_on = unopposed_kind, unopposed_notified_on
    appeal.recommendation_on, appeal.recommendation_to = recommendation_on, recommendation_to
    appeal.save()
    case = appeal.case
    _event(
        case,
        actor,
        CaseEvent.Kind.TRIBUNAL,
        f"Tribunal outcome on {fmt(outcome_on)}: {appeal.get_outcome_display().lower()}",
    )
    before = set(case.deadlines.values_list("key", flat=True))
    _recompute(case, actor, "tribunal outcome")
    targets: dict[str, str] = {
        TribunalAppeal.Outcome.CONCEDED: CaseStatus.CONCEDED_UNOPPOSED,
        TribunalAppeal.Outcome.WITHDRAWN: CaseStatus.APPEAL_WITHDRAWN,
    }
    target = targets.get(outcome, CaseStatus.ORDER_MADE)
    _move_case(case, actor, target, "tribunal outcome")
    if set(case.deadlines.values_list("key", flat=True)) - before:
        _move_case(case, actor, CaseStatus.COMPLIANCE, "compliance deadlines set")
    return appeal


@transaction.atomic
def tribunal_appeal_correct(
    *,
    appeal: TribunalAppeal,
    actor: User,
    changes: Mapping[str, date | None],
    reason: str,
    expected: Mapping[str, str] | None = None,
) -> TribunalAppeal:
    """Correct the dates recorded for an appeal and its outcome, with a reason: the appeal window (C9), the
    directed response (C17) and every compliance clock (C14-C16) follow."""
    _require(permissions.can_manage_tribunal(actor))
    reason = _reason_required(reason)
    appeal = TribunalAppeal.objects.select_for_update(of=("self",)).select_related("case").get(pk=appeal.pk)
    case = appeal.case
    fields = {**APPEAL_DATE_FIELDS, **APPEAL_OUTCOME_DATE_FIELDS}
    _check_unchanged({f: getattr(appeal, f) for f in fields}, expected, fields)
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValidationError(f"These dates cannot be corrected here: {', '.join(sorted(unknown))}.")
    old = {field: getattr(appeal, field) for field in fields}
    new = {**old, **changes}
    for field in ("registered_on", "la_told_on"):
        if new[field] is None:
            raise ValidationError({field: "Enter this date."})
    for field in ("outcome_on", "order_sent_on", "unopposed_notified_on"):
        if old[field] is not None and new[field] is None:
            raise ValidationError({field: "This date is part of the recorded outcome: enter it."})
    _check_appeal_dates(case, {f: new[f] for f in APPEAL_DATE_FIELDS})
    _check_dates(
        {**{f: new[f] for f in APPEAL_OUTCOME_DATE_FIELDS}, "registered_on": new["registered_on"]},
        date_rules.APPEAL_OUTCOME,
        fields=list(APPEAL_OUTCOME_DATE_FIELDS),
    )
    described = _changes_text(fields, old, new)
    if not described:
        return appeal
    for field, value in new.items():
        setattr(appeal, field, value)
    appeal.save()
    _record_correction(
        case,
        actor,
        CaseEvent.Kind.TRIBUNAL,
        what="Appeal dates",
        changes=described,
        reason=reason,
        data={"appeal": appeal.pk, "reason": reason},
    )
    return appeal


@transaction.atomic
def compliance_step_complete(*, case: Case, actor: User, key: str, done_on: date) -> Deadline:
    """A Tribunal-order, unopposed-appeal, recommendation or directed-response step was carried out."""
    _require(permissions.can_manage_tribunal(actor))
    appeal_id = clocks.appeal_id_of(key)
    deadline = case.deadlines.filter(key=key).first() if appeal_id else None
    if not appeal_id or deadline is None:
        raise ValidationError("That is not a tribunal compliance step.")
    appeal = TribunalAppeal.objects.select_for_update().filter(pk=appeal_id, case=case).first()
    if appeal is None:
        raise ValidationError("That step does not exist on this case.")
    _check_dates({"done_on": done_on}, (), fields=["done_on"])
    appeal.steps_done = {**(appeal.steps_done or {}), key: done_on.isoformat()}
    appeal.save(update_fields=["steps_done"])
    _recompute(case, actor, "compliance step done")
    deadline.refresh_from_db()
    return deadline
