"""Dates typed in the date component's boxes, through the views: intake, the case edit form after someone else's
save, a referral's response, a session's date and time, and the case list's date filters."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, Decision
from cases.tests.factories import CaseFactory
from cases.tests.test_concurrent_edits import client_as, form_values
from cases.tests.test_views import form_data
from referrals.models import MediationSession, Referral
from referrals.tests.factories import MediatorFactory, ReferralFactory
from sendportal.testing.dates import box_value, date_parts, shows_date

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"


def intake(**dates) -> dict:
    """The intake form as a browser posts it: every date typed in its boxes."""
    data = form_data()
    for name in ("child_date_of_birth", "decision_sent_on", "first_contact_on"):
        data.pop(name)
    data.update(date_parts("child_date_of_birth", date(2015, 6, 1)))
    data.update(date_parts("decision_sent_on", date(2026, 10, 1)))
    data.update(date_parts("first_contact_on", date(2026, 10, 6)))
    for name, parts in dates.items():
        data.update({f"{name}_{part}": value for part, value in zip(("day", "month", "year"), parts, strict=True)})
    return data


def summary_of(content: str) -> str:
    start = content.index("data-error-summary")
    return content[start : content.index("</div>", start)]


@time_machine.travel(NOW, tick=False)
def test_intake_typed_in_the_boxes_saves_the_dates(client_for, officer):
    response = client_for(officer).post(reverse("cases:create"), intake(child_date_of_birth=(" 01", "6 ", "2015")))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.child_date_of_birth, case.decision_sent_on, case.first_contact_on) == (
        date(2015, 6, 1),
        date(2026, 10, 1),
        date(2026, 10, 6),
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "parts,message,first_box",
    [
        (("1", "", "2015"), "Date of birth must include a month.", "month"),
        (("", "6", ""), "Date of birth must include a day and year.", "day"),
        (("30", "2", "2015"), "Date of birth must be a real date.", "day"),
        (("1", "13", "2015"), "Date of birth must be a real date.", "month"),
        (("1", "6", "15"), "Date of birth year must include 4 numbers.", "year"),
        (("1", "6", "1899"), "Date of birth must be between 1 January 1900 and 31 December 2100.", "day"),
    ],
)
def test_intake_with_a_wrong_part_names_it_in_the_error_summary_and_saves_nothing(
    client_for, officer, parts, message, first_box
):
    response = client_for(officer).post(reverse("cases:create"), intake(child_date_of_birth=parts))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Take in a new case" in content
    summary = summary_of(content)
    assert f'href="#id_child_date_of_birth_{first_box}"' in summary
    assert message in summary
    assert summary.count("<li>") == 1  # only the date is wrong
    assert box_value(content, "child_date_of_birth_day") == parts[0]  # what was typed is shown again
    assert not Case.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_intake_keeps_the_date_order_rules(client_for, officer):
    response = client_for(officer).post(reverse("cases:create"), intake(first_contact_on=("30", "9", "2026")))
    summary = summary_of(response.content.decode())
    assert "First contact cannot be before the decision letter was sent." in summary
    assert 'href="#id_first_contact_on_day"' in summary
    assert not Case.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_when_both_change_a_date_the_others_date_is_in_the_boxes_and_what_this_person_typed_is_named(
    officer, other_officer
):
    case = CaseFactory(officer=officer, decision_sent_on=date(2026, 10, 1), first_contact_on=date(2026, 10, 6))
    url = reverse("cases:edit", args=[case.pk])
    first, second = client_as(officer), client_as(other_officer)
    form_a = form_values(first.get(url).content.decode())
    form_b = form_values(second.get(url).content.decode())
    assert (form_a["decision_sent_on_day"], form_a["decision_sent_on_month"]) == (["1"], ["10"])
    form_a["decision_sent_on_day"] = ["2"]
    assert first.post(url, form_a).status_code == 302
    form_b["decision_sent_on_day"] = ["03"]
    response = second.post(url, form_b)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Olivia Officer changed this to “Fri 2 Oct 2026” while you were editing" in content
    assert "your form had “03 10 2026”" in content
    assert shows_date(content, "decision_sent_on", date(2026, 10, 2))  # the saved date, in the boxes
    assert Case.objects.get().decision_sent_on == date(2026, 10, 2)


def test_a_response_date_typed_wrongly_is_named_and_nothing_is_saved(client_for, officer):
    referral = ReferralFactory()
    with time_machine.travel(NOW, tick=False):
        response = client_for(officer).post(
            reverse("referrals:respond", args=[referral.pk]),
            {"accepted": "yes", **date_parts("responded_on", None), "responded_on_day": "30", "responded_on_month": "2",
             "responded_on_year": "2026"},
        )  # fmt: skip
    content = response.content.decode()
    assert response.status_code == 400
    summary = summary_of(content)
    assert "Date the provider responded must be a real date." in summary
    assert 'href="#respond_responded_on_day"' in summary
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REFERRED and referral.responded_on is None


def test_a_session_typed_in_the_boxes_with_its_time_is_arranged(client_for, mediator_user):
    mediator = MediatorFactory(user=mediator_user)
    referral = ReferralFactory(assigned=True, provider=mediator.provider, mediator=mediator)
    url = reverse("referrals:session_schedule", args=[referral.pk])
    with time_machine.travel(NOW, tick=False):
        c = client_for(mediator_user)
        missing = c.post(
            url,
            {**date_parts("starts_at", date(2026, 12, 1), at=""), "mode": "online", "venue": "Video",
             **date_parts("notice_sent_on", date(2026, 11, 20))},
        )  # fmt: skip
        assert missing.status_code == 400
        assert "Date and time must include a time." in summary_of(missing.content.decode())
        assert 'href="#schedule_starts_at_time"' in missing.content.decode()
        assert not MediationSession.objects.filter(referral=referral).exists()
        done = c.post(
            url,
            {**date_parts("starts_at", date(2026, 12, 1), at="10:30"), "mode": "online", "venue": "Video",
             **date_parts("notice_sent_on", date(2026, 11, 20))},
        )  # fmt: skip
    assert done.status_code == 302
    session = MediationSession.objects.get(referral=referral)
    assert session.starts_at.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None) == datetime(2026, 12, 1, 10, 30)
    assert session.notice_sent_on == date(2026, 11, 20)


def test_the_case_lists_date_filters_read_the_boxes_and_show_one_removable_tag(client_for, officer):
    CaseFactory(child_first_name="Early", decision=Decision.RTA, decision_sent_on=date(2026, 1, 5))
    CaseFactory(child_first_name="Later", decision=Decision.RTA, decision_sent_on=date(2026, 6, 5))
    params = date_parts("decision_from", date(2026, 3, 1))
    content = client_for(officer).get(reverse("cases:list"), params).content.decode()
    assert "Later" in content and "Early" not in content
    assert "Decision letter from: 1 Mar 2026" in content
    tag_link = content.split("Decision letter from: 1 Mar 2026")[0].rsplit("<a", 1)[-1]
    assert "decision_from" not in tag_link  # removing the tag removes all three boxes
    wrong = client_for(officer).get(
        reverse("cases:list"), {"decision_from_day": "31", "decision_from_month": "2", "decision_from_year": "2026"}
    )
    summary = summary_of(wrong.content.decode())
    assert "Decision letter from must be a real date." in summary
    assert 'href="#id_decision_from_day"' in summary
