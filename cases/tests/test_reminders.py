"""Daily deadline reminder emails: who gets one, what it lists, idempotence, failures and the command.

Friday 22 May 2026 is the day before the spring bank holiday weekend (Monday 25 May), so 3 working days
from it reach Thursday 28 May.
"""

import smtplib
from datetime import UTC, date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from cases import reminders
from cases.models import Deadline, NonWorkingDay, ReminderSent, StaffPreference, Status
from cases.tests.factories import CaseFactory

LONDON = ZoneInfo("Europe/London")
FRIDAY = date(2026, 5, 22)
FRIDAY_MORNING = datetime(2026, 5, 22, 7, 0, tzinfo=LONDON)
TUESDAY_MORNING = datetime(2026, 5, 26, 7, 0, tzinfo=LONDON)
SITE = "https://sendportal.example.gov.uk"


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.REMINDER_WORKING_DAYS = 3
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "sendportal@example.gov.uk"


def make_case(officer, **extra):
    extra.setdefault("child_first_name", "Zebedee")
    extra.setdefault("child_last_name", "Quillfeather")
    return CaseFactory(officer=officer, **extra)


def clock(case, due_on, *, key="C4", title="Hold the mediation (LA-arranged)", binds=Deadline.Binds.LA, **extra):
    return Deadline.objects.create(
        case=case, key=key, clock=key.split(":")[0], title=title, due_on=due_on, binds=binds, **extra
    )


def send(today=FRIDAY, **kwargs):
    return reminders.reminders_send(today=today, **kwargs)


def email_to(mailoutbox, user):
    found = [m for m in mailoutbox if m.to == [user.email]]
    assert len(found) == 1, f"expected one email to {user.email}, got {len(found)}"
    return found[0]


# --- The subject line: pure -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overdue", "due_soon", "working_days", "subject"),
    [
        (3, 2, 5, "sendportal: 3 clocks overdue, 2 due in the next 5 working days"),
        (1, 1, 1, "sendportal: 1 clock overdue, 1 due in the next 1 working day"),
        (2, 0, 5, "sendportal: 2 clocks overdue"),
        (0, 1, 3, "sendportal: 1 clock due in the next 3 working days"),
        (0, 4, 0, "sendportal: 4 clocks due today"),
    ],
)
def test_subject_gives_counts_only(overdue, due_soon, working_days, subject):
    assert reminders.reminder_subject(overdue=overdue, due_soon=due_soon, working_days=working_days) == subject


# --- Who gets an email and what it lists ------------------------------------------------------------------


@pytest.mark.django_db
def test_each_officer_gets_one_email_listing_only_their_clocks(officer, other_officer, mailoutbox):
    mine_a, mine_b = make_case(officer), make_case(officer)
    theirs = make_case(other_officer)
    clock(mine_a, date(2026, 5, 26))
    clock(mine_a, date(2026, 5, 27), key="C1", title="Contact the mediation adviser")
    clock(mine_b, date(2026, 5, 21))
    clock(theirs, date(2026, 5, 28))

    assert send() == 2

    assert len(mailoutbox) == 2
    mine = email_to(mailoutbox, officer)
    assert mine.subject == "sendportal: 1 clock overdue, 2 due in the next 3 working days"
    assert mine_a.reference in mine.body and mine_b.reference in mine.body
    assert theirs.reference not in mine.body
    assert mine.from_email == "sendportal@example.gov.uk"
    other = email_to(mailoutbox, other_officer)
    assert theirs.reference in other.body
    assert mine_a.reference not in other.body and mine_b.reference not in other.body


@pytest.mark.django_db
def test_overdue_and_due_soon_are_listed_and_the_bank_holiday_stretches_the_window(officer, mailoutbox):
    case = make_case(officer)
    clock(case, date(2026, 5, 20), key="C7:a", title="Overdue clock")
    clock(case, date(2026, 5, 22), key="C7:b", title="Due today clock")
    clock(case, date(2026, 5, 28), key="C7:c", title="Thursday clock")  # 3 working days: Mon 25 is a holiday
    clock(case, date(2026, 5, 29), key="C7:d", title="Friday clock")  # 4 working days away

    send()

    body = email_to(mailoutbox, officer).body
    assert "Overdue clock\n  Due Wed 20 May 2026 (2 days overdue)" in body
    assert "Due today clock\n  Due Fri 22 May 2026 (due today)" in body
    assert "Thursday clock\n  Due Thu 28 May 2026 (in 3 working days)" in body
    assert "Friday clock" not in body
    assert body.index("Overdue (1)") < body.index("Overdue clock") < body.index("Due soon (2)")
    assert ReminderSent.objects.get(user=officer, sent_on=FRIDAY).deadline_count == 3


@pytest.mark.django_db
def test_an_extra_non_working_day_from_the_admin_stretches_the_window(officer, mailoutbox):
    NonWorkingDay.objects.create(day=date(2026, 5, 26), title="Local closure")
    clock(make_case(officer), date(2026, 5, 29), title="Friday clock")

    send()

    assert "Friday clock\n  Due Fri 29 May 2026 (in 3 working days)" in email_to(mailoutbox, officer).body


@pytest.mark.django_db
def test_a_clock_with_a_time_shows_it(officer, mailoutbox):
    clock(make_case(officer), date(2026, 5, 27), due_time=time(17, 0))
    send()
    assert "Due Wed 27 May 2026 by 17:00 (in 2 working days)" in email_to(mailoutbox, officer).body


@pytest.mark.django_db
def test_the_familys_windows_are_never_an_officers_reminder(officer, mailoutbox):
    """Decision 12: the appeal window (C9) and the adviser window (C1) bind the family, not the LA."""
    case = make_case(officer)
    clock(case, date(2026, 5, 21), key="C9", title="Tribunal must receive the appeal", binds=Deadline.Binds.FAMILY)
    clock(case, date(2026, 5, 22), key="C1", title="Contact the mediation adviser", binds=Deadline.Binds.FAMILY)
    assert send() == 0
    assert mailoutbox == []
    clock(
        case, date(2026, 5, 26), key="C2", title="Certificate after mediation is declined", binds=Deadline.Binds.ADVISER
    )
    assert send() == 1
    body = email_to(mailoutbox, officer).body
    assert "Certificate after mediation is declined [The provider: chase them]" in body
    assert "Tribunal must receive the appeal" not in body and "Contact the mediation adviser" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra",
    [
        {"state": Deadline.State.MET, "met_on": date(2026, 5, 19)},
        {"state": Deadline.State.MISSED},
        {"state": Deadline.State.WAIVED, "waived_reason": "Agreed other dates in writing"},
        {"state": Deadline.State.SUPERSEDED},
    ],
    ids=["met", "missed", "waived", "superseded"],
)
def test_clocks_that_are_no_longer_open_are_left_out(officer, mailoutbox, extra):
    clock(make_case(officer), date(2026, 5, 21), **extra)
    assert send() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_clocks_on_a_closed_case_are_left_out(officer, mailoutbox):
    clock(make_case(officer, status=Status.CLOSED, closed_on=date(2026, 5, 1)), date(2026, 5, 21))
    assert send() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_unassigned_cases_send_nothing(mailoutbox):
    clock(make_case(None), date(2026, 5, 21))
    assert send() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_officer_with_nothing_due_gets_nothing(officer, other_officer, mailoutbox):
    clock(make_case(officer), date(2026, 6, 30))
    clock(make_case(other_officer), date(2026, 5, 26))

    assert send() == 1

    assert [m.to for m in mailoutbox] == [[other_officer.email]]
    assert not ReminderSent.objects.filter(user=officer).exists()


@pytest.mark.django_db
def test_subject_never_names_the_child_and_the_body_gives_initials_only(officer, mailoutbox):
    case = make_case(officer, child_first_name="Zebedee", child_last_name="Quillfeather")
    clock(case, date(2026, 5, 21))

    send()

    email = email_to(mailoutbox, officer)
    for name in ("Zebedee", "Quillfeather"):
        assert name not in email.subject
        assert name not in email.body
    assert f"- {case.reference} (ZQ): Hold the mediation (LA-arranged)" in email.body


@pytest.mark.django_db
def test_body_links_to_each_case_and_to_the_profile_setting(officer, mailoutbox):
    case = make_case(officer)
    clock(case, date(2026, 5, 26))

    send()

    body = email_to(mailoutbox, officer).body
    assert f"  {SITE}/cases/{case.pk}/\n" in body
    assert f"{SITE}/profile/" in body


# --- Preferences and accounts -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_who_opted_out_gets_nothing(officer, other_officer, mailoutbox):
    StaffPreference.objects.create(user=officer, reminder_emails=False)
    StaffPreference.objects.create(user=other_officer, reminder_emails=True)
    clock(make_case(officer), date(2026, 5, 21))
    clock(make_case(other_officer), date(2026, 5, 21))

    assert send() == 1

    assert [m.to for m in mailoutbox] == [[other_officer.email]]


@pytest.mark.django_db
@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}], ids=["deactivated", "no-email"])
def test_deactivated_officers_and_officers_without_an_address_get_nothing(officer, mailoutbox, change):
    for field, value in change.items():
        setattr(officer, field, value)
    officer.save()
    clock(make_case(officer), date(2026, 5, 21))

    assert send() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_someone_assigned_cases_who_can_no_longer_see_cases_gets_nothing(officer, mediator_user, mailoutbox):
    officer.groups.clear()
    clock(make_case(officer), date(2026, 5, 21))
    clock(make_case(mediator_user), date(2026, 5, 21))

    assert send() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_superuser_holding_cases_is_reminded(superuser, mailoutbox):
    clock(make_case(superuser), date(2026, 5, 21))
    assert send() == 1
    assert mailoutbox[0].to == [superuser.email]


@pytest.mark.django_db
def test_gathering_the_reminders_takes_two_queries_however_many_officers(
    officer, other_officer, manager, django_assert_num_queries
):
    for user in (officer, other_officer, manager):
        for day in (20, 21, 26):
            clock(make_case(user), date(2026, 5, day))
    calendar = frozenset({date(2026, 5, 25)})

    # One for the covers in force today (cases.models.Cover), one for the clocks.
    with django_assert_num_queries(2):
        due = reminders.reminders_due(today=FRIDAY, working_days=3, calendar=calendar)
        assert [len(r.deadlines) for r in due] == [3, 3, 3]
        assert {r.deadlines[0].case.officer for r in due} == {officer, other_officer, manager}


# --- Idempotence and failures -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_running_twice_the_same_day_sends_nothing_new_but_the_next_working_day_sends_again(officer, mailoutbox):
    clock(make_case(officer), date(2026, 5, 21))

    with time_machine.travel(FRIDAY_MORNING, tick=False):
        call_command("send_deadline_reminders", stdout=StringIO())
        out = StringIO()
        call_command("send_deadline_reminders", stdout=out)
    assert len(mailoutbox) == 1
    assert "Sent 0 reminder emails" in out.getvalue()

    with time_machine.travel(TUESDAY_MORNING, tick=False):
        call_command("send_deadline_reminders", stdout=StringIO())
    assert len(mailoutbox) == 2
    assert "(5 days overdue)" in mailoutbox[1].body
    assert list(ReminderSent.objects.order_by("sent_on").values_list("sent_on", flat=True)) == [
        date(2026, 5, 22),
        date(2026, 5, 26),
    ]


@pytest.mark.django_db
def test_today_is_the_london_date_not_the_utc_one(officer, mailoutbox):
    clock(make_case(officer), date(2026, 5, 22))
    # 23:30 UTC on Thursday 21 May is 00:30 on Friday 22 May in London (BST).
    with time_machine.travel(datetime(2026, 5, 21, 23, 30, tzinfo=UTC), tick=False):
        call_command("send_deadline_reminders", stdout=StringIO())
    assert ReminderSent.objects.get().sent_on == FRIDAY
    assert "(due today)" in mailoutbox[0].body


@pytest.mark.django_db
def test_a_failed_send_leaves_no_record_so_the_next_run_retries(officer, mailoutbox, monkeypatch):
    clock(make_case(officer), date(2026, 5, 21))

    def refuse(**kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(reminders, "_send", refuse)
    with pytest.raises(reminders.ReminderSendError, match="Could not send 1 reminder email"):
        send()
    assert not ReminderSent.objects.exists()
    assert mailoutbox == []

    monkeypatch.undo()
    assert send() == 1
    assert len(mailoutbox) == 1
    assert ReminderSent.objects.filter(user=officer, sent_on=FRIDAY).exists()


@pytest.mark.django_db
def test_one_officers_failure_does_not_stop_the_others(officer, other_officer, mailoutbox, monkeypatch):
    clock(make_case(officer), date(2026, 5, 21))
    clock(make_case(other_officer), date(2026, 5, 21))
    real_send = reminders._send

    def refuse_olivia(*, subject, body, to):
        if to == officer.email:
            raise smtplib.SMTPRecipientsRefused({to: (550, b"No such mailbox")})
        real_send(subject=subject, body=body, to=to)

    monkeypatch.setattr(reminders, "_send", refuse_olivia)
    with pytest.raises(reminders.ReminderSendError) as excinfo:
        send()

    assert (excinfo.value.sent, excinfo.value.failed) == (1, 1)
    assert [m.to for m in mailoutbox] == [[other_officer.email]]
    assert list(ReminderSent.objects.values_list("user", flat=True)) == [other_officer.pk]


# --- The command ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_reports_how_many_emails_it_sent(officer, other_officer, mailoutbox):
    clock(make_case(officer), date(2026, 5, 21))
    clock(make_case(other_officer), date(2026, 5, 28))
    out = StringIO()
    with time_machine.travel(FRIDAY_MORNING, tick=False):
        call_command("send_deadline_reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 2 reminder emails"
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_command_working_days_option_overrides_the_setting(officer, mailoutbox):
    clock(make_case(officer), date(2026, 5, 29), title="Friday clock")
    with time_machine.travel(FRIDAY_MORNING, tick=False):
        call_command("send_deadline_reminders", stdout=StringIO())
        assert mailoutbox == []
        ReminderSent.objects.all().delete()
        call_command("send_deadline_reminders", "--working-days", "4", stdout=StringIO())
    email = email_to(mailoutbox, officer)
    assert email.subject == "sendportal: 1 clock due in the next 4 working days"
    assert "Friday clock" in email.body


@pytest.mark.django_db
def test_command_refuses_a_negative_number_of_working_days(officer, mailoutbox):
    with pytest.raises(CommandError, match="--working-days must be 0 or more"):
        call_command("send_deadline_reminders", "--working-days", "-1", stdout=StringIO())


@pytest.mark.django_db
def test_command_fails_loudly_when_sending_fails(officer, mailoutbox, monkeypatch):
    clock(make_case(officer), date(2026, 5, 21))
    monkeypatch.setattr(reminders, "_send", lambda **kwargs: (_ for _ in ()).throw(smtplib.SMTPException("down")))
    out = StringIO()
    with time_machine.travel(FRIDAY_MORNING, tick=False), pytest.raises(CommandError, match="next run"):
        call_command("send_deadline_reminders", stdout=out)
    assert "Sent 0 reminder emails" in out.getvalue()
    assert not ReminderSent.objects.exists()


# --- Absence cover (cases.models.Cover) -----------------------------------------------------------------------


def cover(officer, colleague, starts_on, ends_on, manager):
    from cases.models import Cover

    return Cover.objects.create(
        officer=officer, colleague=colleague, starts_on=starts_on, ends_on=ends_on, reason="Leave", created_by=manager
    )


@pytest.mark.django_db
def test_while_an_officer_is_away_their_clocks_go_to_the_colleague_covering(
    officer, other_officer, manager, mailoutbox
):
    other_officer.first_name, other_officer.last_name = "Priya", "Shah"
    other_officer.save()
    clock(make_case(officer, reference="SEND-2026-00101"), date(2026, 5, 21))
    clock(make_case(other_officer, reference="SEND-2026-00102"), date(2026, 5, 26))
    cover(other_officer, officer, date(2026, 5, 18), FRIDAY, manager)

    assert send() == 1
    body = email_to(mailoutbox, officer).body
    assert "SEND-2026-00101" in body and "SEND-2026-00102" in body
    assert "SEND-2026-00102 (ZQ): Hold the mediation (LA-arranged) [covering for Priya Shah]" in body
    assert "assigned to you or to a colleague you are covering for" in body
    assert not [m for m in mailoutbox if m.to == [other_officer.email]]


@pytest.mark.django_db
def test_cover_counts_only_on_its_own_days_and_not_once_ended_early(officer, other_officer, manager, mailoutbox):
    from django.utils import timezone

    clock(make_case(other_officer), date(2026, 5, 26))
    later = cover(other_officer, officer, date(2026, 5, 26), date(2026, 5, 29), manager)
    assert send() == 1  # Friday: the cover has not started, the officer gets their own
    email_to(mailoutbox, other_officer)

    mailoutbox.clear()
    later.ended_early_at = timezone.now()
    later.save()
    assert send(today=date(2026, 5, 26)) == 1  # ended early: back to the officer
    email_to(mailoutbox, other_officer)


@pytest.mark.django_db
def test_a_colleague_who_turned_reminders_off_gets_none_and_the_absent_officer_none_either(
    officer, other_officer, manager, mailoutbox
):
    StaffPreference.objects.create(user=officer, reminder_emails=False)
    clock(make_case(other_officer), date(2026, 5, 21))
    cover(other_officer, officer, FRIDAY, FRIDAY, manager)
    assert send() == 0
    assert mailoutbox == []
