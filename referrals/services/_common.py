"""What every pathway service shares: permission and date checks, the one way a referral's status changes,
locking, asking for the clocks to be recomputed, and the refusal of a stale correction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import clock_services, next_step_services
from cases import rules as case_rules
from cases import services as case_services
from cases.clock_services import fmt
from cases.models import Case, CaseEvent
from cases.timeline import case_event_record
from sendportal.formats import short_datetime
from sendportal.models import User

from .. import date_rules, rules
from ..models import MediationSession, Referral

RS = Referral.Status
SessionStatus = MediationSession.SessionStatus
# A mediator can be assigned (or reassigned) once the provider has accepted, until the mediation is held; after
# "not held in time" a later mediation may still be arranged (docs/rules.md §5).
ASSIGNABLE_STATUSES = (RS.ACCEPTED, RS.ASSIGNED, RS.SCHEDULED, RS.NOT_HELD)


def _today() -> date:
    return timezone.localdate()


def _event(
    case: Case, actor: User | None, kind: str, description: str, data: dict[str, object] | None = None
) -> CaseEvent:
    return case_event_record(case=case, actor=actor, kind=kind, description=description, data=data)


def _check_dates(
    values: Mapping[str, date | None],
    rules_: Iterable[date_rules.After | date_rules.NotAfter],
    *,
    fields: Iterable[str] | None = None,
) -> None:
    """Refuse dates out of range, in the future or out of order with their neighbours (date_rules)."""
    problems = date_rules.date_problems(values, rules_, today=_today(), fields=fields)
    if problems:
        raise ValidationError(problems)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _recompute(case: Case, actor: User, reason: str = "") -> None:
    """Ask every clock provider what the case should have now (cases.clock_services)."""
    clock_services.case_clocks_recompute(case=case, actor=actor, reason=reason)


def _refresh_next_step(case: Case) -> None:
    """For a service that changes the pathway's stage without moving a clock (a provider's answer, a mediator
    assigned, a disagreement resolution meeting): the case's stored next step follows (a recompute does it too)."""
    next_step_services.case_next_step_refresh(case)


def _move_case(case: Case, actor: User, target: str, reason: str = "") -> None:
    """Move the case along its lifecycle when the pathway reaches a matching stage (only if allowed)."""
    problems = case_rules.transition_problems(
        status=case.status,
        target=target,
        route=case.route,
        decision=case.decision,
        decision_sent_on=case.decision_sent_on,
        sections_disputed=case.sections_disputed,
        reason=reason,
    )
    if not problems:
        case_services.case_change_status(case=case, actor=actor, to_status=target, reason=reason, authorised=True)
        case.refresh_from_db()


def referral_set_status(referral: Referral, target: str) -> None:
    """The one way a referral's status changes: the transition table (rules.REFERRAL_TRANSITIONS) is the only
    authority, with what the target needs recorded. The caller saves the referral in its transaction."""
    problems = rules.referral_transition_problems(
        status=referral.status,
        target=target,
        decline_reason=referral.decline_reason,
        mediator_id=referral.mediator_id,
        outcome=referral.outcome,
    )
    if problems:
        raise ValidationError(problems)
    referral.status = target


def _status_after_sessions(referral: Referral) -> str:
    """Where a referral stands once a session is recorded: a planned session means a session is arranged; else a
    held one means the mediation was held (a later session cancelled never undoes that); else not held in time
    if the adviser was told so; else back to a mediator assigned."""
    statuses = set(referral.sessions.values_list("status", flat=True))
    if SessionStatus.PLANNED in statuses:
        return RS.SCHEDULED
    if SessionStatus.HELD in statuses:
        return RS.HELD
    if referral.not_held_notified_on:
        return RS.NOT_HELD
    return RS.ASSIGNED


def _lock(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "mediator__user", "provider")
        .get(pk=referral.pk)
    )


def _changes_text(labels: Mapping[str, str], old: Mapping[str, object], new: Mapping[str, object]) -> list[str]:
    """ "label: old to new" for each field whose value changed."""

    def shown(value: object) -> str:
        if isinstance(value, date):
            return fmt(value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value) if value not in (None, "") else "none"

    return [f"{labels[f]}: {shown(old[f])} to {shown(new[f])}" for f in labels if old[f] != new[f]]


def _record_correction(
    case: Case,
    actor: User,
    kind: str,
    *,
    what: str,
    changes: list[str],
    reason: str,
    data: dict[str, object],
    clocks_reason: str = "",
) -> None:
    """A correction on the timeline, "<what> corrected (<each change>): <reason>", then the clocks recomputed as
    "<what> corrected: <reason>" (`clocks_reason` names it otherwise)."""
    _event(case, actor, kind, f"{what} corrected ({'; '.join(changes)}): {reason}", data)
    _recompute(case, actor, f"{clocks_reason or what.lower()} corrected: {reason}")


def fact_token(value: object) -> str:
    """A recorded fact as a comparable string (dates and times in ISO form, none as empty)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class StaleCorrection(ValidationError):
    """Someone else changed the facts a correction page showed after it was opened: nothing is saved."""


def _check_unchanged(
    current: Mapping[str, object], expected: Mapping[str, str] | None, labels: Mapping[str, str]
) -> None:
    """Refuse a correction made from a page opened before someone else changed the same record."""
    if expected is None:
        return
    changed = [name for name, token in expected.items() if name in current and fact_token(current[name]) != token]
    if changed:
        now = "; ".join(f"{labels.get(name, name)} is now {_shown(current[name])}" for name in changed)
        raise StaleCorrection(
            f"Someone else changed this record after you opened the page: {now}. Your correction is not saved: "
            "check the dates below and save again to apply yours.",
            code="stale",
        )


def _shown(value: object) -> str:
    if isinstance(value, datetime):
        return f"{short_datetime(value)}"
    if isinstance(value, date):
        return fmt(value)
    return "none" if value in (None, "") else str(value)


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the correction."})
    return reason[:300]
