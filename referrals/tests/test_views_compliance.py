from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cases.models import Deadline, Decision
from cases.tests.factories import CaseFactory
from referrals import services

pytestmark = pytest.mark.django_db
NOW = "2026-11-20 12:00:00+00:00"


@pytest.fixture
def ordered_case(officer):
    with time_machine.travel(NOW, tick=False):
        case = CaseFactory(decision=Decision.RTA, decision_sent_on=date(2026, 7, 1), first_contact_on=date(2026, 7, 2))
        appeal = services.tribunal_appeal_record(
            case=case, actor=officer, registered_on=date(2026, 8, 20), la_told_on=date(2026, 8, 21)
        )
        services.tribunal_outcome_record(
            appeal=appeal,
            actor=officer,
            outcome="upheld",
            outcome_on=date(2026, 9, 9),
            order_kind="make_and_maintain_plan",
            order_sent_on=date(2026, 9, 10),
        )
    return case


@time_machine.travel(NOW, tick=False)
def test_officer_records_a_tribunal_order_step_as_done_from_the_case_page(client_for, officer, ordered_case):
    draft = Deadline.objects.get(case=ordered_case, clock="C14", due_on=date(2026, 10, 15))
    c = client_for(officer)
    page = c.get(ordered_case.get_absolute_url()).content.decode()
    assert "Record as done" in page and draft.key in page
    response = c.post(
        reverse("referrals:compliance_done", args=[ordered_case.pk]),
        {"key": draft.key, "done_on": "2026-10-14"},
        follow=True,
    )
    assert f"Recorded as done: {draft.title}" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == Deadline.State.MET and draft.met_on == date(2026, 10, 14)


@time_machine.travel(NOW, tick=False)
def test_compliance_step_refuses_other_clocks_and_future_dates(client_for, officer, ordered_case):
    c = client_for(officer)
    url = reverse("referrals:compliance_done", args=[ordered_case.pk])
    response = c.post(url, {"key": "C9", "done_on": "2026-10-14"})
    assert response.status_code == 400 and "That is not a tribunal compliance step." in response.content.decode()
    key = Deadline.objects.filter(case=ordered_case, clock="C14").first().key
    response = c.post(url, {"key": key, "done_on": "2027-01-01"})
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    assert not Deadline.objects.filter(case=ordered_case, clock="C14", state=Deadline.State.MET).exists()


def test_mediator_cannot_record_compliance(client_for, mediator_user, ordered_case):
    key = Deadline.objects.filter(case=ordered_case, clock="C14").first().key
    response = client_for(mediator_user).post(
        reverse("referrals:compliance_done", args=[ordered_case.pk]), {"key": key, "done_on": "2026-10-14"}
    )
    assert response.status_code == 403
