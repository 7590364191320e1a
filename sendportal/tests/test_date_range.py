"""Decision 16: every date a person types is between 1 Jan 1900 and 31 Dec 2100; a clock the engine cannot compute
is refused at the form with a message and never stored; a page that shows a stored clock never fails because of
one bad row already in the database (issue 10, section 3.1)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, CaseEvent, Deadline, NonWorkingDay
from cases.tests.factories import CaseFactory
from referrals.models import MediationSession, TribunalAppeal
from referrals.tests.factories import AgreementActionFactory, ReferralFactory, TribunalAppealFactory

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def text_of(response) -> str:
    return response.content.decode()


def intake(**overrides) -> dict:
    data = {
        "child_first_name": "Amara",
        "child_last_name": "Okafor",
        "child_date_of_birth": "2015-06-01",
        "party_type": "parent",
        "party_name": "Grace Okafor",
        "party_relationship": "Mother",
        "preferred_language": "English",
        "route": "mediation",
        "decision": "RTA",
        "decision_sent_on": "2026-10-01",
        "first_contact_on": "2026-10-06",
        "first_contact_channel": "phone",
    }
    data.update(overrides)
    return data


# --- Refused at the form, with a message naming the field ----------------------------------------------------


@pytest.mark.parametrize("value", ["1871-12-31", "1899-12-31", "0001-01-01"])
def test_intake_refuses_a_decision_letter_before_1900(client_for, officer, value):
    response = client_for(officer).post(
        reverse("cases:create"), intake(decision_sent_on=value, child_date_of_birth="1890-01-01")
    )
    assert response.status_code == 200
    content = text_of(response)
    assert "Date the decision letter was sent must be between 1 January 1900 and 31 December 2100" in content
    assert "Date of birth must be between 1 January 1900 and 31 December 2100" in content
    assert not Case.objects.exists()


def test_a_tribunal_response_date_in_2101_is_refused_and_never_stored(client_for, manager):
    case = CaseFactory(decision_sent_on=date(2026, 9, 1))
    response = client_for(manager).post(
        reverse("referrals:appeal_add", args=[case.pk]),
        {"registered_on": "2026-11-10", "la_told_on": "2026-11-12", "response_due_on": "2101-01-01"},
    )
    assert response.status_code == 400
    assert "LA response due (as directed) must be between 1 January 1900 and 31 December 2100" in text_of(response)
    assert not TribunalAppeal.objects.exists()
    assert not Deadline.objects.filter(case=case).exists()


@pytest.mark.parametrize("value", ["9999-12-31T10:00", "1899-12-31T10:00", "2101-01-01T00:00"])
def test_a_session_outside_the_range_is_refused(client_for, manager, value):
    referral = ReferralFactory(assigned=True, case__decision_sent_on=date(2026, 9, 1))
    response = client_for(manager).post(
        reverse("referrals:session_schedule", args=[referral.pk]),
        {"starts_at": value, "mode": "online", "venue": "Video call", "notice_sent_on": "2026-11-09"},
    )
    assert response.status_code == 400
    assert "Date and time must be between 1 January 1900 and 31 December 2100" in text_of(response)
    assert not MediationSession.objects.exists()


def test_the_dashboard_period_refuses_dates_outside_the_range(client_for, manager):
    response = client_for(manager).get(reverse("dashboards:management"), {"date_from": "1850-01-01"})
    assert response.status_code in (200, 400)
    assert "From must be between 1 January 1900 and 31 December 2100" in text_of(response)


def test_an_extra_non_working_day_outside_the_range_is_refused_in_the_admin(client_for, superuser):
    response = client_for(superuser).post(
        reverse("admin:cases_nonworkingday_add"), {"day": "2101-01-03", "title": "Proclaimed", "active": "on"}
    )
    assert response.status_code == 200
    assert "between 1 January 1900 and 31 December 2100" in text_of(response)
    assert not NonWorkingDay.objects.exists()


def test_the_model_refuses_a_date_outside_the_range():
    case = CaseFactory.build(decision_sent_on=date(2101, 1, 1), first_contact_on=date(2101, 1, 2))
    with pytest.raises(Exception) as caught:
        case.full_clean(exclude=["school", "reference"])
    assert "decision_sent_on" in caught.value.message_dict
    assert "first_contact_on" in caught.value.message_dict


# --- A clock the engine cannot compute is refused, never stored ----------------------------------------------


def test_a_decision_letter_whose_appeal_clock_falls_after_2100_is_refused(client_for, officer, monkeypatch):
    # 31 Dec 2100 is in range, but its appeal deadline (two months on) falls in 2101, past the working-day calendar.
    monkeypatch.setattr("cases.rules.intake_problems", lambda **kwargs: {})
    response = client_for(officer).post(
        reverse("cases:create"),
        intake(decision_sent_on="2100-12-31", first_contact_on="2100-12-31", child_date_of_birth="2095-01-01"),
    )
    assert response.status_code in (200, 400)
    assert "A deadline cannot be worked out from these dates" in text_of(response)
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()


# --- Pages survive a bad row already stored ------------------------------------------------------------------


@pytest.fixture
def bad_clock(officer, mediator_user):
    """A clock due in 9999, and an agreed action due then, stored before the form checked the range."""
    referral = ReferralFactory(
        concluded=True, case__officer=officer, mediator__user=mediator_user, case__decision_sent_on=date(2026, 9, 1)
    )
    case = referral.case
    Deadline.objects.create(
        case=case, key="C17:1", clock="C17", title="LA response to the appeal", due_on=date(9999, 12, 31)
    )
    Deadline.objects.create(
        case=case, key="C8", clock="C8", title="Certificate", binds="adviser", due_on=date(2101, 1, 3)
    )
    Case.objects.filter(pk=case.pk).update(next_deadline_on=date(9999, 12, 31), next_deadline_title="LA response")
    AgreementActionFactory(referral=referral, due_on=date(9999, 12, 31))
    TribunalAppealFactory(case=case, response_due_on=date(9999, 12, 31))
    return referral


@pytest.mark.parametrize(
    "page",
    ["case", "case_list", "deadlines", "my_work", "referral", "referral_list"],
)
def test_officer_pages_show_a_bad_stored_date_instead_of_failing(client_for, officer, bad_clock, page):
    urls = {
        "case": reverse("cases:detail", args=[bad_clock.case.pk]),
        "case_list": reverse("cases:list"),
        "deadlines": reverse("deadlines"),
        "my_work": reverse("dashboards:my_work"),
        "referral": reverse("referrals:detail", args=[bad_clock.pk]),
        "referral_list": reverse("referrals:list"),
    }
    client = client_for(officer)
    client.raise_request_exception = False
    response = client.get(urls[page])
    assert response.status_code == 200
    content = text_of(response)
    assert "Fri 31 Dec 9999" in content
    assert "check this date" in content


def test_the_mediators_pages_show_a_bad_stored_date_instead_of_failing(client_for, mediator_user, bad_clock):
    client = client_for(mediator_user)
    client.raise_request_exception = False
    for url in (reverse("dashboards:mediator"), reverse("referrals:detail", args=[bad_clock.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "check this date" in text_of(response)
