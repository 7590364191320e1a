"""Assigning (or reassigning) one of the provider's mediators, with the ranking's reasons."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import CaseEvent
from sendportal.models import User

from .. import notifications, permissions, rules
from ..models import (
    Mediator,
    MediatorAssignment,
    Referral,
)
from ..selectors import mediator_ranking
from ._common import ASSIGNABLE_STATUSES, RS, _event, _lock, _refresh_next_step, _require, referral_set_status


@transaction.atomic
def referral_assign_mediator(*, referral: Referral, actor: User, mediator: Mediator, reason: str = "") -> Referral:
    """Assign (or reassign) one of the provider's mediators. Excluded mediators are refused with the reason;
    not choosing the top suggestion needs a reason. The assignment history is kept."""
    _require(permissions.can_manage_referrals(actor))
    referral = _lock(referral)
    if referral.status not in ASSIGNABLE_STATUSES:
        raise ValidationError("A mediator can be assigned once the provider has accepted the referral.")
    ranked = mediator_ranking(referral)
    problems = rules.assignment_problems(ranked, mediator.pk, reason)
    if problems:
        raise ValidationError({"mediator": problems})
    previous = referral.mediator
    now = timezone.now()
    MediatorAssignment.objects.filter(referral=referral, ended_at__isnull=True).update(ended_at=now)
    top = rules.top_choice(ranked)
    MediatorAssignment.objects.create(
        referral=referral,
        mediator=mediator,
        assigned_by=actor,
        was_top_suggestion=top == mediator.pk,
        reason=reason.strip(),
    )
    referral.mediator = mediator
    if referral.status == RS.ACCEPTED:
        referral_set_status(referral, RS.ASSIGNED)
    referral.save(update_fields=["mediator", "status", "updated_at"])
    if previous and previous.pk != mediator.pk:
        text = f"Mediator changed from {previous} to {mediator}"
    else:
        text = f"Mediator {mediator} assigned"
    if reason.strip():
        text += f": {reason.strip()}"
    _event(referral.case, actor, CaseEvent.Kind.REFERRAL, text, {"referral": referral.pk, "mediator": mediator.pk})
    _refresh_next_step(referral.case)
    notifications.after_assignment(referral, mediator=mediator, previous=previous)
    return referral
