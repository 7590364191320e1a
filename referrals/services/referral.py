"""Referring a case to a provider, the provider's response, telling the ICB, and correcting a referral's dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.clock_services import fmt
from cases.models import Case, CaseEvent, HealthBody
from cases.models import Status as CaseStatus
from sendportal.models import User

from .. import date_rules, permissions, rules, selectors
from ..models import (
    MediationProvider,
    Referral,
)
from ..selectors import provider_suggestion
from ._common import (
    RS,
    _changes_text,
    _check_dates,
    _check_unchanged,
    _event,
    _lock,
    _move_case,
    _reason_required,
    _recompute,
    _record_correction,
    _refresh_next_step,
    _require,
    _today,
    referral_set_status,
)

REFERRAL_DATE_FIELDS = {
    "referred_on": "referral date",
    "family_told_la_on": "date the family told the LA",
    "provider_told_la_on": "date the provider told the LA",
    "health_told_on": "date the LA was told about health issues",
    "icb_notified_on": "date the ICB was notified",
    "icb_received_on": "date the ICB received the notice",
    "responded_on": "date the provider responded",
    "not_held_notified_on": "date the adviser was told mediation cannot be held in time",
}


def _referral_date_values(referral: Referral, case: Case, **overrides: date | None) -> dict[str, date | None]:
    values = {field: getattr(referral, field) for field in REFERRAL_DATE_FIELDS}
    values.update(overrides)
    values["decision_sent_on"] = case.decision_sent_on
    starts = [d for d in (values["family_told_la_on"], values["provider_told_la_on"]) if d]
    values["clock_start"] = min(starts) if starts else None
    return values


@transaction.atomic
def referral_create(
    *,
    case: Case,
    actor: User,
    provider: MediationProvider,
    family_told_la_on: date,
    provider_told_la_on: date | None = None,
    provider_choice_reason: str = "",
    health_issues: bool = False,
    health_only: bool = False,
    health_told_on: date | None = None,
    referred_on: date | None = None,
    icb: HealthBody | None = None,
) -> Referral:
    """Refer the case to a provider for mediation. Starts C4 (30 days from the earlier date the LA was told)
    or, for health issues, C3 (tell the ICB within 3 working days).

    Health care in the issues needs the ICB the LA must tell: the case's, or `icb` when the case has none yet,
    which is then recorded on the case (with its health care issues) so it is never asked again. The LA was told
    about health on `health_told_on`, or, when not given, on the day the family told it they want mediation
    (docs/rules.md §8 D19)."""
    _require(permissions.can_manage_referrals(actor))
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_referable(case)
    referred_on = referred_on or _today()
    health_issues, health_told_on = _health_facts(health_issues, health_only, health_told_on, family_told_la_on)
    icb = _referral_icb(case, icb) if health_issues else None
    _check_dates(
        {
            "referred_on": referred_on,
            "family_told_la_on": family_told_la_on,
            "provider_told_la_on": provider_told_la_on,
            "health_told_on": health_told_on,
            "decision_sent_on": case.decision_sent_on,
        },
        date_rules.REFERRAL,
        fields=["referred_on", "family_told_la_on", "provider_told_la_on", "health_told_on"],
    )
    suggested_id = _suggested_provider_id(provider, provider_choice_reason)
    referral = Referral.objects.create(
        case=case,
        provider=provider,
        suggested_provider_id=suggested_id,
        provider_choice_reason=provider_choice_reason.strip(),
        referred_on=referred_on,
        family_told_la_on=family_told_la_on,
        provider_told_la_on=provider_told_la_on,
        health_issues=health_issues,
        health_only=health_only,
        health_told_on=health_told_on if health_issues else None,
        created_by=actor,
    )
    if icb is not None and (case.icb_id != icb.pk or not case.health_involved):
        _record_icb_on_case(case, actor, icb)
    description = f"Referred to {provider.name} for mediation"
    if suggested_id and suggested_id != provider.pk:
        description += f" instead of the suggested provider: {provider_choice_reason.strip()}"
    _event(case, actor, CaseEvent.Kind.REFERRAL, description, {"referral": referral.pk, "provider": provider.pk})
    _recompute(case, actor, "referred for mediation")
    for target in (CaseStatus.TRIAGED, CaseStatus.MEDIATION_ROUTE):
        _move_case(case, actor, target, "referred for mediation")
    return referral


def _health_facts(
    health_issues: bool, health_only: bool, health_told_on: date | None, family_told_la_on: date
) -> tuple[bool, date | None]:
    """Health-only mediation has health care issues; the LA was told of them, unless a date is given, on the day
    the family told it they want mediation (docs/rules.md §8 D19)."""
    if health_only and not health_issues:
        health_issues = True
    if health_issues:
        health_told_on = health_told_on or family_told_la_on
    return health_issues, health_told_on


def _check_referable(case: Case) -> None:
    """An open case with no referral in progress, whose referrals so far (if any) were all declined."""
    if case.is_closed:
        raise ValidationError("This case is closed.")
    if case.referrals.filter(status__in=selectors.ACTIVE_REFERRAL_STATUSES).exists():
        raise ValidationError("This case already has a referral in progress.")
    if case.referrals.exclude(status=RS.DECLINED).exists():
        raise ValidationError(
            "This case's mediation has already ended; a new referral follows only a provider's decline."
        )


def _suggested_provider_id(provider: MediationProvider, provider_choice_reason: str) -> int | None:
    """The provider suggested now; choosing another (active) one needs a reason."""
    if not provider.active:
        raise ValidationError({"provider": f"{provider.name} is no longer active."})
    suggestion = provider_suggestion()
    suggested_id = suggestion.provider_id if suggestion else None
    problems = rules.provider_choice_problems(suggested_id, provider.pk, provider_choice_reason)
    if problems:
        raise ValidationError({"provider_choice_reason": problems})
    return suggested_id


def _record_icb_on_case(case: Case, actor: User, icb: HealthBody) -> None:
    """A referral with health care issues records them, with its ICB, on a case that did not have them."""
    case.icb, case.health_involved = icb, True
    case.save(update_fields=["icb", "health_involved", "updated_at"])
    _event(
        case,
        actor,
        CaseEvent.Kind.UPDATED,
        f"Health care issues and the ICB ({icb.name}) recorded on the case from the referral",
        {"fields": ["icb", "health_involved"]},
    )


ICB_NEEDED = "Choose the ICB: the issues include health care, so the LA must tell the ICB within 3 working days."


def _referral_icb(case: Case, icb: HealthBody | None) -> HealthBody:
    """The ICB a referral with health care issues must tell: the case's, or the one chosen when it has none."""
    current = case.icb
    if current is not None:
        if icb is not None and icb.pk != current.pk:
            raise ValidationError({"icb": f"This case's ICB is {current.name}: change it on the case's details."})
        return current
    if icb is None:
        raise ValidationError({"icb": ICB_NEEDED})
    if not icb.active:
        raise ValidationError({"icb": f"{icb.name} is no longer active."})
    return icb


@transaction.atomic
def referral_correct_dates(
    *,
    referral: Referral,
    actor: User,
    changes: dict[str, date | None],
    reason: str,
    expected: Mapping[str, str] | None = None,
) -> Referral:
    """Correct the dates recorded on a referral, with a reason (decision 17): every clock that depends on them
    (C3, C4, C5, C6 and what follows) is recomputed and each moved date shown on the timeline."""
    _require(permissions.can_manage_referrals(actor))
    reason = _reason_required(reason)
    referral = _lock(referral)
    case = referral.case
    _check_unchanged({f: getattr(referral, f) for f in REFERRAL_DATE_FIELDS}, expected, REFERRAL_DATE_FIELDS)
    unknown = set(changes) - set(REFERRAL_DATE_FIELDS)
    if unknown:
        raise ValidationError(f"These dates cannot be corrected here: {', '.join(sorted(unknown))}.")
    values = _referral_date_values(referral, case, **changes)
    _check_referral_dates_kept(referral, values)
    _check_dates(values, date_rules.REFERRAL, fields=list(REFERRAL_DATE_FIELDS))
    old = {field: getattr(referral, field) for field in REFERRAL_DATE_FIELDS}
    new = {field: values[field] for field in REFERRAL_DATE_FIELDS}
    described = _changes_text(REFERRAL_DATE_FIELDS, old, new)
    if not described:
        return referral
    for field, value in new.items():
        setattr(referral, field, value)
    referral.save(update_fields=[*REFERRAL_DATE_FIELDS, "updated_at"])
    _record_correction(
        case,
        actor,
        CaseEvent.Kind.REFERRAL,
        what="Referral dates",
        changes=described,
        reason=reason,
        data={
            "referral": referral.pk,
            "reason": reason,
            "fields": [f for f in REFERRAL_DATE_FIELDS if old[f] != new[f]],
        },
    )
    return referral


def _check_referral_dates_kept(referral: Referral, values: Mapping[str, date | None]) -> None:
    """A correction keeps the dates the referral needs and every date of a step it has recorded."""
    required = {"referred_on": "the referral date", "family_told_la_on": "the date the family told the LA"}
    for field, label in required.items():
        if values[field] is None:
            raise ValidationError({field: f"Enter {label}."})
    if referral.health_issues and values["health_told_on"] is None:
        raise ValidationError({"health_told_on": "Enter the date the LA was told the issues include health care."})
    if values["icb_received_on"] and not values["icb_notified_on"]:
        raise ValidationError({"icb_received_on": "Record the date the ICB was notified first."})
    if referral.responded_on and values["responded_on"] is None:
        raise ValidationError({"responded_on": "The provider's response is recorded: enter its date."})
    if referral.not_held_notified_on and values["not_held_notified_on"] is None:
        raise ValidationError({"not_held_notified_on": "Enter the date the adviser was told."})


@transaction.atomic
def referral_respond(
    *,
    referral: Referral,
    actor: User,
    accepted: bool,
    responded_on: date,
    decline_reason: str = "",
    decline_detail: str = "",
) -> Referral:
    """The provider accepts or declines. A decline returns the case to the referral queue; clocks run on."""
    _require(permissions.can_manage_referrals(actor))
    referral = _lock(referral)
    _check_dates(
        {"responded_on": responded_on, "referred_on": referral.referred_on},
        date_rules.RESPONSE,
        fields=["responded_on"],
    )
    if not accepted:
        if decline_reason not in Referral.DeclineReason.values:
            raise ValidationError({"decline_reason": "Choose why the provider declined."})
        if decline_reason == Referral.DeclineReason.OTHER and not decline_detail.strip():
            raise ValidationError({"decline_detail": "Say why the provider declined."})
    referral.decline_reason, referral.decline_detail = (
        ("", "") if accepted else (decline_reason, decline_detail.strip())
    )
    referral_set_status(referral, RS.ACCEPTED if accepted else RS.DECLINED)
    referral.responded_on = responded_on
    referral.save(update_fields=["status", "responded_on", "decline_reason", "decline_detail", "updated_at"])
    if accepted:
        text = f"{referral.provider.name} accepted the referral"
    else:
        reason = Referral.DeclineReason(decline_reason).label.lower()
        text = f"{referral.provider.name} declined the referral ({reason}"
        text += f": {decline_detail.strip()})" if decline_detail.strip() else ")"
        text += "; the case is back in the referral queue"
    _event(referral.case, actor, CaseEvent.Kind.REFERRAL, text, {"referral": referral.pk, "accepted": accepted})
    _refresh_next_step(referral.case)
    return referral


@transaction.atomic
def referral_notify_icb(
    *, referral: Referral, actor: User, notified_on: date, received_on: date | None = None
) -> Referral:
    """The LA told the ICB the mediation issues (C3 met). Health-only mediation: the ICB's 30 days (C5) run from
    the day the ICB received the notice (the day it was sent when not known)."""
    _require(permissions.can_manage_referrals(actor))
    referral = _lock(referral)
    if not referral.health_issues:
        raise ValidationError("This referral has no health care issues.")
    _check_dates(
        {"notified_on": notified_on, "received_on": received_on, "health_told_on": referral.health_told_on},
        date_rules.ICB_NOTICE,
        fields=["notified_on", "received_on"],
    )
    referral.icb_notified_on, referral.icb_received_on = notified_on, received_on
    referral.save(update_fields=["icb_notified_on", "icb_received_on", "updated_at"])
    case = referral.case
    text = f"ICB notified of the mediation issues on {fmt(notified_on)}"
    if received_on and received_on != notified_on:
        text += f" (received {fmt(received_on)})"
    _event(case, actor, CaseEvent.Kind.REFERRAL, text)
    _recompute(case, actor, "ICB notified")
    return referral
