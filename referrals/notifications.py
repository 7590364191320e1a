"""Telling mediators: an email when a referral is assigned to them or taken away, and a calendar invitation (an
iCalendar file) for each session arranged on their referral, with an update when its time changes and a
cancellation when it is called off.

What a message may carry: the case reference, the session's time, how it is held and where, and a link to sign
in. Never the child's, the family's or a school's name: an email leaves the portal and may be read on any device.

The services call `after_assignment` and `after_session` inside their transaction; the messages go once it
commits (a refused change sends nothing) and a failure to send is logged, not raised: the change is already
saved and the mediator can still see it when they sign in."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from sendportal.formats import long_datetime

from .models import MediationSession, Mediator, Referral

logger = logging.getLogger("sendportal.notifications")

# The portal records when a session starts, not when it ends: the calendar entry holds a typical SEND mediation
# session's three hours, which the mediator can stretch in their own calendar.
SESSION_LENGTH = timedelta(hours=3)
PRODID = "-//sendportal//Mediation sessions//EN"
KEEP_PRIVATE = "Sign in to sendportal to see the details. Do not forward this email: it is about a child's case."


class Change:
    NEW = "new"
    UPDATE = "update"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Notice:
    """One message, built apart from sending it so it can be checked."""

    to: str
    subject: str
    body: str
    calendar: bytes | None = None
    method: str = ""

    def message(self) -> EmailMessage:
        email = EmailMessage(self.subject, self.body, None, [self.to])
        if self.calendar is not None:
            email.attach("invite.ics", self.calendar, f"text/calendar; charset=utf-8; method={self.method}")
        return email


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _address(mediator: Mediator | None) -> str:
    """The mediator's email address, or "" when there is nobody to tell (no address, or the account is off)."""
    if mediator is None or not mediator.user.is_active:
        return ""
    return (mediator.user.email or "").strip()


def _body(mediator: Mediator, *paragraphs: str) -> str:
    """An email to a mediator: the greeting, the paragraphs a blank line apart, and the reminder to keep it
    private."""
    greeting = f"Hello {mediator.user.first_name or mediator.user.get_username()},"
    return "\n\n".join([greeting, *paragraphs, KEEP_PRIVATE]) + "\n"


def _notice(mediator: Mediator, subject: str, *paragraphs: str) -> Notice | None:
    """An email to a mediator, or None when there is nobody to tell."""
    to = _address(mediator)
    return Notice(to=to, subject=subject, body=_body(mediator, *paragraphs)) if to else None


def _when(session: MediationSession) -> str:
    return long_datetime(session.starts_at)


# --- Messages ---------------------------------------------------------------------------------------------------


def assignment_notice(referral: Referral, mediator: Mediator) -> Notice | None:
    reference = referral.case.reference
    return _notice(
        mediator,
        f"Mediation referral assigned to you: {reference}",
        f"A mediation referral has been assigned to you: case {reference}.",
        "The family must be offered a mediation meeting within 30 days of telling the local authority they want "
        "mediation. Please arrange the first session and record it in sendportal, giving the family at least "
        "5 working days' notice of the date and place.",
        f"The referral: {_site(referral.get_absolute_url())}",
    )


def removal_notice(referral: Referral, mediator: Mediator) -> Notice | None:
    reference = referral.case.reference
    return _notice(
        mediator,
        f"Mediation referral no longer assigned to you: {reference}",
        f"The mediation referral for case {reference} has been given to another mediator, so it is no longer "
        "yours. Any sessions you arranged for it are cancelled in your calendar by separate messages.",
        f"Your referrals: {_site(reverse('referrals:list'))}",
    )


def session_calendar(session: MediationSession, *, change: str, sequence: int, to: str) -> bytes:
    """The session as an iCalendar file: a REQUEST (new or updated, the same UID with a higher SEQUENCE) or a
    CANCEL. Calendar programs match updates and cancellations to the entry by UID and SEQUENCE."""
    method = "CANCEL" if change == Change.CANCEL else "REQUEST"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.starts_at + SESSION_LENGTH)
    event.add("summary", f"Mediation session: {session.referral.case.reference}")
    event.add("location", _where(session))
    event.add(
        "description",
        f"Mediation session for case {session.referral.case.reference} ({session.get_mode_display().lower()}). "
        f"{KEEP_PRIVATE} {_site(session.referral.get_absolute_url())}",
    )
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText("sendportal")
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{to}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


def session_uid(session: MediationSession) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "sendportal"
    return f"mediation-session-{session.pk}@{host}"


def _where(session: MediationSession) -> str:
    if session.venue:
        return session.venue
    return "Online" if session.mode == MediationSession.Mode.ONLINE else "Place to be confirmed"


def session_notice(session: MediationSession, mediator: Mediator, *, change: str, sequence: int) -> Notice | None:
    to = _address(mediator)
    if not to:
        return None
    reference = session.referral.case.reference
    when = _when(session)
    subject, opening = {
        Change.NEW: (
            f"Mediation session arranged: {reference}, {when}",
            f"A mediation session for case {reference} is arranged for {when}.",
        ),
        Change.UPDATE: (
            f"Mediation session changed: {reference}, now {when}",
            f"The mediation session for case {reference} has changed: it is now on {when}.",
        ),
        Change.CANCEL: (
            f"Mediation session cancelled: {reference}, {when}",
            f"The mediation session for case {reference} on {when} is cancelled.",
        ),
    }[change]
    how = [] if change == Change.CANCEL else [f"How: {session.get_mode_display()}\nWhere: {_where(session)}"]
    body = _body(
        mediator,
        opening,
        *how,
        "The calendar invitation attached puts it in your calendar (or updates or removes it there).",
        f"The referral: {_site(session.referral.get_absolute_url())}",
    )
    calendar = session_calendar(session, change=change, sequence=sequence, to=to)
    method = "CANCEL" if change == Change.CANCEL else "REQUEST"
    return Notice(to=to, subject=subject, body=body, calendar=calendar, method=method)


# --- Sending (after the transaction commits) ---------------------------------------------------------------------


def _send_later(notices: list[Notice | None], *, what: str, referral_pk: int) -> None:
    notices = [n for n in notices if n is not None]
    if not notices:
        return

    def send():
        for notice in notices:
            try:
                notice.message().send(using="default")
            except Exception:  # the change is saved; the mediator sees it when they sign in
                logger.exception("mediator email not sent: %s referral=%s", what, referral_pk)
            else:
                logger.info("mediator email sent: %s referral=%s", what, referral_pk)

    transaction.on_commit(send)


def _planned(referral: Referral) -> list[MediationSession]:
    return list(
        referral.sessions.filter(
            status=MediationSession.SessionStatus.PLANNED, starts_at__gte=timezone.now()
        ).select_related("referral__case")
    )


def after_assignment(referral: Referral, *, mediator: Mediator, previous: Mediator | None) -> None:
    """A referral given to `mediator` (taken from `previous`, if someone else had it): the new mediator is told and
    sent the sessions already arranged; the previous one is told and sent their cancellations."""
    if previous is not None and previous.pk == mediator.pk:
        return
    notices: list[Notice | None] = [assignment_notice(referral, mediator)]
    sessions = _planned(referral)
    for session in sessions:
        session.calendar_sequence += 1
        notices.append(session_notice(session, mediator, change=Change.NEW, sequence=session.calendar_sequence))
    if previous is not None:
        notices.append(removal_notice(referral, previous))
        notices += [
            session_notice(session, previous, change=Change.CANCEL, sequence=session.calendar_sequence)
            for session in sessions
        ]
    MediationSession.objects.bulk_update(sessions, ["calendar_sequence"])
    _send_later(notices, what="assignment", referral_pk=referral.pk)


def after_session(session: MediationSession, *, change: str) -> None:
    """A session arranged, moved or cancelled: its mediator's calendar follows. Every message after the first
    carries a higher sequence number, so calendars apply them in order."""
    mediator = session.referral.mediator
    if change != Change.NEW:
        session.calendar_sequence += 1
        session.save(update_fields=["calendar_sequence"])
    notice = session_notice(session, mediator, change=change, sequence=session.calendar_sequence) if mediator else None
    _send_later([notice], what=f"session {change}", referral_pk=session.referral_id)


def after_called_off(referral: Referral) -> None:
    """The referral ended (withdrawn, or the LA conceded) with sessions still planned: they are cancelled in the
    mediator's calendar."""
    for session in _planned(referral):
        after_session(session, change=Change.CANCEL)
