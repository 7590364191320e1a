"""Mediation sessions: arranging (notice, C7), recording, correcting; mediation that cannot be held in time (C6)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import clock_services, deadlines
from cases.clock_services import fmt
from cases.models import CaseEvent
from sendportal.formats import short_date, short_datetime
from sendportal.models import User

from .. import date_rules, notifications, permissions
from ..models import (
    MediationSession,
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
    _reason_required,
    _recompute,
    _record_correction,
    _require,
    _status_after_sessions,
    _today,
    referral_set_status,
)


def _check_session(
    referral: Referral, *, starts_at: datetime, notice_sent_on: date, short_notice_consent: bool
) -> tuple[date, bool]:
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
                    f"Notice must be sent by {short_date(notice_due)} (5 working days before). Record the family's "
                    "agreement to shorter notice, or choose a later date."
                )
            }
        )
    return session_day, short


@transaction.atomic
def session_schedule(
    *,
    referral: Referral,
    actor: User,
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
    when = short_datetime(starts_at)
    text = f"Mediation session arranged for {when} ({session.get_mode_display().lower()})"
    if short:
        text += "; the family agreed to shorter notice"
    _event(case, actor, CaseEvent.Kind.MEDIATION, text, {"session": session.pk})
    _recompute(case, actor, "session arranged")
    notifications.after_session(session, change=notifications.Change.NEW)
    return session


@transaction.atomic
def session_correct(
    *,
    session: MediationSession,
    actor: User,
    starts_at: datetime,
    notice_sent_on: date,
    short_notice_consent: bool,
    reason: str,
    expected: Mapping[str, str] | None = None,
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
        "starts_at": f"{short_datetime(session.starts_at)}",
        "notice_sent_on": session.notice_sent_on,
        "short_notice_consent": session.short_notice_consent,
    }
    new = {
        "starts_at": f"{short_datetime(starts_at)}",
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
    _record_correction(
        case,
        actor,
        CaseEvent.Kind.MEDIATION,
        what="Session",
        changes=described,
        reason=reason,
        data={"session": session.pk, "reason": reason},
    )
    if session.status == SessionStatus.PLANNED and old["starts_at"] != new["starts_at"]:
        notifications.after_session(session, change=notifications.Change.UPDATE)
    return session


@transaction.atomic
def session_record(
    *,
    session: MediationSession,
    actor: User,
    status: str,
    cancelled_by: str = "",
    cancel_reason: str = "",
    attendance: Mapping[str, bool] | None = None,
) -> MediationSession:
    """Record what happened: held (with who attended and whether the child's views were obtained), cancelled
    or did not attend (with who cancelled)."""
    referral = _lock(session.referral)
    _require(permissions.can_act_on_referral(actor, referral))
    session = MediationSession.objects.select_for_update().get(pk=session.pk)
    session_day = timezone.localdate(session.starts_at)
    _check_session_record(session, session_day, status=status, cancelled_by=cancelled_by)
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
    _event(
        case,
        actor,
        CaseEvent.Kind.MEDIATION,
        _recorded_text(session, session_day),
        {"session": session.pk, "status": status},
    )
    _recompute(case, actor, "session recorded")
    if status == SessionStatus.CANCELLED:
        notifications.after_session(session, change=notifications.Change.CANCEL)
    return session


def _check_session_record(session: MediationSession, session_day: date, *, status: str, cancelled_by: str) -> None:
    """A planned session is recorded once: held (not before its day), or cancelled or not attended by someone."""
    if session.status != SessionStatus.PLANNED:
        raise ValidationError("This session has already been recorded.")
    if status == SessionStatus.HELD and session_day > _today():
        raise ValidationError({"status": "A session cannot be recorded as held before its date."})
    if status in (SessionStatus.CANCELLED, SessionStatus.DID_NOT_ATTEND):
        if cancelled_by not in MediationSession.Party.values:
            raise ValidationError({"cancelled_by": "Say who cancelled or did not attend."})
    elif status != SessionStatus.HELD:
        raise ValidationError({"status": "Choose what happened."})


def _recorded_text(session: MediationSession, session_day: date) -> str:
    if session.status == SessionStatus.HELD:
        text = f"Mediation session held on {fmt(session_day)}"
        if session.child_views_obtained:
            text += "; the child's views were obtained"
        return text
    label = "cancelled" if session.status == SessionStatus.CANCELLED else "not attended"
    text = f"Mediation session on {fmt(session_day)} {label} by {session.get_cancelled_by_display().lower()}"
    if session.cancel_reason:
        text += f": {session.cancel_reason}"
    return text


ATTENDANCE_FIELDS = [
    "party_attended",
    "supporter_attended",
    "la_decision_maker_attended",
    "icb_attended",
    "interpreter_attended",
    "child_views_obtained",
]


@transaction.atomic
def referral_not_held_in_time(*, referral: Referral, actor: User, notified_on: date) -> Referral:
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
