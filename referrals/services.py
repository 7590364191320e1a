"""Writes on the mediation pathway (send-rules.md sections 4.2 and 7). Each service runs in one transaction,
checks permission, date order (referrals.date_rules) and transition (referral_set_status, the one way a
referral's status changes), records the facts, writes a timeline event on the case, and then asks for the case's
clocks to be recomputed: the clock providers (referrals.clocks) work out every due date from the facts, so a
correction of any fact moves every clock that depends on it (decision 17)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cases import clock_services, deadlines
from cases import rules as case_rules
from cases import services as case_services
from cases.clock_services import fmt
from cases.models import Case, CaseEvent, CaseNote, Deadline
from cases.models import Status as CaseStatus

from . import certificates, clocks, date_rules, permissions, rules, selectors
from .models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    DisagreementResolution,
    IssueOutcome,
    MediationProvider,
    MediationSession,
    Mediator,
    MediatorAssignment,
    PlanIssue,
    Referral,
    TribunalAppeal,
)

RS = Referral.Status
SessionStatus = MediationSession.SessionStatus
# A mediator can be assigned (or reassigned) once the provider has accepted, until the mediation is held; after
# "not held in time" a later mediation may still be arranged (send-rules.md 4.2).
ASSIGNABLE_STATUSES = (RS.ACCEPTED, RS.ASSIGNED, RS.SCHEDULED, RS.NOT_HELD)


def _today() -> date:
    return timezone.localdate()


def _event(case, actor, kind, description, data=None):
    return case_services.case_event_record(case=case, actor=actor, kind=kind, description=description, data=data)


def _check_dates(values: dict, rules_: tuple, *, fields=None) -> None:
    """Refuse dates out of range, in the future or out of order with their neighbours (date_rules)."""
    problems = date_rules.date_problems(values, rules_, today=_today(), fields=fields)
    if problems:
        raise ValidationError(problems)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _recompute(case: Case, actor, reason: str = "") -> None:
    """Ask every clock provider what the case should have now (cases.clock_services)."""
    clock_services.case_clocks_recompute(case=case, actor=actor, reason=reason)


def _move_case(case: Case, actor, target: str, reason: str = "") -> None:
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


def _changes_text(labels: dict[str, str], old: dict, new: dict) -> list[str]:
    """ "label: old to new" for each field whose value changed."""

    def shown(value):
        if isinstance(value, date):
            return fmt(value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value) if value not in (None, "") else "none"

    return [f"{labels[f]}: {shown(old[f])} to {shown(new[f])}" for f in labels if old[f] != new[f]]


def fact_token(value) -> str:
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


def _check_unchanged(current: dict, expected: dict | None, labels: dict[str, str]) -> None:
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


def _shown(value) -> str:
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%a %-d %b %Y at %H:%M}"
    if isinstance(value, date):
        return fmt(value)
    return "none" if value in (None, "") else str(value)


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the correction."})
    return reason[:300]


# --- Mediation adviser stage -------------------------------------------------------------------------------


def adviser_choices_for(case: Case) -> list[str]:
    """What the family can choose at the adviser: "placement only: information given" only when section I is the
    only part disputed (decision 14)."""
    choices = [AdviserContact.Choice.MEDIATION, AdviserContact.Choice.NO_MEDIATION]
    if case_rules.case_is_placement_only(case):
        choices.append(AdviserContact.Choice.PLACEMENT_INFO)
    return choices


def _check_adviser_choice(case: Case, choice: str) -> None:
    if choice not in AdviserContact.Choice.values:
        raise ValidationError({"choice": "Choose what the family chose."})
    if choice not in adviser_choices_for(case):
        raise ValidationError(
            {
                "choice": "Placement only applies when section I is the only part of the plan disputed: this family "
                "needs a certificate, so choose mediation or a certificate only."
            }
        )


@transaction.atomic
def adviser_contact_record(
    *,
    case: Case,
    actor,
    contacted_on: date,
    choice: str,
    provider: MediationProvider | None = None,
    adviser_name: str = "",
) -> AdviserContact:
    """The family contacted the mediation adviser (C1: a late contact is flagged, not refused). Choosing no
    mediation starts the certificate clock (C2)."""
    _require(permissions.can_manage_referrals(actor))
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_adviser_choice(case, choice)
    if AdviserContact.objects.filter(case=case).exists():
        raise ValidationError("The adviser contact is already recorded for this case.")
    _check_dates(
        {"contacted_on": contacted_on, "decision_sent_on": case.decision_sent_on},
        date_rules.ADVISER_CONTACT,
        fields=["contacted_on"],
    )
    contact = AdviserContact.objects.create(
        case=case,
        contacted_on=contacted_on,
        choice=choice,
        provider=provider,
        adviser_name=adviser_name,
        recorded_by=actor,
    )
    late = bool(case.decision_sent_on) and contacted_on > deadlines.adviser_contact_deadline(case.decision_sent_on)
    description = f"Family contacted the mediation adviser on {fmt(contacted_on)}: {contact.get_choice_display()}"
    if late:
        description += " (late: after the 2-month limit)"
    _event(case, actor, CaseEvent.Kind.REFERRAL, description, {"choice": choice, "late": late})
    _recompute(case, actor, "adviser contact recorded")
    contact.refresh_from_db()
    return contact


@transaction.atomic
def adviser_contact_correct(
    *, contact: AdviserContact, actor, contacted_on: date, choice: str, reason: str, expected: dict | None = None
):
    """Correct the date of the family's contact with the adviser or what they chose, with a reason."""
    _require(permissions.can_manage_referrals(actor))
    reason = _reason_required(reason)
    contact = AdviserContact.objects.select_for_update().select_related("case").get(pk=contact.pk)
    _check_unchanged(
        {"contacted_on": contact.contacted_on, "choice": contact.choice},
        expected,
        {"contacted_on": "the date of contact", "choice": "what the family chose"},
    )
    case = contact.case
    _check_adviser_choice(case, choice)
    _check_dates(
        {"contacted_on": contacted_on, "decision_sent_on": case.decision_sent_on},
        date_rules.ADVISER_CONTACT,
        fields=["contacted_on"],
    )
    labels = {"contacted_on": "date of contact", "choice": "what the family chose"}
    old = {"contacted_on": contact.contacted_on, "choice": contact.get_choice_display()}
    contact.contacted_on, contact.choice = contacted_on, choice
    new = {"contacted_on": contacted_on, "choice": contact.get_choice_display()}
    changes = _changes_text(labels, old, new)
    if not changes:
        return contact
    contact.save(update_fields=["contacted_on", "choice"])
    _event(
        case,
        actor,
        CaseEvent.Kind.REFERRAL,
        f"Adviser contact corrected ({'; '.join(changes)}): {reason}",
        {"adviser_contact": contact.pk, "reason": reason},
    )
    _recompute(case, actor, f"adviser contact corrected: {reason}")
    contact.refresh_from_db()
    return contact


# --- Referral to a provider ----------------------------------------------------------------------------------


def provider_suggestion(providers=None):
    """The provider furthest below its contracted share since shares last changed (with the reasoning).
    `providers` is a list already read through selectors.providers_with_counts(), to avoid reading it twice."""
    providers = selectors.providers_with_counts() if providers is None else providers
    facts = [
        rules.ProviderFacts(
            id=p.pk,
            name=p.name,
            active=p.active,
            contract_share=p.contract_share,
            referrals_since_change=p.referrals_since_change,
            has_capacity=p.has_capacity,
            offers_mediation=p.offers_mediation,
        )
        for p in providers
    ]
    return rules.suggest_provider(facts)


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


def _referral_date_values(referral: Referral, case: Case, **overrides) -> dict:
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
    actor,
    provider: MediationProvider,
    family_told_la_on: date,
    provider_told_la_on: date | None = None,
    provider_choice_reason: str = "",
    health_issues: bool = False,
    health_only: bool = False,
    health_told_on: date | None = None,
    referred_on: date | None = None,
) -> Referral:
    """Refer the case to a provider for mediation. Starts C4 (30 days from the earlier date the LA was told)
    or, for health issues, C3 (tell the ICB within 3 working days)."""
    _require(permissions.can_manage_referrals(actor))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.is_closed:
        raise ValidationError("This case is closed.")
    if case.referrals.filter(status__in=selectors.ACTIVE_REFERRAL_STATUSES).exists():
        raise ValidationError("This case already has a referral in progress.")
    if case.referrals.exclude(status=RS.DECLINED).exists():
        raise ValidationError(
            "This case's mediation has already ended; a new referral follows only a provider's decline."
        )
    referred_on = referred_on or _today()
    if health_only and not health_issues:
        health_issues = True
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
    if health_issues and not health_told_on:
        raise ValidationError({"health_told_on": "Enter the date the LA was told the issues include health care."})
    if not provider.active:
        raise ValidationError({"provider": f"{provider.name} is no longer active."})
    suggestion = provider_suggestion()
    suggested_id = suggestion.provider_id if suggestion else None
    problems = rules.provider_choice_problems(suggested_id, provider.pk, provider_choice_reason)
    if problems:
        raise ValidationError({"provider_choice_reason": problems})
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
    description = f"Referred to {provider.name} for mediation"
    if suggested_id and suggested_id != provider.pk:
        description += f" instead of the suggested provider: {provider_choice_reason.strip()}"
    _event(case, actor, CaseEvent.Kind.REFERRAL, description, {"referral": referral.pk, "provider": provider.pk})
    _recompute(case, actor, "referred for mediation")
    for target in (CaseStatus.TRIAGED, CaseStatus.MEDIATION_ROUTE):
        _move_case(case, actor, target, "referred for mediation")
    return referral


@transaction.atomic
def referral_correct_dates(
    *, referral: Referral, actor, changes: dict[str, date | None], reason: str, expected: dict | None = None
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
    _check_dates(values, date_rules.REFERRAL, fields=list(REFERRAL_DATE_FIELDS))
    old = {field: getattr(referral, field) for field in REFERRAL_DATE_FIELDS}
    new = {field: values[field] for field in REFERRAL_DATE_FIELDS}
    described = _changes_text(REFERRAL_DATE_FIELDS, old, new)
    if not described:
        return referral
    for field, value in new.items():
        setattr(referral, field, value)
    referral.save(update_fields=[*REFERRAL_DATE_FIELDS, "updated_at"])
    _event(
        case,
        actor,
        CaseEvent.Kind.REFERRAL,
        f"Referral dates corrected ({'; '.join(described)}): {reason}",
        {"referral": referral.pk, "reason": reason, "fields": [f for f in REFERRAL_DATE_FIELDS if old[f] != new[f]]},
    )
    _recompute(case, actor, f"referral dates corrected: {reason}")
    return referral


@transaction.atomic
def referral_respond(
    *, referral: Referral, actor, accepted: bool, responded_on: date, decline_reason: str = "", decline_detail: str = ""
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
    return referral


@transaction.atomic
def referral_notify_icb(*, referral: Referral, actor, notified_on: date, received_on: date | None = None) -> Referral:
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


# --- Mediator assignment -------------------------------------------------------------------------------------


def referral_needs(referral: Referral) -> rules.ReferralNeeds:
    case = referral.case
    needs = set()
    if referral.health_issues or case.health_involved:
        needs.add("health")
    if case.social_care_involved:
        needs.add("social_care")
    if case_rules.age_on(case.child_date_of_birth, referral.referred_on) >= 16 or (
        case.school and case.school.phase == "post_16"
    ):
        needs.add("post_16")
    start = referral.clock_start
    return rules.ReferralNeeds(
        provider_id=referral.provider_id,
        school_id=case.school_id,
        family_names=tuple(n for n in (case.child_last_name, case.party_name.split(" ")[-1], case.party_name) if n),
        needs=frozenset(needs),
        language=case.preferred_language or "English",
        interpreter_needed=case.interpreter_needed,
        window_start=max(start, _today()) if start else _today(),
        window_end=deadlines.mediation_deadline(start) if start else _today(),
    )


def mediator_ranking(referral: Referral) -> list[rules.RankedMediator]:
    mediators = selectors.mediators_of(referral.provider)
    facts = [
        rules.MediatorFacts(
            id=m.pk,
            name=str(m),
            provider_id=m.provider_id,
            active=m.active,
            employed_by_la=m.employed_by_la,
            max_active_cases=m.max_active_cases,
            active_cases=m.active_cases - (1 if referral.mediator_id == m.pk else 0),
            specialisms=frozenset(m.specialisms or []),
            languages=tuple(m.language_list),
            conflict_school_ids=frozenset(s.pk for s in m.conflict_schools.all()),
            conflict_notes=m.conflict_notes,
            available_from=m.available_from,
        )
        for m in mediators
    ]
    return rules.rank_mediators(facts, referral_needs(referral))


@transaction.atomic
def referral_assign_mediator(*, referral: Referral, actor, mediator: Mediator, reason: str = "") -> Referral:
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
    return referral


# --- Sessions ------------------------------------------------------------------------------------------------


def _check_session(referral: Referral, *, starts_at: datetime, notice_sent_on: date, short_notice_consent: bool):
    """Date order and the 5 working days' notice (C7) unless the family agreed to less. Returns the session day
    and whether notice was short."""
    session_day = timezone.localdate(starts_at)
    _check_dates(
        {
            "session_on": session_day,
            "notice_sent_on": notice_sent_on,
            "clock_start": referral.clock_start,
        },
        date_rules.SESSION,
        fields=["session_on", "notice_sent_on"],
    )
    notice_due = deadlines.mediation_notice_deadline(session_day, holidays=clock_services.working_calendar())
    short = notice_sent_on > notice_due
    if short and not short_notice_consent:
        raise ValidationError(
            {
                "notice_sent_on": (
                    f"Notice must be sent by {notice_due:%a %-d %b %Y} (5 working days before). Record the family's "
                    "agreement to shorter notice, or choose a later date."
                )
            }
        )
    return session_day, short


@transaction.atomic
def session_schedule(
    *,
    referral: Referral,
    actor,
    starts_at: datetime,
    mode: str,
    venue: str,
    notice_sent_on: date,
    short_notice_consent: bool = False,
) -> MediationSession:
    """Arrange a session. Notice of at least 5 working days (C7) unless the family agreed to less."""
    referral = _lock(referral)
    _require(permissions.can_act_on_referral(actor, referral))
    referral_set_status(referral, RS.SCHEDULED)
    _session_day, short = _check_session(
        referral, starts_at=starts_at, notice_sent_on=notice_sent_on, short_notice_consent=short_notice_consent
    )
    session = MediationSession.objects.create(
        referral=referral,
        starts_at=starts_at,
        mode=mode,
        venue=venue.strip(),
        notice_sent_on=notice_sent_on,
        short_notice_consent=short and short_notice_consent,
        recorded_by=actor,
    )
    referral.save(update_fields=["status", "updated_at"])
    case = referral.case
    when = timezone.localtime(starts_at).strftime("%a %-d %b %Y at %H:%M")
    text = f"Mediation session arranged for {when} ({session.get_mode_display().lower()})"
    if short:
        text += "; the family agreed to shorter notice"
    _event(case, actor, CaseEvent.Kind.MEDIATION, text, {"session": session.pk})
    _recompute(case, actor, "session arranged")
    return session


@transaction.atomic
def session_correct(
    *,
    session: MediationSession,
    actor,
    starts_at: datetime,
    notice_sent_on: date,
    short_notice_consent: bool,
    reason: str,
    expected: dict | None = None,
) -> MediationSession:
    """Correct a session's date and time or the date notice was sent, with a reason: the notice clock (C7) and,
    for a held session, the mediation clock (C4/C5) follow."""
    referral = _lock(session.referral)
    _require(permissions.can_act_on_referral(actor, referral))
    reason = _reason_required(reason)
    session = MediationSession.objects.select_for_update().get(pk=session.pk)
    _check_unchanged(
        {
            "starts_at": session.starts_at,
            "notice_sent_on": session.notice_sent_on,
            "short_notice_consent": session.short_notice_consent,
        },
        expected,
        {
            "starts_at": "the date and time",
            "notice_sent_on": "the date notice was sent",
            "short_notice_consent": "shorter notice agreed",
        },
    )
    session_day, short = _check_session(
        referral, starts_at=starts_at, notice_sent_on=notice_sent_on, short_notice_consent=short_notice_consent
    )
    if session.status == SessionStatus.HELD and session_day > _today():
        raise ValidationError({"starts_at": "A held session cannot be dated in the future."})
    labels = {
        "starts_at": "date and time",
        "notice_sent_on": "notice sent",
        "short_notice_consent": "shorter notice agreed",
    }
    old = {
        "starts_at": f"{timezone.localtime(session.starts_at):%a %-d %b %Y at %H:%M}",
        "notice_sent_on": session.notice_sent_on,
        "short_notice_consent": session.short_notice_consent,
    }
    new = {
        "starts_at": f"{timezone.localtime(starts_at):%a %-d %b %Y at %H:%M}",
        "notice_sent_on": notice_sent_on,
        "short_notice_consent": short and short_notice_consent,
    }
    described = _changes_text(labels, old, new)
    if not described:
        return session
    session.starts_at, session.notice_sent_on = starts_at, notice_sent_on
    session.short_notice_consent = short and short_notice_consent
    session.save()
    case = referral.case
    _event(
        case,
        actor,
        CaseEvent.Kind.MEDIATION,
        f"Session corrected ({'; '.join(described)}): {reason}",
        {"session": session.pk, "reason": reason},
    )
    _recompute(case, actor, f"session corrected: {reason}")
    return session


@transaction.atomic
def session_record(
    *,
    session: MediationSession,
    actor,
    status: str,
    cancelled_by: str = "",
    cancel_reason: str = "",
    attendance: dict | None = None,
) -> MediationSession:
    """Record what happened: held (with who attended and whether the child's views were obtained), cancelled
    or did not attend (with who cancelled)."""
    referral = _lock(session.referral)
    _require(permissions.can_act_on_referral(actor, referral))
    session = MediationSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError("This session has already been recorded.")
    session_day = timezone.localdate(session.starts_at)
    if status == SessionStatus.HELD and session_day > _today():
        raise ValidationError({"status": "A session cannot be recorded as held before its date."})
    if status in (SessionStatus.CANCELLED, SessionStatus.DID_NOT_ATTEND):
        if cancelled_by not in MediationSession.Party.values:
            raise ValidationError({"cancelled_by": "Say who cancelled or did not attend."})
    elif status != SessionStatus.HELD:
        raise ValidationError({"status": "Choose what happened."})
    session.status = status
    session.cancelled_by = cancelled_by if status != SessionStatus.HELD else ""
    session.cancel_reason = cancel_reason.strip()
    for field, value in (attendance or {}).items():
        if field in ATTENDANCE_FIELDS:
            setattr(session, field, bool(value))
    session.save()
    referral_set_status(referral, _status_after_sessions(referral))
    referral.save(update_fields=["status", "updated_at"])
    case = referral.case
    if status == SessionStatus.HELD:
        text = f"Mediation session held on {fmt(session_day)}"
        if session.child_views_obtained:
            text += "; the child's views were obtained"
    else:
        label = "cancelled" if status == SessionStatus.CANCELLED else "not attended"
        text = f"Mediation session on {fmt(session_day)} {label} by {session.get_cancelled_by_display().lower()}"
        if session.cancel_reason:
            text += f": {session.cancel_reason}"
    _event(case, actor, CaseEvent.Kind.MEDIATION, text, {"session": session.pk, "status": status})
    _recompute(case, actor, "session recorded")
    return session


ATTENDANCE_FIELDS = [
    "party_attended",
    "supporter_attended",
    "la_decision_maker_attended",
    "icb_attended",
    "interpreter_attended",
    "child_views_obtained",
]


@transaction.atomic
def referral_not_held_in_time(*, referral: Referral, actor, notified_on: date) -> Referral:
    """The arranging body told the adviser mediation cannot be held within 30 days: certificate due (C6). The
    30-day clock is missed once its date has passed (the facts say it will not be met). A referral still waiting
    for the provider can take this route too."""
    referral = _lock(referral)
    _require(permissions.can_act_on_referral(actor, referral))
    referral_set_status(referral, RS.NOT_HELD)
    _check_dates(
        {"notified_on": notified_on, "clock_start": referral.clock_start}, date_rules.NOT_HELD, fields=["notified_on"]
    )
    referral.not_held_notified_on = notified_on
    referral.save(update_fields=["status", "not_held_notified_on", "updated_at"])
    case = referral.case
    _event(
        case,
        actor,
        CaseEvent.Kind.MEDIATION,
        f"Mediation cannot be held within 30 days (adviser told {fmt(notified_on)})",
    )
    _recompute(case, actor, "not held within 30 days")
    return referral


# --- Outcomes and agreements -------------------------------------------------------------------------------


def _last_held_on(referral: Referral) -> date | None:
    held = referral.sessions.filter(status=SessionStatus.HELD).order_by("-starts_at").first()
    return timezone.localdate(held.starts_at) if held else None


def _check_conclusion(referral: Referral, *, concluded_on: date, outcome: str, agreement_on: date | None):
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
    actor,
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
    actor,
    concluded_on: date,
    agreement_on: date | None,
    reason: str,
    expected: dict | None = None,
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
    _event(
        case,
        actor,
        CaseEvent.Kind.AGREEMENT,
        f"Mediation outcome dates corrected ({'; '.join(described)}): {reason}",
        {"referral": referral.pk, "reason": reason},
    )
    _recompute(case, actor, f"outcome dates corrected: {reason}")
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, actor, withdrawn_on: date, reason: str) -> Referral:
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
    return referral


@transaction.atomic
def referral_la_conceded(*, referral: Referral, actor, agreement_on: date) -> Referral:
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
    return referral


@transaction.atomic
def agreement_action_add(
    *,
    referral: Referral,
    actor,
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
def agreement_action_complete(*, action: AgreementAction, actor, done_on: date) -> AgreementAction:
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


# --- Certificates ----------------------------------------------------------------------------------------------


def certificate_kinds_possible(case: Case, referral: Referral | None) -> list[str]:
    """The kinds of certificate that can be issued now (for the issue form)."""
    return [kind for kind in Certificate.Kind.values if not certificate_kind_problem(case, referral, kind)]


def certificate_kind_problem(case: Case, referral: Referral | None, kind: str) -> str:
    if kind == Certificate.Kind.DECLINED:
        declined = hasattr(case, "adviser_contact") and case.adviser_contact.choice == "no_mediation"
        withdrew = referral is not None and referral.status == RS.WITHDRAWN
        if not (declined or withdrew):
            return "A 'mediation declined' certificate needs the family to have declined mediation or withdrawn."
    elif kind == Certificate.Kind.CONCLUDED:
        if referral is None or referral.status != RS.CONCLUDED:
            return "A 'mediation concluded' certificate needs the mediation to be recorded as concluded."
    elif kind == Certificate.Kind.NOT_HELD:
        if referral is None or not referral.not_held_notified_on:
            return "A 'not held within 30 days' certificate needs the referral to be recorded as not held in time."
    else:
        return "Choose the kind of certificate."
    return ""


def _certificate_trigger(case: Case, referral: Referral | None, kind: str) -> date | None:
    """The day the certificate's duty started (it cannot be issued before it)."""
    if kind == Certificate.Kind.DECLINED:
        if referral is not None and referral.status == RS.WITHDRAWN:
            return referral.concluded_on
        contact = getattr(case, "adviser_contact", None)
        return contact.contacted_on if contact else None
    if kind == Certificate.Kind.CONCLUDED:
        return referral.concluded_on if referral else None
    return referral.not_held_notified_on if referral else None


@transaction.atomic
def certificate_issue(
    *,
    case: Case,
    actor,
    kind: str,
    issued_on: date,
    issuer_name: str,
    issuer_role: str,
    referral: Referral | None = None,
    correction_reason: str = "",
    corrects_issue_date: bool = False,
) -> Certificate:
    """Issue a mediation certificate as a PDF, stored with its SHA-256 and never changed. A second one is a
    corrected version and needs a reason. The appeal deadline (C9) runs from the first certificate's issue date;
    a correction moves it only when the correction is to the issue date itself, and the case needs legal review
    until a manager confirms the correction (decision 15)."""
    _require(permissions.can_issue_certificate(actor, referral=referral))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if referral is not None:
        referral = _lock(referral)
        if referral.case_id != case.pk:
            raise PermissionDenied
    problem = certificate_kind_problem(case, referral, kind)
    if problem:
        raise ValidationError({"kind": problem})
    _check_dates(
        {
            "issued_on": issued_on,
            "decision_sent_on": case.decision_sent_on,
            "trigger_on": _certificate_trigger(case, referral, kind),
        },
        date_rules.CERTIFICATE,
        fields=["issued_on"],
    )
    if not issuer_name.strip():
        raise ValidationError({"issuer_name": "Enter the name of the adviser or mediator issuing it."})
    if issuer_role.strip().lower() not in certificates.ISSUER_ROLES:
        raise ValidationError({"issuer_role": "The issuer is the mediation adviser or the mediator."})
    previous = list(case.certificates.order_by("version"))
    latest = previous[-1] if previous else None
    if latest is not None and not correction_reason.strip():
        raise ValidationError(
            {
                "correction_reason": (
                    f"This case already has certificate {latest.number}. "
                    "Give the reason for issuing a corrected version."
                )
            }
        )
    if latest is None:
        corrects_issue_date = False
    version = latest.version + 1 if latest else 1
    number = f"CERT-{case.reference}-{version}"
    provider = referral.provider if referral else getattr(getattr(case, "adviser_contact", None), "provider", None)
    cert = Certificate(
        case=case,
        referral=referral,
        version=version,
        number=number,
        kind=kind,
        issued_on=issued_on,
        issued_by=actor,
        issuer_name=issuer_name.strip(),
        issuer_role=issuer_role.strip(),
        provider=provider,
        correction_reason=correction_reason.strip(),
        corrects_issue_date=corrects_issue_date,
        replaces=latest,
    )
    appeal_from = clocks.appeal_certificate([*previous, cert]).issued_on
    appeal = (
        deadlines.appeal_deadline_detail(case.decision_sent_on, appeal_from, holidays=clock_services.working_calendar())
        if case_rules.has_appeal_window(
            route=case.route, decision=case.decision, decision_sent_on=case.decision_sent_on
        )
        else None
    )
    content = certificates.certificate_content_for(
        case_reference=case.reference,
        party_name=case.party_name,
        child_name=case.child_name,
        child_date_of_birth=case.child_date_of_birth,
        decision_label=case.get_decision_display(),
        decision_sent_on=case.decision_sent_on,
        kind=kind,
        number=number,
        version=version,
        issued_on=issued_on,
        issuer_name=issuer_name.strip(),
        issuer_role=issuer_role.strip(),
        provider_name=provider.name if provider else "",
        appeal_due=appeal.due if appeal else None,
        correction_reason=correction_reason.strip(),
        replaces_number=latest.number if latest else "",
    )
    pdf = certificates.render_certificate_pdf(content)
    cert.sha256 = certificates.sha256_of(pdf)
    cert.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    cert.save()
    text = f"Certificate {number} issued on {fmt(issued_on)} ({cert.get_kind_display()}) by {cert.issuer_name}"
    if correction_reason.strip():
        text += f"; corrects {latest.number}: {correction_reason.strip()}"
        if corrects_issue_date:
            text += " (the issue date was wrong: the appeal deadline follows the corrected date)"
        else:
            text += f" (the appeal deadline stays on the first certificate's date, {fmt(appeal_from)})"
        text += "; needs legal review until a manager confirms"
    _event(case, actor, CaseEvent.Kind.CERTIFICATE, text, {"certificate": cert.pk, "sha256": cert.sha256})
    _recompute(case, actor, f"certificate issued {fmt(issued_on)}")
    case.refresh_from_db()
    return cert


@transaction.atomic
def certificate_review_confirm(*, certificate: Certificate, actor) -> Certificate:
    """A manager confirms a corrected certificate after legal review: the case's legal-review flag clears."""
    if not actor.has_perm("cases.waive_deadline"):
        raise PermissionDenied
    certificate = Certificate.objects.select_for_update().select_related("case").get(pk=certificate.pk)
    if certificate.version == 1:
        raise ValidationError("Only a corrected certificate needs confirming.")
    if certificate.review_confirmed_at is not None:
        raise ValidationError("This correction is already confirmed.")
    certificate.review_confirmed_by, certificate.review_confirmed_at = actor, timezone.now()
    certificate.save(update_fields=["review_confirmed_by", "review_confirmed_at"])
    name = actor.get_full_name() or actor.get_username()
    _event(
        certificate.case,
        actor,
        CaseEvent.Kind.CERTIFICATE,
        f"Corrected certificate {certificate.number} confirmed after legal review by {name}",
        {"certificate": certificate.pk},
    )
    _recompute(certificate.case, actor, "corrected certificate confirmed")
    return certificate


# --- Tribunal ----------------------------------------------------------------------------------------------------


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


def _check_appeal_dates(case: Case, values: dict) -> None:
    _check_dates(
        {**values, "decision_sent_on": case.decision_sent_on}, date_rules.APPEAL, fields=list(APPEAL_DATE_FIELDS)
    )


@transaction.atomic
def tribunal_appeal_record(
    *,
    case: Case,
    actor,
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
    appeal: TribunalAppeal, *, outcome, order_kind, order_sent_on, unopposed_kind, unopposed_notified_on
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
        if order_kind:
            deadlines.tribunal_order_deadlines(order_kind, order_sent_on)
        if unopposed_kind:
            deadlines.unopposed_appeal_deadlines(unopposed_kind, unopposed_notified_on)
    except ValueError as exc:
        raise ValidationError({"order_kind": str(exc)}) from None


@transaction.atomic
def tribunal_outcome_record(
    *,
    appeal: TribunalAppeal,
    actor,
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
    target = {
        TribunalAppeal.Outcome.CONCEDED: CaseStatus.CONCEDED_UNOPPOSED,
        TribunalAppeal.Outcome.WITHDRAWN: CaseStatus.APPEAL_WITHDRAWN,
    }.get(outcome, CaseStatus.ORDER_MADE)
    _move_case(case, actor, target, "tribunal outcome")
    if set(case.deadlines.values_list("key", flat=True)) - before:
        _move_case(case, actor, CaseStatus.COMPLIANCE, "compliance deadlines set")
    return appeal


@transaction.atomic
def tribunal_appeal_correct(
    *, appeal: TribunalAppeal, actor, changes: dict, reason: str, expected: dict | None = None
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
    _event(
        case,
        actor,
        CaseEvent.Kind.TRIBUNAL,
        f"Appeal dates corrected ({'; '.join(described)}): {reason}",
        {"appeal": appeal.pk, "reason": reason},
    )
    _recompute(case, actor, f"appeal dates corrected: {reason}")
    return appeal


@transaction.atomic
def compliance_step_complete(*, case: Case, actor, key: str, done_on: date) -> Deadline:
    """A Tribunal-order, unopposed-appeal, recommendation or directed-response step was carried out."""
    _require(permissions.can_manage_tribunal(actor))
    appeal_id = clocks.appeal_id_of(key)
    deadline = case.deadlines.filter(key=key).first() if appeal_id else None
    if deadline is None:
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


# --- Disagreement resolution (s.57) ----------------------------------------------------------------------------


@transaction.atomic
def drs_refer(
    *, case: Case, actor, kind: str, provider: MediationProvider, referred_on: date
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
    return drs


@transaction.atomic
def drs_record(
    *,
    drs: DisagreementResolution,
    actor,
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
    return drs


# --- Shared notes ------------------------------------------------------------------------------------------------


@transaction.atomic
def referral_note_add(*, referral: Referral, actor, text: str) -> CaseNote:
    """A note shared between the LA and the assigned mediator. Shared notes only: internal notes stay with the LA
    (the mediator never sees them and has no case-note permission)."""
    _require(permissions.can_act_on_referral(actor, referral))
    if not text.strip():
        raise ValidationError({"text": "Enter the note."})
    note = CaseNote.objects.create(
        case=referral.case, author=actor, text=text.strip(), visibility=CaseNote.Visibility.SHARED
    )
    name = actor.get_full_name() or actor.get_username()
    _event(
        referral.case,
        actor,
        CaseEvent.Kind.NOTE_ADDED,
        f"Shared note added by {name}",
        {"note": note.pk, "referral": referral.pk},
    )
    return note
