"""What the written agreement says will be done, each with its reg 42 clock (C10-C13), and marking it done."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from cases import deadlines
from cases.models import CaseEvent
from sendportal.models import User

from .. import clocks, date_rules, permissions
from ..models import (
    AgreementAction,
    Referral,
)
from ._common import _check_dates, _event, _lock, _recompute, _require


@transaction.atomic
def agreement_action_add(
    *,
    referral: Referral,
    actor: User,
    description: str,
    owner: str,
    basis: str,
    order_kind: str = "",
    agreed_due_on: date | None = None,
) -> list[AgreementAction]:
    """Record what the written agreement says will be done, each with its reg 42 deadline: appealable matters
    follow the Tribunal-order timetable (reg 44, one action per step), others 2 weeks, an ICB telling the LA
    1 week, or the dates the parties agreed in writing."""
    _require(permissions.can_act_on_referral(actor, referral))
    referral = _lock(referral)
    agreed = referral.agreement_on
    if not agreed:
        raise ValidationError("Record the written agreement date before adding agreed actions.")
    if not description.strip():
        raise ValidationError({"description": "Describe what was agreed."})
    if owner not in AgreementAction.Owner.values:
        raise ValidationError({"owner": "Choose who must carry it out."})
    B = AgreementAction.Basis
    rows: list[tuple[str, str, date | None]]
    if basis == B.APPEALABLE:
        try:
            steps = list(deadlines.tribunal_order_deadlines(order_kind, agreed))
        except ValueError:
            raise ValidationError({"order_kind": "Choose what the agreement requires."}) from None
        rows = [(f"{description.strip()}: {clocks._step_label(step)}", step, None) for step in steps]
    elif basis in (B.OTHER, B.ICB_TO_LA):
        rows = [(description.strip(), "", None)]
    elif basis == B.AGREED_IN_WRITING:
        if not agreed_due_on:
            raise ValidationError({"agreed_due_on": "Enter the date the parties agreed in writing."})
        _check_dates(
            {"agreed_due_on": agreed_due_on, "agreement_on": agreed},
            date_rules.AGREED_ACTION,
            fields=["agreed_due_on"],
        )
        rows = [(description.strip(), "", agreed_due_on)]
    else:
        raise ValidationError({"basis": "Choose which timescale applies."})
    created = []
    for text, step, agreed_on in rows:
        action = AgreementAction(
            referral=referral,
            description=text[:500],
            owner=owner,
            basis=basis,
            order_kind=order_kind if basis == B.APPEALABLE else "",
            step=step,
            due_on=agreed_on or agreed,
        )
        action.due_on = clocks.action_due_on(action, agreed)
        action.save()
        created.append(action)
    _event(
        referral.case,
        actor,
        CaseEvent.Kind.AGREEMENT,
        f"Agreed action recorded: {description.strip()} ({len(created)} step{'s' if len(created) != 1 else ''})",
    )
    _recompute(referral.case, actor, "agreed action recorded")
    return created


@transaction.atomic
def agreement_action_complete(*, action: AgreementAction, actor: User, done_on: date) -> AgreementAction:
    referral = action.referral
    _require(permissions.can_manage_referrals(actor))
    action = AgreementAction.objects.select_for_update().get(pk=action.pk)
    if action.done_on:
        raise ValidationError("This action is already recorded as done.")
    _check_dates(
        {"done_on": done_on, "agreement_on": referral.agreement_on}, date_rules.ACTION_DONE, fields=["done_on"]
    )
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    _recompute(referral.case, actor, "agreed action done")
    return action
