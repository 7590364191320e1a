"""Writes on the mediation pathway (send-rules.md sections 4.2 and 7). Each service runs in one transaction,
checks permission, sequence and transition, writes a timeline event on the case, and sets or meets the
statutory clocks it has the facts for through cases.clock_services."""

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
from cases.clock_services import ClockSpec, fmt
from cases.models import Case, CaseEvent, CaseNote, Deadline
from cases.models import Status as CaseStatus

from . import certificates, permissions, rules, selectors
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
# A mediator can be assigned (or reassigned) once the provider has accepted, until the mediation is held; after
# "not held in time" a later mediation may still be arranged (send-rules.md 4.2).
ASSIGNABLE_STATUSES = (RS.ACCEPTED, RS.ASSIGNED, RS.SCHEDULED, RS.NOT_HELD)


def _today() -> date:
    return timezone.localdate()


def _event(case, actor, kind, description, data=None):
    return case_services.case_event_record(case=case, actor=actor, kind=kind, description=description, data=data)


def _not_future(field: str, value: date | None, label: str) -> None:
    if value and value > _today():
        raise ValidationError({field: f"{label} cannot be in the future."})


def _not_before(field: str, value: date | None, earliest: date | None, message: str) -> None:
    if value and earliest and value < earliest:
        raise ValidationError({field: message})


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


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


def _transition(referral: Referral, target: str) -> None:
    if not rules.referral_can_transition(referral.status, target):
        raise ValidationError(
            f"A referral that is {RS(referral.status).label.lower()} cannot become {RS(target).label.lower()}."
        )


def _lock(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case", "mediator__user", "provider")
        .get(pk=referral.pk)
    )


def _certificate_clock(case: Case, actor, key: str, trigger_day: date, facts: dict) -> None:
    """A certificate is due 3 working days after its trigger (C2 declined or withdrew, C6 not held in time,
    C8 mediation concluded); the mediation adviser issues it."""
    due = deadlines.certificate_deadline(trigger_day, holidays=clock_services.working_calendar())
    clock_services.deadline_set(case=case, actor=actor, spec=_spec(key, key, due, Deadline.Binds.ADVISER, facts))


def _spec(key: str, clock: str, due_on: date, binds: str, facts: dict, title: str = "") -> ClockSpec:
    return ClockSpec(key=key, clock=clock, due_on=due_on, binds=binds, facts=facts, title=title)


# --- Mediation adviser stage -------------------------------------------------------------------------------


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
    if choice not in AdviserContact.Choice.values:
        raise ValidationError({"choice": "Choose what the family chose."})
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()  # one at a time
    if AdviserContact.objects.filter(case=case).exists():
        raise ValidationError("The adviser contact is already recorded for this case.")
    _not_future("contacted_on", contacted_on, "The date of contact")
    _not_before(
        "contacted_on",
        contacted_on,
        case.decision_sent_on,
        "The family cannot have contacted the adviser before the decision letter was sent.",
    )
    late = False
    if case.decision_sent_on:
        late = contacted_on > deadlines.adviser_contact_deadline(case.decision_sent_on)
    contact = AdviserContact.objects.create(
        case=case,
        contacted_on=contacted_on,
        choice=choice,
        provider=provider,
        adviser_name=adviser_name,
        late=late,
        recorded_by=actor,
    )
    clock_services.deadline_mark_met(case=case, key="C1", met_on=contacted_on, actor=actor)
    description = f"Family contacted the mediation adviser on {fmt(contacted_on)}: {contact.get_choice_display()}"
    if late:
        description += " (late: after the 2-month limit)"
    _event(case, actor, CaseEvent.Kind.REFERRAL, description, {"choice": choice, "late": late})
    if choice == AdviserContact.Choice.NO_MEDIATION:
        _certificate_clock(case, actor, "C2", contacted_on, {"told_adviser_on": contacted_on.isoformat()})
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
    for field, value, label in (
        ("referred_on", referred_on, "The referral date"),
        ("family_told_la_on", family_told_la_on, "The date the family told the LA"),
        ("provider_told_la_on", provider_told_la_on, "The date the provider told the LA"),
        ("health_told_on", health_told_on, "The date the LA was told about health issues"),
    ):
        _not_future(field, value, label)
        _not_before(field, value, case.decision_sent_on, f"{label} cannot be before the decision letter was sent.")
    if health_only and not health_issues:
        health_issues = True
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
    calendar = clock_services.working_calendar()
    start = referral.clock_start
    if not health_only:
        clock_services.deadline_set(
            case=case,
            actor=actor,
            spec=_spec(
                "C4",
                "C4",
                deadlines.mediation_deadline(start),
                Deadline.Binds.LA,
                {
                    "la_told_on": start.isoformat(),
                    "family_told_la_on": family_told_la_on.isoformat(),
                    "provider_told_la_on": provider_told_la_on.isoformat() if provider_told_la_on else None,
                },
            ),
        )
    if health_issues:
        clock_services.deadline_set(
            case=case,
            actor=actor,
            spec=_spec(
                "C3",
                "C3",
                deadlines.health_notification_deadline(health_told_on, holidays=calendar),
                Deadline.Binds.LA,
                {"health_told_on": health_told_on.isoformat()},
            ),
        )
    for target in (CaseStatus.TRIAGED, CaseStatus.MEDIATION_ROUTE):
        _move_case(case, actor, target, "referred for mediation")
    return referral


@transaction.atomic
def referral_respond(
    *, referral: Referral, actor, accepted: bool, responded_on: date, decline_reason: str = "", decline_detail: str = ""
) -> Referral:
    """The provider accepts or declines. A decline returns the case to the referral queue; clocks run on."""
    _require(permissions.can_manage_referrals(actor))
    referral = _lock(referral)
    _not_future("responded_on", responded_on, "The date of the provider's response")
    _not_before("responded_on", responded_on, referral.referred_on, "The provider cannot respond before the referral.")
    target = RS.ACCEPTED if accepted else RS.DECLINED
    _transition(referral, target)
    if not accepted:
        if decline_reason not in Referral.DeclineReason.values:
            raise ValidationError({"decline_reason": "Choose why the provider declined."})
        if decline_reason == Referral.DeclineReason.OTHER and not decline_detail.strip():
            raise ValidationError({"decline_detail": "Say why the provider declined."})
    referral.status, referral.responded_on = target, responded_on
    referral.decline_reason, referral.decline_detail = (
        ("", "") if accepted else (decline_reason, decline_detail.strip())
    )
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
def referral_notify_icb(*, referral: Referral, actor, notified_on: date) -> Referral:
    """The LA told the ICB the mediation issues (C3 met). Health-only mediation: the ICB's 30 days (C5) start."""
    _require(permissions.can_manage_referrals(actor))
    referral = _lock(referral)
    if not referral.health_issues:
        raise ValidationError("This referral has no health care issues.")
    _not_future("notified_on", notified_on, "The date the ICB was notified")
    _not_before(
        "notified_on",
        notified_on,
        referral.health_told_on,
        "The ICB cannot be notified before the LA was told about the health issues.",
    )
    referral.icb_notified_on = notified_on
    referral.save(update_fields=["icb_notified_on", "updated_at"])
    case = referral.case
    clock_services.deadline_mark_met(case=case, key="C3", met_on=notified_on, actor=actor)
    _event(case, actor, CaseEvent.Kind.REFERRAL, f"ICB notified of the mediation issues on {fmt(notified_on)}")
    if referral.health_only:
        clock_services.deadline_set(
            case=case,
            actor=actor,
            spec=_spec(
                "C5",
                "C5",
                deadlines.mediation_deadline(notified_on),
                Deadline.Binds.ICB,
                {"icb_received_on": notified_on.isoformat()},
            ),
        )
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
        referral.status = RS.ASSIGNED
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
    _transition(referral, RS.SCHEDULED)
    session_day = timezone.localdate(starts_at)
    start = referral.clock_start
    if start and session_day < start:
        raise ValidationError({"starts_at": "The mediation cannot be before the LA was told the family wants it."})
    _not_future("notice_sent_on", notice_sent_on, "The date notice was sent")
    if notice_sent_on > session_day:
        raise ValidationError({"notice_sent_on": "Notice must be sent before the mediation."})
    _not_before(
        "notice_sent_on", notice_sent_on, start, "Notice cannot be sent before the LA was told the family wants it."
    )
    calendar = clock_services.working_calendar()
    notice_due = deadlines.mediation_notice_deadline(session_day, holidays=calendar)
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
    session = MediationSession.objects.create(
        referral=referral,
        starts_at=starts_at,
        mode=mode,
        venue=venue.strip(),
        notice_sent_on=notice_sent_on,
        short_notice_consent=short and short_notice_consent,
        recorded_by=actor,
    )
    referral.status = RS.SCHEDULED
    referral.save(update_fields=["status", "updated_at"])
    case = referral.case
    key = f"C7:{session.pk}"
    clock_services.deadline_set(
        case=case,
        actor=actor,
        spec=_spec(key, "C7", notice_due, Deadline.Binds.LA, {"mediation_on": session_day.isoformat()}),
    )
    clock_services.deadline_mark_met(case=case, key=key, met_on=notice_sent_on, actor=actor)
    when = timezone.localtime(starts_at).strftime("%a %-d %b %Y at %H:%M")
    text = f"Mediation session arranged for {when} ({session.get_mode_display().lower()})"
    if short:
        text += "; the family agreed to shorter notice"
    _event(case, actor, CaseEvent.Kind.MEDIATION, text, {"session": session.pk})
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
    if session.status != MediationSession.SessionStatus.PLANNED:
        raise ValidationError("This session has already been recorded.")
    session_day = timezone.localdate(session.starts_at)
    if status == MediationSession.SessionStatus.HELD and session_day > _today():
        raise ValidationError({"status": "A session cannot be recorded as held before its date."})
    if status in (MediationSession.SessionStatus.CANCELLED, MediationSession.SessionStatus.DID_NOT_ATTEND):
        if cancelled_by not in MediationSession.Party.values:
            raise ValidationError({"cancelled_by": "Say who cancelled or did not attend."})
    elif status != MediationSession.SessionStatus.HELD:
        raise ValidationError({"status": "Choose what happened."})
    session.status = status
    session.cancelled_by = cancelled_by if status != MediationSession.SessionStatus.HELD else ""
    session.cancel_reason = cancel_reason.strip()
    for field, value in (attendance or {}).items():
        if field in ATTENDANCE_FIELDS:
            setattr(session, field, bool(value))
    session.save()
    case = referral.case
    if status == MediationSession.SessionStatus.HELD:
        _transition(referral, RS.HELD)
        referral.status = RS.HELD
        referral.save(update_fields=["status", "updated_at"])
        for key in ("C4", "C5"):
            clock_services.deadline_mark_met(case=case, key=key, met_on=session_day, actor=actor)
        text = f"Mediation session held on {fmt(session_day)}"
        if session.child_views_obtained:
            text += "; the child's views were obtained"
    else:
        if not referral.sessions.filter(status=MediationSession.SessionStatus.PLANNED).exists():
            referral.status = RS.ASSIGNED
            referral.save(update_fields=["status", "updated_at"])
        label = "cancelled" if status == MediationSession.SessionStatus.CANCELLED else "not attended"
        text = f"Mediation session on {fmt(session_day)} {label} by {session.get_cancelled_by_display().lower()}"
        if session.cancel_reason:
            text += f": {session.cancel_reason}"
    _event(case, actor, CaseEvent.Kind.MEDIATION, text, {"session": session.pk, "status": status})
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
    """The arranging body told the adviser mediation cannot be held within 30 days: certificate due (C6)."""
    referral = _lock(referral)
    _require(permissions.can_act_on_referral(actor, referral))
    _transition(referral, RS.NOT_HELD)
    _not_future("notified_on", notified_on, "The date the adviser was told")
    _not_before("notified_on", notified_on, referral.clock_start, "This cannot be before the LA was told.")
    referral.status, referral.not_held_notified_on = RS.NOT_HELD, notified_on
    referral.save(update_fields=["status", "not_held_notified_on", "updated_at"])
    case = referral.case
    for key in ("C4", "C5"):
        clock_services.deadline_mark_missed(case=case, key=key, actor=actor, reason="not held within 30 days")
    _certificate_clock(case, actor, "C6", notified_on, {"adviser_told_on": notified_on.isoformat()})
    _event(
        case,
        actor,
        CaseEvent.Kind.MEDIATION,
        f"Mediation cannot be held within 30 days (adviser told {fmt(notified_on)})",
    )
    return referral


# --- Outcomes and agreements -------------------------------------------------------------------------------


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
    _transition(referral, RS.CONCLUDED)
    held = referral.sessions.filter(status=MediationSession.SessionStatus.HELD).order_by("-starts_at").first()
    if held is None:
        raise ValidationError("Record a held session before concluding the mediation.")
    last_held = timezone.localdate(held.starts_at)
    _not_future("concluded_on", concluded_on, "The date mediation concluded")
    _not_before("concluded_on", concluded_on, last_held, "Mediation cannot conclude before the session was held.")
    if outcome in (Referral.Outcome.FULL, Referral.Outcome.PARTIAL):
        if not agreement_on:
            raise ValidationError({"agreement_on": "Enter the date of the written agreement."})
        _not_before("agreement_on", agreement_on, last_held, "The agreement cannot be before the session.")
        _not_future("agreement_on", agreement_on, "The agreement date")
    else:
        agreement_on = None
    if not issue_outcomes:
        raise ValidationError({"issue_outcomes": "Record the outcome for at least one issue in dispute."})
    for issue, result in issue_outcomes.items():
        if issue not in PlanIssue.values or result not in IssueOutcome.Result.values:
            raise ValidationError(
                {"issue_outcomes": "Record each issue's outcome as agreed, partly agreed or not agreed."}
            )
    for issue, result in issue_outcomes.items():
        IssueOutcome.objects.update_or_create(referral=referral, issue=issue, defaults={"result": result})
    referral.status, referral.concluded_on, referral.outcome, referral.agreement_on = (
        RS.CONCLUDED,
        concluded_on,
        outcome,
        agreement_on,
    )
    referral.save(update_fields=["status", "concluded_on", "outcome", "agreement_on", "updated_at"])
    case = referral.case
    _certificate_clock(case, actor, "C8", concluded_on, {"concluded_on": concluded_on.isoformat()})
    text = f"Mediation concluded on {fmt(concluded_on)}: {Referral.Outcome(outcome).label.lower()}"
    if agreement_on:
        text += f"; written agreement dated {fmt(agreement_on)}"
    _event(case, actor, CaseEvent.Kind.AGREEMENT, text, {"referral": referral.pk, "outcome": outcome})
    _move_case(case, actor, CaseStatus.POST_MEDIATION, "mediation concluded")
    if agreement_on:
        _move_case(case, actor, CaseStatus.AGREEMENT_IMPLEMENTATION, "written agreement")
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, actor, withdrawn_on: date, reason: str) -> Referral:
    """The family changed their mind: treated as a decline, so the certificate is due as C2."""
    referral = _lock(referral)
    _require(permissions.can_act_on_referral(actor, referral))
    _transition(referral, RS.WITHDRAWN)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason the family withdrew."})
    _not_future("withdrawn_on", withdrawn_on, "The date the family withdrew")
    referral.status, referral.outcome, referral.concluded_on = RS.WITHDRAWN, Referral.Outcome.WITHDRAWN, withdrawn_on
    referral.save(update_fields=["status", "outcome", "concluded_on", "updated_at"])
    case = referral.case
    for key in ("C4", "C5"):
        clock_services.deadline_supersede(case=case, key=key, actor=actor, reason="the family withdrew")
    _certificate_clock(case, actor, "C2", withdrawn_on, {"withdrew_on": withdrawn_on.isoformat()})
    _event(
        case,
        actor,
        CaseEvent.Kind.MEDIATION,
        f"Family withdrew from mediation on {fmt(withdrawn_on)}: {reason.strip()}",
    )
    return referral


@transaction.atomic
def referral_la_conceded(*, referral: Referral, actor, agreement_on: date) -> Referral:
    """The LA conceded before the meeting; recorded in writing so reg 42 applies."""
    _require(permissions.can_manage_referrals(actor))
    referral = _lock(referral)
    _transition(referral, RS.LA_CONCEDED)
    _not_future("agreement_on", agreement_on, "The date of the written concession")
    _not_before("agreement_on", agreement_on, referral.referred_on, "The concession cannot be before the referral.")
    referral.status, referral.outcome = RS.LA_CONCEDED, Referral.Outcome.LA_CONCEDED
    referral.agreement_on, referral.concluded_on = agreement_on, agreement_on
    referral.save(update_fields=["status", "outcome", "agreement_on", "concluded_on", "updated_at"])
    case = referral.case
    for key in ("C4", "C5"):
        clock_services.deadline_supersede(case=case, key=key, actor=actor, reason="the LA conceded")
    _event(case, actor, CaseEvent.Kind.AGREEMENT, f"LA conceded before the meeting (in writing {fmt(agreement_on)})")
    _move_case(case, actor, CaseStatus.POST_MEDIATION, "LA conceded")
    _move_case(case, actor, CaseStatus.AGREEMENT_IMPLEMENTATION, "LA conceded")
    return referral


def _step_label(step: str) -> str:
    return deadlines.DEADLINE_LABELS.get(step, step.replace("_", " ").capitalize())


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
    steps: list[tuple[str, date, str]] = []
    B = AgreementAction.Basis
    if basis == B.APPEALABLE:
        try:
            timetable = deadlines.tribunal_order_deadlines(order_kind, agreed)
        except ValueError:
            raise ValidationError({"order_kind": "Choose what the agreement requires."}) from None
        steps = [(f"{description.strip()}: {_step_label(k)}", d, "C10") for k, d in timetable.items()]
    elif basis == B.OTHER:
        steps = [(description.strip(), deadlines.agreement_action_deadline(agreed), "C11")]
    elif basis == B.ICB_TO_LA:
        steps = [(description.strip(), deadlines.health_body_notice_deadline(agreed), "C12")]
    elif basis == B.AGREED_IN_WRITING:
        if not agreed_due_on:
            raise ValidationError({"agreed_due_on": "Enter the date the parties agreed in writing."})
        _not_before("agreed_due_on", agreed_due_on, agreed, "The agreed date cannot be before the agreement.")
        steps = [(description.strip(), agreed_due_on, "C13")]
    else:
        raise ValidationError({"basis": "Choose which timescale applies."})
    created = []
    binds = Deadline.Binds.ICB if owner == AgreementAction.Owner.ICB else Deadline.Binds.LA
    for text, due, clock in steps:
        action = AgreementAction.objects.create(
            referral=referral,
            description=text[:500],
            owner=owner,
            basis=basis,
            order_kind=order_kind,
            due_on=due,
        )
        clock_services.deadline_set(
            case=referral.case,
            actor=actor,
            spec=_spec(
                f"{clock}:{action.pk}", clock, due, binds, {"agreement_on": agreed.isoformat()}, title=text[:200]
            ),
        )
        created.append(action)
    _event(
        referral.case,
        actor,
        CaseEvent.Kind.AGREEMENT,
        f"Agreed action recorded: {description.strip()} ({len(created)} step{'s' if len(created) != 1 else ''})",
    )
    return created


@transaction.atomic
def agreement_action_complete(*, action: AgreementAction, actor, done_on: date) -> AgreementAction:
    referral = action.referral
    _require(permissions.can_manage_referrals(actor))
    action = AgreementAction.objects.select_for_update().get(pk=action.pk)
    if action.done_on:
        raise ValidationError("This action is already recorded as done.")
    _not_future("done_on", done_on, "The date it was done")
    _not_before("done_on", done_on, referral.agreement_on, "It cannot be done before the agreement.")
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    clock = {"appealable": "C10", "other": "C11", "icb_to_la": "C12", "agreed": "C13"}[action.basis]
    clock_services.deadline_mark_met(case=referral.case, key=f"{clock}:{action.pk}", met_on=done_on, actor=actor)
    return action


# --- Certificates ----------------------------------------------------------------------------------------------


CERTIFICATE_CLOCK = {
    Certificate.Kind.DECLINED: ("C2",),
    Certificate.Kind.CONCLUDED: ("C8",),
    Certificate.Kind.NOT_HELD: ("C6",),
}


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
        if referral is None or referral.status != RS.NOT_HELD:
            return "A 'not held within 30 days' certificate needs the referral to be recorded as not held in time."
    else:
        return "Choose the kind of certificate."
    return ""


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
) -> Certificate:
    """Issue a mediation certificate as a PDF, stored with its SHA-256 and never changed. A second one is a
    corrected version and needs a reason. Its issue date moves the appeal deadline (C9)."""
    _require(permissions.can_issue_certificate(actor, referral=referral))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if referral is not None:
        referral = _lock(referral)
        if referral.case_id != case.pk:
            raise PermissionDenied
    problem = certificate_kind_problem(case, referral, kind)
    if problem:
        raise ValidationError({"kind": problem})
    _not_future("issued_on", issued_on, "The issue date")
    _not_before(
        "issued_on", issued_on, case.decision_sent_on, "A certificate cannot be issued before the decision letter."
    )
    if not issuer_name.strip():
        raise ValidationError({"issuer_name": "Enter the name of the adviser or mediator issuing it."})
    if issuer_role.strip().lower() not in certificates.ISSUER_ROLES:
        raise ValidationError({"issuer_role": "The issuer is the mediation adviser or the mediator."})
    latest = case.certificates.order_by("-version").first()
    if latest is not None and not correction_reason.strip():
        raise ValidationError(
            {
                "correction_reason": (
                    f"This case already has certificate {latest.number}. "
                    "Give the reason for issuing a corrected version."
                )
            }
        )
    version = latest.version + 1 if latest else 1
    number = f"CERT-{case.reference}-{version}"
    provider = referral.provider if referral else getattr(getattr(case, "adviser_contact", None), "provider", None)
    appeal = (
        deadlines.appeal_deadline_detail(case.decision_sent_on, issued_on, holidays=clock_services.working_calendar())
        if case.decision_sent_on and case.decision in clock_services.APPEALABLE_DECISIONS
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
        sha256=certificates.sha256_of(pdf),
        correction_reason=correction_reason.strip(),
        replaces=latest,
    )
    cert.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    cert.save()
    for key in CERTIFICATE_CLOCK[kind]:
        clock_services.deadline_mark_met(case=case, key=key, met_on=issued_on, actor=actor)
    text = f"Certificate {number} issued on {fmt(issued_on)} ({cert.get_kind_display()}) by {cert.issuer_name}"
    if correction_reason.strip():
        text += f"; corrects {latest.number}: {correction_reason.strip()}"
    _event(case, actor, CaseEvent.Kind.CERTIFICATE, text, {"certificate": cert.pk, "sha256": cert.sha256})
    clock_services.case_record_certificate_issued(case=case, issued_on=issued_on, actor=actor)
    return cert


# --- Tribunal ----------------------------------------------------------------------------------------------------


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
    _not_future("registered_on", registered_on, "The registration date")
    _not_future("la_told_on", la_told_on, "The date the LA was told")
    _not_before("registered_on", registered_on, case.decision_sent_on, "An appeal cannot be before the decision.")
    _not_before("la_told_on", la_told_on, registered_on, "The LA cannot be told before the appeal was registered.")
    _not_before("response_due_on", response_due_on, registered_on, "The response date must be after registration.")
    _not_before("hearing_on", hearing_on, registered_on, "The hearing must be after registration.")
    appeal = TribunalAppeal.objects.create(
        case=case,
        registered_on=registered_on,
        la_told_on=la_told_on,
        response_due_on=response_due_on,
        hearing_on=hearing_on,
        created_by=actor,
    )
    clock_services.deadline_mark_met(case=case, key="C9", met_on=registered_on, actor=actor)
    if response_due_on:
        clock_services.deadline_set(
            case=case,
            actor=actor,
            spec=_spec(
                f"C17:{appeal.pk}",
                "C17",
                response_due_on,
                Deadline.Binds.LA,
                {"directed": True},
                title="LA response to the appeal (as directed)",
            ),
        )
    _event(case, actor, CaseEvent.Kind.TRIBUNAL, f"Appeal registered by the Tribunal on {fmt(registered_on)}")
    for target in (CaseStatus.APPEAL_WINDOW_OPEN, CaseStatus.APPEAL_LODGED):
        _move_case(case, actor, target, "appeal registered")
    return appeal


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
) -> TribunalAppeal:
    """The outcome; an order (C14), an unopposed appeal (C15) and recommendations (C16) set compliance clocks."""
    _require(permissions.can_manage_tribunal(actor))
    appeal = TribunalAppeal.objects.select_for_update(of=("self",)).select_related("case").get(pk=appeal.pk)
    if appeal.outcome:
        raise ValidationError("The outcome is already recorded.")
    if outcome not in TribunalAppeal.Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome."})
    for field, value in (
        ("outcome_on", outcome_on),
        ("order_sent_on", order_sent_on),
        ("unopposed_notified_on", unopposed_notified_on),
        ("recommendation_on", recommendation_on),
    ):
        _not_future(field, value, "That date")
        _not_before(field, value, appeal.registered_on, "That date cannot be before the appeal was registered.")
    if bool(order_kind) != bool(order_sent_on):
        raise ValidationError({"order_kind": "Record both what the order requires and the date it was sent out."})
    if bool(unopposed_kind) != bool(unopposed_notified_on):
        raise ValidationError({"unopposed_kind": "Record both what was conceded and the date the Tribunal was told."})
    case = appeal.case
    specs: list[ClockSpec] = []
    try:
        if order_kind and order_sent_on:
            for step, due in deadlines.tribunal_order_deadlines(order_kind, order_sent_on).items():
                label = f"Tribunal order: {_step_label(step)}"
                specs.append(
                    _spec(
                        f"C14:{appeal.pk}:{step}",
                        "C14",
                        due,
                        Deadline.Binds.LA,
                        {"order_sent_on": order_sent_on.isoformat(), "kind": order_kind},
                        label,
                    )
                )
        if outcome == TribunalAppeal.Outcome.CONCEDED:
            if not (unopposed_kind and unopposed_notified_on):
                raise ValidationError({"unopposed_kind": "Record what was conceded and when the Tribunal was told."})
            for step, due in deadlines.unopposed_appeal_deadlines(unopposed_kind, unopposed_notified_on).items():
                label = f"Unopposed appeal: {_step_label(step)}"
                specs.append(
                    _spec(
                        f"C15:{appeal.pk}:{step}",
                        "C15",
                        due,
                        Deadline.Binds.LA,
                        {"notified_on": unopposed_notified_on.isoformat(), "kind": unopposed_kind},
                        label,
                    )
                )
    except ValueError as exc:
        raise ValidationError({"order_kind": str(exc)}) from None
    if recommendation_on:
        specs.append(
            _spec(
                f"C16:{appeal.pk}",
                "C16",
                deadlines.recommendation_response_deadline(recommendation_on),
                Deadline.Binds.LA,
                {"recommendation_on": recommendation_on.isoformat()},
            )
        )
    appeal.outcome, appeal.outcome_on = outcome, outcome_on
    appeal.order_kind, appeal.order_sent_on = order_kind, order_sent_on
    appeal.unopposed_kind, appeal.unopposed_notified_on = unopposed_kind, unopposed_notified_on
    appeal.recommendation_on = recommendation_on
    appeal.save()
    for spec in specs:
        clock_services.deadline_set(case=case, spec=spec, actor=actor)
    _event(
        case,
        actor,
        CaseEvent.Kind.TRIBUNAL,
        f"Tribunal outcome on {fmt(outcome_on)}: {appeal.get_outcome_display().lower()}",
    )
    target = {
        TribunalAppeal.Outcome.CONCEDED: CaseStatus.CONCEDED_UNOPPOSED,
        TribunalAppeal.Outcome.WITHDRAWN: CaseStatus.APPEAL_WITHDRAWN,
    }.get(outcome, CaseStatus.ORDER_MADE)
    _move_case(case, actor, target, "tribunal outcome")
    if specs:
        _move_case(case, actor, CaseStatus.COMPLIANCE, "compliance deadlines set")
    return appeal


@transaction.atomic
def compliance_step_complete(*, case: Case, actor, key: str, done_on: date) -> Deadline:
    """A Tribunal-order, unopposed-appeal or recommendation step was carried out."""
    _require(permissions.can_manage_tribunal(actor))
    if not key.startswith(("C14:", "C15:", "C16:", "C17:")):
        raise ValidationError("That is not a tribunal compliance step.")
    _not_future("done_on", done_on, "The date it was done")
    deadline = clock_services.deadline_mark_met(case=case, key=key, met_on=done_on, actor=actor)
    if deadline is None:
        raise ValidationError("That step does not exist on this case.")
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
    _not_future("referred_on", referred_on, "The referral date")
    _not_before("referred_on", referred_on, case.first_contact_on, "The referral cannot be before first contact.")
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
    _not_before("meeting_on", meeting_on, drs.referred_on, "The meeting cannot be before the referral.")
    if outcome and outcome not in DisagreementResolution.Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome."})
    if outcome and outcome != DisagreementResolution.Outcome.DECLINED and not (meeting_on or drs.meeting_on):
        raise ValidationError({"meeting_on": "Record the meeting date before its outcome."})
    if outcome and not outcome_on:
        raise ValidationError({"outcome_on": "Enter the date of the outcome."})
    _not_future("outcome_on", outcome_on, "The outcome date")
    _not_before(
        "outcome_on",
        outcome_on,
        meeting_on or drs.meeting_on or drs.referred_on,
        "The outcome cannot be before the meeting.",
    )
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
