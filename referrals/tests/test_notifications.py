"""Mediators are told: an email when a referral is assigned to them or taken away, and a calendar invitation for
each session on their referral, with updates and cancellations that calendars match by UID and SEQUENCE. No
message carries the child's or family's name, and nothing is sent for a change that was refused."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from icalendar import Calendar

from referrals import notifications, services
from referrals.models import MediationSession
from referrals.tests.pathway import LONDON, to_assigned

pytestmark = pytest.mark.django_db
NOW = "2026-05-20 12:00:00+01:00"


@pytest.fixture(autouse=True)
def _names_no_message_can_hold_by_chance(case):
    """The family's names are fixed and unlike any word the messages use: a random surname such as Hall was found
    in the venue "Town Hall" and failed the no-names checks now and then."""
    case.child_first_name, case.child_last_name, case.party_name = "Zephyrine", "Quillfeather", "Odessa Quillfeather"
    case.save(update_fields=["child_first_name", "child_last_name", "party_name"])


def _calendar(message):
    (attachment,) = message.attachments
    assert attachment.filename == "invite.ics"
    assert attachment.mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(attachment.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _names(case):
    names = [case.child_first_name, case.child_last_name, case.party_name]
    school = case.school.name if case.school_id else ""
    return [n for n in [*names, school] if n]


def _assert_no_names(message, case):
    text = message.subject + message.body + "".join(str(a.content) for a in message.attachments)
    for name in _names(case):
        assert name not in text, f"{name!r} is in an email to the mediator"


def _schedule(referral, mediator, *, starts=datetime(2026, 6, 18, 10, 0, tzinfo=LONDON), venue="Town Hall, Room 2"):
    return services.session_schedule(
        referral=referral,
        actor=mediator.user,
        starts_at=starts,
        mode="in_person",
        venue=venue,
        notice_sent_on=date(2026, 5, 20),
    )


@time_machine.travel(NOW, tick=False)
def test_an_assigned_mediator_gets_an_email_with_the_reference_and_a_link_but_no_names(
    case, officer, providers, mediators, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://sendportal.example.gov.uk"
    jane = mediators[0]
    with django_capture_on_commit_callbacks(execute=True):
        referral = to_assigned(case, officer, providers, jane)
    (message,) = mailoutbox
    assert message.to == [jane.user.email]
    assert message.subject == f"Mediation referral assigned to you: {case.reference}"
    assert message.body.startswith("Hello Jane,")
    assert f"https://sendportal.example.gov.uk/referrals/{referral.pk}/" in message.body
    assert "within 30 days" in message.body
    _assert_no_names(message, case)


@time_machine.travel(NOW, tick=False)
def test_a_session_arranged_sends_a_calendar_invitation(
    case, officer, providers, mediators, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://sendportal.example.gov.uk"
    jane = mediators[0]
    referral = to_assigned(case, officer, providers, jane)
    with django_capture_on_commit_callbacks(execute=True):
        session = _schedule(referral, jane)
    (message,) = mailoutbox
    assert message.subject == f"Mediation session arranged: {case.reference}, Thursday 18 June 2026 at 10:00"
    assert "Where: Town Hall, Room 2" in message.body
    calendar, event = _calendar(message)
    assert calendar["method"] == "REQUEST"
    assert str(event["uid"]) == f"mediation-session-{session.pk}@sendportal.example.gov.uk"
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == datetime(2026, 6, 18, 10, 0, tzinfo=LONDON)
    assert event.decoded("dtend") == datetime(2026, 6, 18, 13, 0, tzinfo=LONDON)
    assert str(event["location"]) == "Town Hall, Room 2"
    assert str(event["summary"]) == f"Mediation session: {case.reference}"
    assert str(event["attendee"]) == f"mailto:{jane.user.email}"
    _assert_no_names(message, case)


@time_machine.travel(NOW, tick=False)
def test_a_moved_session_updates_and_a_cancelled_one_cancels_the_same_calendar_entry(
    case, officer, providers, mediators, mailoutbox, django_capture_on_commit_callbacks
):
    jane = mediators[0]
    referral = to_assigned(case, officer, providers, jane)
    session = _schedule(referral, jane)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_correct(
            session=session,
            actor=jane.user,
            starts_at=datetime(2026, 6, 19, 14, 30, tzinfo=LONDON),
            notice_sent_on=date(2026, 5, 20),
            short_notice_consent=False,
            reason="The family asked for the afternoon",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_record(session=session, actor=jane.user, status="cancelled", cancelled_by="family")
    update, cancel = mailoutbox
    assert update.subject == f"Mediation session changed: {case.reference}, now Friday 19 June 2026 at 14:30"
    _, updated = _calendar(update)
    assert updated["sequence"] == 1
    assert updated.decoded("dtstart") == datetime(2026, 6, 19, 14, 30, tzinfo=LONDON)
    assert cancel.subject.startswith(f"Mediation session cancelled: {case.reference}")
    calendar, cancelled = _calendar(cancel)
    assert calendar["method"] == "CANCEL"
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["sequence"] == 2
    assert str(cancelled["uid"]) == str(updated["uid"])
    session.refresh_from_db()
    assert session.calendar_sequence == 2


@time_machine.travel(NOW, tick=False)
def test_a_correction_that_leaves_the_time_alone_sends_nothing(
    case, officer, providers, mediators, mailoutbox, django_capture_on_commit_callbacks
):
    jane = mediators[0]
    referral = to_assigned(case, officer, providers, jane)
    session = _schedule(referral, jane)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_correct(
            session=session,
            actor=jane.user,
            starts_at=session.starts_at,
            notice_sent_on=date(2026, 5, 19),
            short_notice_consent=False,
            reason="Notice went a day earlier",
        )
    assert mailoutbox == []


@time_machine.travel(NOW, tick=False)
def test_reassigning_tells_both_mediators_and_moves_the_planned_sessions_between_their_calendars(
    case, officer, providers, mediators, mailoutbox, django_capture_on_commit_callbacks
):
    jane, tom, _ = mediators
    referral = to_assigned(case, officer, providers, jane)
    session = _schedule(referral, jane)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_assign_mediator(referral=referral, actor=officer, mediator=tom, reason="Jane is unwell")
    by_subject = {(m.to[0], m.subject.split(":")[0]): m for m in mailoutbox}
    assert set(by_subject) == {
        (tom.user.email, "Mediation referral assigned to you"),
        (tom.user.email, "Mediation session arranged"),
        (jane.user.email, "Mediation referral no longer assigned to you"),
        (jane.user.email, "Mediation session cancelled"),
    }
    _, invited = _calendar(by_subject[(tom.user.email, "Mediation session arranged")])
    calendar, cancelled = _calendar(by_subject[(jane.user.email, "Mediation session cancelled")])
    assert calendar["method"] == "CANCEL" and str(cancelled["attendee"]) == f"mailto:{jane.user.email}"
    assert invited["sequence"] == cancelled["sequence"] == 1
    session.refresh_from_db()
    assert session.calendar_sequence == 1
    for message in mailoutbox:
        _assert_no_names(message, case)


@time_machine.travel(NOW, tick=False)
def test_a_withdrawal_cancels_the_sessions_still_planned(
    case, officer, providers, mediators, mailoutbox, django_capture_on_commit_callbacks
):
    jane = mediators[0]
    referral = to_assigned(case, officer, providers, jane)
    _schedule(referral, jane)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_withdraw(
            referral=referral, actor=officer, withdrawn_on=date(2026, 5, 20), reason="The family changed their mind"
        )
    (message,) = mailoutbox
    calendar, _ = _calendar(message)
    assert calendar["method"] == "CANCEL"


@time_machine.travel(NOW, tick=False)
def test_a_refused_change_sends_nothing(
    case, officer, providers, mediators, mailoutbox, django_capture_on_commit_callbacks
):
    jane = mediators[0]
    referral = to_assigned(case, officer, providers, jane)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.session_schedule(
            referral=referral,
            actor=jane.user,
            starts_at=datetime(2026, 5, 21, 10, 0, tzinfo=LONDON),  # too little notice, no consent
            mode="online",
            venue="",
            notice_sent_on=date(2026, 5, 20),
        )
    assert mailoutbox == []
    assert not MediationSession.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_mediator_without_an_address_or_whose_account_is_off_is_not_emailed(
    case, officer, providers, mediators, mailoutbox, django_capture_on_commit_callbacks
):
    jane, tom, _ = mediators
    jane.user.email = ""
    jane.user.save()
    tom.user.is_active = False
    tom.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = to_assigned(case, officer, providers, jane)
        services.referral_assign_mediator(referral=referral, actor=officer, mediator=tom, reason="Cover")
    assert mailoutbox == []


@time_machine.travel(NOW, tick=False)
def test_a_mail_server_failure_is_logged_and_the_assignment_stands(
    case, officer, providers, mediators, django_capture_on_commit_callbacks, settings, caplog
):
    settings.MAILERS = {"default": {"BACKEND": "referrals.tests.test_notifications.BrokenBackend"}}
    jane = mediators[0]
    with django_capture_on_commit_callbacks(execute=True):
        referral = to_assigned(case, officer, providers, jane)
    referral.refresh_from_db()
    assert referral.mediator == jane
    assert f"mediator email not sent: assignment referral={referral.pk}" in caplog.text
    assert case.reference not in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_the_invitation_uid_uses_the_portals_host(settings):
    settings.SITE_URL = "https://portal.example.gov.uk:8443/"
    session = MediationSession(pk=7)
    assert notifications.session_uid(session) == "mediation-session-7@portal.example.gov.uk"
