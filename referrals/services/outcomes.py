"""How a mediation ends: concluded with its outcome (C8), the family withdrew (C2), the LA conceded; correcting
the dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.clock_services import fmt
from cases.models import CaseEvent
from cases.models import Status as CaseStatus
from sendportal.models import User

from .. import date_rules, notifications, permissions
from ..models import (
    IssueOutcome,
    PlanIssue,
    Referral,
)
from ._common import (
    RS,
    SessionStatus,
    _changes_text,
    _check_dates,
    _check_unchanged,
    _event,
    _lock,
    _move_case,
    _reason_required,
    _recompute,
    _record_correction,
    _require,
    referral_set_status,
)


def _last_held_on(referral: Referral) -> date | None:
    held = referral.sessions.filter(status=SessionStatus.HELD).order_by("-starts_at").first()
    return timezone.localdate(held.starts_at) if held else None


def _check_conclusion(
    referral: Referral, *, concluded_on: date, outcome: str, agreement_on: date | None
) -> date | None:
    last_held = _last_held_on(referral)
    if last_held is None:
        raise ValidationError("Record a held session before concluding the mediation.")
    if outcome in (Referral.Outcome.FULL, Referral.Outcome.PARTIAL):
        if not agreement_on:
            raise ValidationError({"agreement_on": "Enter the date of the written agreement."})
    else:
        agreement_on = None
    _check_dates(
        {"concluded_on": concluded_on, "agreement_on": agreement_on, "last_held_on": last_held},
        date_rules.CONCLUSION,
        fields=["concluded_on", "agreement_on"],
    )
    return agreement_on


@transaction.atomic
def referral_conclude(
    *,
    referral: Referral,
    actor: User,
    concluded_on: date,
    outcome: str,
    issue_outcomes: dict[str, str],
    agreement_on: date | None = None,
) -> Referral:
    """Mediation concluded: overall outcome, per-issue outcomes and the written agreement date. The
    certificate is due within 3 working days (C8); an agreement starts the reg 42 actions."""
    referral = _lock(referral)
    _require(permissions.can_act_on_referral(actor, referral))
    if outcome not in (Referral.Outcome.FULL, Referral.Outcome.PARTIAL, Referral.Outcome.NONE):
        raise ValidationError({"outcome": "Choose full, partial or no agreement."})
    referral.outcome = outcome
    referral_set_status(referral, RS.CONCLUDED)
    agreement_on = _check_conclusion(referral, concluded_on=concluded_on, outcome=outcome, agreement_on=agreement_on)
    if not issue_outcomes:
        raise ValidationError({"issue_outcomes": "Record the outcome for at least one issue in dispute."})
    for issue, result in issue_outcomes.items():
        if issue not in PlanIssue.values or result not in IssueOutcome.Result.values:
            raise ValidationError(
                {"issue_outcomes": "Record each issue's outcome as agreed, partly agreed or not agreed."}
            )
    for issue, result in issue_outcomes.items():
        IssueOutcome.objects.update_or_create(referral=referral, issue=issue, defaults={"result": result})
    referral.concluded_on, referral.agreement_on = concluded_on, agreement_on
    referral.save(update_fields=["status", "concluded_on", "outcome", "agreement_on", "updated_at"])
    case = referral.case
    text = f"Mediation concluded on {fmt(concluded_on)}: {Referral.Outcome(outcome).label.lower()}"
    if agreement_on:
        text += f"; written agreement dated {fmt(agreement_on)}"
    _event(case, actor, CaseEvent.Kind.AGREEMENT, text, {"referral": referral.pk, "outcome": outcome})
    _recompute(case, actor, "mediation concluded")
    _move_case(case, actor, CaseStatus.POST_MEDIATION, "mediation concluded")
    if agreement_on:
        _move_case(case, actor, CaseStatus.AGREEMENT_IMPLEMENTATION, "written agreement")
    return referral


@transaction.atomic
def referral_conclusion_correct(
    *,
    referral: Referral,
    actor: User,
    concluded_on: date,
    agreement_on: date | None,
    reason: str,
    expected: Mapping[str, str] | None = None,
) -> Referral:
    """Correct the date mediation concluded or the written agreement's date, with a reason: the certificate
    clock (C8) and every agreed action's deadline (C10-C13) follow."""
    referral = _lock(referral)
    _require(permissions.can_act_on_referral(actor, referral))
    reason = _reason_required(reason)
    if referral.status != RS.CONCLUDED:
        raise ValidationError("Only a concluded mediation's dates can be corrected here.")
    _check_unchanged(
        {"concluded_on": referral.concluded_on, "agreement_on": referral.agreement_on},
        expected,
        {"concluded_on": "the date mediation concluded", "agreement_on": "the written agreement's date"},
    )
    agreement_on = _check_conclusion(
        referral, concluded_on=concluded_on, outcome=referral.outcome, agreement_on=agreement_on
    )
    labels = {"concluded_on": "date concluded", "agreement_on": "written agreement"}
    old = {"concluded_on": referral.concluded_on, "agreement_on": referral.agreement_on}
    new = {"concluded_on": concluded_on, "agreement_on": agreement_on}
    described = _changes_text(labels, old, new)
    if not described:
        return referral
    referral.concluded_on, referral.agreement_on = concluded_on, agreement_on
    referral.save(update_fields=["concluded_on", "agreement_on", "updated_at"])
    case = referral.case
    _record_correction(
        case,
        actor,
        CaseEvent.Kind.AGREEMENT,
        what="Mediation outcome dates",
        changes=described,
        reason=reason,
        data={"referral": referral.pk, "reason": reason},
        clocks_reason="outcome dates",
    )
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, actor: User, withdrawn_on: date, reason: str) -> Referral:
    """The family changed their mind: treated as a decline, so the certificate is due as C2."""
    referral = _lock(referral)
    _require(permissions.can_act_on_referral(actor, referral))
    referral.outcome = Referral.Outcome.WITHDRAWN
    referral_set_status(referral, RS.WITHDRAWN)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the family withdrew."})
    _check_dates(
        {"withdrawn_on": withdrawn_on, "referred_on": referral.referred_on},
        date_rules.WITHDRAWAL,
        fields=["withdrawn_on"],
    )
    referral.concluded_on = withdrawn_on
    referral.save(update_fields=["status", "outcome", "concluded_on", "updated_at"])
    case = referral.case
    _event(
        case,
        actor,
        CaseEvent.Kind.MEDIATION,
        f"Family withdrew from mediation on {fmt(withdrawn_on)}: {reason.strip()}",
    )
    _recompute(case, actor, "the family withdrew")
    notifications.after_called_off(referral)
    return referral


@transaction.atomic
def referral_la_conceded(*, referral: Referral, actor: User, agreement_on: date) -> Referral:
    """The LA conceded before the meeting; recorded in writing so reg 42 applies."""
    _require(permissions.can_manage_referrals(actor))
    referral = _lock(referral)
    referral.outcome = Referral.Outcome.LA_CONCEDED
    referral_set_status(referral, RS.LA_CONCEDED)
    _check_dates(
        {"agreement_on": agreement_on, "referred_on": referral.referred_on},
        date_rules.CONCESSION,
        fields=["agreement_on"],
    )
    referral.agreement_on, referral.concluded_on = agreement_on, agreement_on
    referral.save(update_fields=["status", "outcome", "agreement_on", "concluded_on", "updated_at"])
    case = referral.case
    _event(case, actor, CaseEvent.Kind.AGREEMENT, f"LA conceded before the meeting (in writing {fmt(agreement_on)})")
    _recompute(case, actor, "the LA conceded")
    _move_case(case, actor, CaseStatus.POST_MEDIATION, "LA conceded")
    _move_case(case, actor, CaseStatus.AGREEMENT_IMPLEMENTATION, "LA conceded")
    notifications.after_called_off(referral)
    return referral
