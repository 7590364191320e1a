"""Daily deadline reminder emails (run by cron through `manage.py send_deadline_reminders`).

Each officer gets at most one email a day listing the open clocks on the cases assigned to them that are
overdue or due within ``settings.REMINDER_WORKING_DAYS`` working days. While an officer is away with a colleague
covering (cases.models.Cover), the absent officer's clocks are in the colleague's email, marked as such.
Officers can turn the email off on their profile page. A ReminderSent row per officer per day makes a second
run the same day send nothing; the row is written in the same transaction as the send, so a failed send is
retried on the next run.

The email carries the minimum about each child (ASVS V14.2.6): the case reference and the child's initials
in the body, no names at all in the subject, and a link to the case, which needs a sign-in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from sendportal.auth_backends import users_with_perm

from . import deadlines
from .clock_display import WHO_MUST_ACT
from .clock_services import fmt, working_calendar
from .models import Cover, Deadline, ReminderSent, StaffPreference, Status
from .selectors import WORK_CLOCKS

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "sendportal"
REMINDER_PERMISSION = "cases.view_case"  # who can have reminders: the profile shows the setting to them only


class ReminderSendError(Exception):
    """Some reminder emails could not be sent; they are retried on the next run."""

    def __init__(self, *, sent: int, failed: int):
        self.sent, self.failed = sent, failed
        super().__init__(
            f"Could not send {failed} reminder email{'' if failed == 1 else 's'} "
            f"({sent} sent); they will be sent on the next run."
        )


@dataclass(frozen=True)
class OfficerReminder:
    officer: object
    deadlines: list[Deadline]


# --- Reads -------------------------------------------------------------------------------------------------


def reminder_horizon(*, today: date, working_days: int, calendar) -> date:
    """The last due date an email lists: ``working_days`` working days after today (today itself not counted)."""
    return deadlines.add_working_days(today, working_days, holidays=calendar)


def _case_workers() -> QuerySet:
    """Ids of users who may see cases (the permission the profile's reminder setting is shown for), as a
    subquery. Someone assigned cases who has since lost it could neither follow the links nor opt out."""
    return users_with_perm(REMINDER_PERMISSION, is_active=None).values("pk")


def reminder_deadlines_qs(*, horizon: date, covered: tuple[int, ...] = ()) -> QuerySet[Deadline]:
    """Open clocks due on or before ``horizon`` on open cases whose officer is active, may see cases, has an
    email address and has not turned reminders off (no preference row means on), by officer then due date; and
    those on the cases of the officers in ``covered`` (away, their reminders go to the colleague covering)."""
    own = (
        Q(case__officer__is_active=True, case__officer__in=_case_workers())
        & ~Q(case__officer__email="")
        & (Q(case__officer__preference__isnull=True) | Q(case__officer__preference__reminder_emails=True))
    )
    return (
        Deadline.objects.filter(
            WORK_CLOCKS,  # never the family's windows (decision 12)
            state=Deadline.State.OPEN,
            due_on__lte=horizon,
        )
        .filter(own | Q(case__officer__in=covered) if covered else own)
        .exclude(case__status=Status.CLOSED)
        .select_related("case", "case__officer")
        .order_by("case__officer_id", "due_on", "case__reference", "id")
    )


def _wants_reminders(user) -> bool:
    preference = getattr(user, "preference", None)
    return user.is_active and bool(user.email) and (preference is None or preference.reminder_emails)


def reminders_due(*, today: date, working_days: int, calendar) -> list[OfficerReminder]:
    """Each person with something to be reminded of, with their clocks: an officer's own, and, while they cover
    for an absent colleague (cases.models.Cover), the absent officer's too; the absent officer gets none. Two
    queries, however many officers."""
    current = list(Cover.objects.current(today).select_related("colleague", "colleague__preference"))
    away = {c.officer_id for c in current}
    covers = {c.officer_id: c.colleague for c in current if _wants_reminders(c.colleague)}
    rows = reminder_deadlines_qs(
        horizon=reminder_horizon(today=today, working_days=working_days, calendar=calendar), covered=tuple(covers)
    )
    by_recipient: dict[int, OfficerReminder] = {}
    for deadline in rows:
        officer = deadline.case.officer
        if officer.pk in away and officer.pk not in covers:
            continue  # away, and the colleague covering has reminders off: the colleague's own choice
        recipient = covers.get(officer.pk, officer)
        reminder = by_recipient.setdefault(recipient.pk, OfficerReminder(officer=recipient, deadlines=[]))
        reminder.deadlines.append(deadline)
    for reminder in by_recipient.values():
        reminder.deadlines.sort(key=lambda d: (d.due_on, d.case.reference, d.pk))
    return list(by_recipient.values())


def reminder_preference_for(user) -> StaffPreference:
    """The user's preference row, or the default (reminders on) unsaved when they have never changed it."""
    return StaffPreference.objects.filter(user=user).first() or StaffPreference(user=user)


# --- The email (pure: no clock, no database) ---------------------------------------------------------------


def _initials(case) -> str:
    return "".join(part.strip()[:1].upper() for part in (case.child_first_name, case.child_last_name)) or "?"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def reminder_subject(*, overdue: int, due_soon: int, working_days: int) -> str:
    """Counts only: a subject shows in notification previews and on lock screens, so it names nobody."""
    window = "today" if working_days == 0 else f"in the next {_count(working_days, 'working day')}"
    if overdue and due_soon:
        return f"{SUBJECT_PREFIX}: {_count(overdue, 'clock')} overdue, {due_soon} due {window}"
    if overdue:
        return f"{SUBJECT_PREFIX}: {_count(overdue, 'clock')} overdue"
    return f"{SUBJECT_PREFIX}: {_count(due_soon, 'clock')} due {window}"


def _covering(deadline: Deadline, recipient) -> str:
    officer = deadline.case.officer
    if recipient is None or officer is None or officer.pk == recipient.pk:
        return ""
    return f" [covering for {officer.display_name}]"


def _line(deadline: Deadline, *, today: date, calendar, site_url: str, recipient=None) -> list[str]:
    case = deadline.case
    due = fmt(deadline.due_on)
    if deadline.due_time:
        due += f" by {deadline.due_time:%H:%M}"
    label = deadlines.relative_label(deadline.due_on, today, holidays=calendar)
    who = "" if deadline.binds == Deadline.Binds.LA else f" [{WHO_MUST_ACT[deadline.binds]}]"
    return [
        f"- {case.reference} ({_initials(case)}): {deadline.title}{who}{_covering(deadline, recipient)}",
        f"  Due {due} ({label})",
        f"  {site_url}{case.get_absolute_url()}",
    ]


def reminder_email(reminder: OfficerReminder, *, today: date, working_days: int, calendar) -> tuple[str, str]:
    """(subject, plain-text body) of one officer's reminder."""
    site_url = settings.SITE_URL.rstrip("/")
    overdue = [d for d in reminder.deadlines if d.due_on < today]
    due_soon = [d for d in reminder.deadlines if d.due_on >= today]
    officer = reminder.officer
    lines = [f"Hello {officer.first_name or officer.get_username()},", ""]
    whose = "assigned to you"
    if any(d.case.officer_id != officer.pk for d in reminder.deadlines):
        whose = "assigned to you or to a colleague you are covering for"
    if working_days == 0:
        lines.append(f"These clocks on cases {whose} are overdue or due today.")
    else:
        lines.append(
            f"These clocks on cases {whose} are overdue or due in the next {_count(working_days, 'working day')}."
        )
    for heading, group in (("Overdue", overdue), ("Due soon", due_soon)):
        if group:
            lines += ["", f"{heading} ({len(group)})", ""]
            for deadline in group:
                lines += _line(deadline, today=today, calendar=calendar, site_url=site_url, recipient=officer)
    lines += [
        "",
        "Sign in to see the details. Do not forward this email: it is about children's cases.",
        f"To stop these emails, change the setting on your profile: {site_url}{reverse('profile')}",
    ]
    subject = reminder_subject(overdue=len(overdue), due_soon=len(due_soon), working_days=working_days)
    return subject, "\n".join(lines) + "\n"


# --- Writes ------------------------------------------------------------------------------------------------


def _send(*, subject: str, body: str, to: str) -> None:
    send_mail(subject, body, None, [to], using="default")


@transaction.atomic
def _reminder_send_one(reminder: OfficerReminder, *, today: date, working_days: int, calendar) -> int:
    """Record and send one officer's reminder (1), or nothing if today's was already sent (0)."""
    _, created = ReminderSent.objects.get_or_create(
        user=reminder.officer, sent_on=today, defaults={"deadline_count": len(reminder.deadlines)}
    )
    if not created:
        return 0
    subject, body = reminder_email(reminder, today=today, working_days=working_days, calendar=calendar)
    _send(subject=subject, body=body, to=reminder.officer.email)
    return 1


def reminders_send(*, today: date, working_days: int | None = None) -> int:
    """Send today's reminder emails; return how many were sent.

    Idempotent per officer per day: an officer who already has a ReminderSent row for ``today`` is skipped.
    The row and the send share a transaction, so if sending fails the row is rolled back and the next run
    tries again. One officer's failure does not stop the others; ReminderSendError is raised at the end.
    """
    working_days = settings.REMINDER_WORKING_DAYS if working_days is None else working_days
    calendar = working_calendar()
    sent = failed = 0
    for reminder in reminders_due(today=today, working_days=working_days, calendar=calendar):
        try:
            sent += _reminder_send_one(reminder, today=today, working_days=working_days, calendar=calendar)
        except Exception:
            # Identify the officer by id only; the email's contents (case details) are never logged.
            logger.exception("Deadline reminder to user %s failed; it will be retried", reminder.officer.pk)
            failed += 1
    if failed:
        raise ReminderSendError(sent=sent, failed=failed)
    return sent


@transaction.atomic
def reminder_preference_set(*, user, reminder_emails: bool) -> StaffPreference:
    """Turn the user's own deadline reminder emails on or off."""
    preference, _ = StaffPreference.objects.select_for_update().get_or_create(user=user)
    if preference.reminder_emails != reminder_emails:
        preference.reminder_emails = reminder_emails
        preference.save(update_fields=["reminder_emails"])
    return preference
