"""Correction pages (decision 17): who may use them, what they show, refusals that change nothing, and corrections
that move every dependent clock."""

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import Deadline, Decision, Status
from cases.tests.factories import CaseFactory
from referrals import services
from referrals.models import Referral
from referrals.tests.pathway import LONDON, opened_value, refer, to_held
from sendportal.testing.dates import shows_date

pytestmark = pytest.mark.django_db
NOW = "2026-05-20 12:00:00+01:00"


@pytest.fixture
def referral(case, officer, providers):
    with time_machine.travel(NOW, tick=False):
        return refer(case, officer, providers[0])


@time_machine.travel(NOW, tick=False)
def test_referral_dates_page_shows_the_recorded_dates_and_needs_the_managing_role(
    client_for, officer, manager, mediator_user, referral
):
    url = reverse("referrals:correct_dates", args=[referral.pk])
    assert client_for(None).get(url).status_code == 302
    assert client_for(mediator_user).get(url).status_code == 403
    for user in (officer, manager):
        page = client_for(user).get(url)
        content = page.content.decode()
        assert page.status_code == 200
        assert f"<title>Correct the dates of referral {referral.pk}" in content
        assert shows_date(content, "family_told_la_on", date(2026, 4, 14))
        assert shows_date(content, "provider_told_la_on", date(2026, 4, 16))
        assert "Why are you correcting this?" in content
    assert client_for(officer).get(reverse("referrals:correct_dates", args=[referral.pk + 999])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_refused_correction_shows_the_errors_and_changes_nothing(client_for, officer, referral, case):
    url = reverse("referrals:correct_dates", args=[referral.pk])
    response = client_for(officer).post(
        url,
        {
            "opened": opened_value(client_for(officer), url),
            "referred_on": "2026-04-14",
            "family_told_la_on": "2026-03-01",
            "provider_told_la_on": "2026-04-16",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Correct the dates" in content and "There is a problem" in content
    assert "Why are you correcting this? Enter an answer." in content
    response = client_for(officer).post(
        url,
        {
            "opened": opened_value(client_for(officer), url),
            "referred_on": "2026-04-14",
            "family_told_la_on": "2026-03-01",
            "provider_told_la_on": "2026-04-16",
            "reason": "Typo",
        },
    )
    assert "<title>Error:" in response.content.decode()
    assert "cannot be before the decision letter was sent" in response.content.decode()
    referral.refresh_from_db()
    assert referral.family_told_la_on == date(2026, 4, 14)
    assert not case.events.filter(description__startswith="Referral dates corrected").exists()


@time_machine.travel(NOW, tick=False)
def test_a_correction_moves_the_clock_and_says_so(client_for, officer, referral, case):
    url = reverse("referrals:correct_dates", args=[referral.pk])
    response = client_for(officer).post(
        url,
        {
            "opened": opened_value(client_for(officer), url),
            "referred_on": "2026-04-20",
            "family_told_la_on": "2026-04-20",
            "provider_told_la_on": "",
            "reason": "The provider's email was misfiled",
        },
        follow=True,
    )
    content = response.content.decode()
    assert "Referral dates corrected: the clocks that depend on them have been worked out again" in content
    assert Deadline.objects.get(case=case, key="C4").due_on == date(2026, 5, 20)
    assert case.events.filter(
        description="Hold the mediation (LA-arranged): moved from Thu 14 May 2026 to Wed 20 May 2026 "
        "(referral dates corrected: The provider's email was misfiled)"
    ).exists()


@time_machine.travel(NOW, tick=False)
def test_the_assigned_mediator_corrects_a_session_and_another_mediator_cannot(
    client_for, case, officer, providers, mediators
):
    referral = to_held(case, officer, providers, mediators[0])
    session = referral.sessions.get()
    url = reverse("referrals:session_correct", args=[referral.pk, session.pk])
    assert client_for(mediators[1].user).get(url).status_code == 404  # not their referral: not even its existence
    page = client_for(mediators[0].user).get(url).content.decode()
    assert shows_date(page, "starts_at", datetime(2026, 5, 6, 10, 0))
    client_for(mediators[0].user).post(
        url,
        {
            "opened": opened_value(client_for(mediators[0].user), url),
            "starts_at": "2026-05-07T10:00",
            "notice_sent_on": "2026-04-27",
            "reason": "Moved by a day",
        },
    )
    assert Deadline.objects.get(case=case, key="C4").met_on == date(2026, 5, 7)


@time_machine.travel(NOW, tick=False)
def test_officers_correct_the_outcome_dates_of_a_concluded_mediation_only(
    client_for, case, officer, providers, mediators
):
    referral = to_held(case, officer, providers, mediators[0])
    referral_page = reverse("referrals:detail", args=[referral.pk])
    assert "Correct the outcome dates" not in client_for(officer).get(referral_page).content.decode()
    services.referral_conclude(
        referral=referral,
        actor=mediators[0].user,
        concluded_on=date(2026, 5, 7),
        outcome="none",
        issue_outcomes={"F": "not_agreed"},
    )
    assert "Correct the outcome dates" in client_for(officer).get(referral_page).content.decode()
    url = reverse("referrals:outcome_correct", args=[referral.pk])
    client_for(officer).post(
        url, {"opened": opened_value(client_for(officer), url), "concluded_on": "2026-05-08", "reason": "Wrong day"}
    )
    assert Deadline.objects.get(case=case, key="C8").due_on == date(2026, 5, 13)


@time_machine.travel(NOW, tick=False)
def test_adviser_contact_correction_offers_placement_only_where_section_i_alone_is_disputed(client_for, officer):
    case = CaseFactory(decision=Decision.RTA, decision_sent_on=date(2026, 3, 2), first_contact_on=date(2026, 3, 3))
    services.adviser_contact_record(case=case, actor=officer, contacted_on=date(2026, 3, 10), choice="mediation")
    url = reverse("referrals:adviser_contact_correct", args=[case.pk])
    page = client_for(officer).get(url).content.decode()
    assert "Placement only: information given" not in page
    response = client_for(officer).post(
        url,
        {
            "opened": opened_value(client_for(officer), url),
            "contacted_on": "2026-03-10",
            "choice": "placement_info",
            "reason": "x",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    client_for(officer).post(
        url,
        {
            "opened": opened_value(client_for(officer), url),
            "contacted_on": "2026-05-05",
            "choice": "no_mediation",
            "reason": "Misread",
        },
    )
    case.refresh_from_db()
    assert case.adviser_contact.late is True  # 2 months from 2 March ended on Sat 2 May
    assert Deadline.objects.get(case=case, key="C2").due_on == date(2026, 5, 8)


@time_machine.travel(NOW, tick=False)
def test_appeal_dates_are_corrected_by_whoever_manages_appeals(client_for, officer, mediator_user):
    case = CaseFactory(decision=Decision.RTA, decision_sent_on=date(2026, 1, 5), status=Status.APPEAL_WINDOW_OPEN)
    appeal = services.tribunal_appeal_record(
        case=case, actor=officer, registered_on=date(2026, 2, 2), la_told_on=date(2026, 2, 3)
    )
    url = reverse("referrals:appeal_correct", args=[case.pk, appeal.pk])
    assert client_for(mediator_user).get(url).status_code == 403
    page = client_for(officer).get(url).content.decode()
    assert "Date of the outcome" not in page  # no outcome recorded: nothing to correct there
    client_for(officer).post(
        url,
        {
            "opened": opened_value(client_for(officer), url),
            "registered_on": "2026-02-03",
            "la_told_on": "2026-02-03",
            "reason": "Letter",
        },
    )
    assert Deadline.objects.get(case=case, key="C9").met_on == date(2026, 2, 3)


@time_machine.travel(NOW, tick=False)
def test_a_manager_confirms_a_corrected_certificate_on_a_page_of_its_own(client_for, officer, manager):
    case = CaseFactory(decision=Decision.RTA, decision_sent_on=date(2026, 3, 2), first_contact_on=date(2026, 3, 3))
    services.adviser_contact_record(case=case, actor=officer, contacted_on=date(2026, 3, 10), choice="no_mediation")
    for reason in ("", "The name was misspelt"):
        cert = services.certificate_issue(
            case=case,
            actor=officer,
            kind="declined",
            issued_on=date(2026, 3, 12),
            issuer_name="Ann Adviser",
            issuer_role="mediation adviser",
            correction_reason=reason,
        )
    case_page = client_for(manager).get(case.get_absolute_url()).content.decode()
    assert "Needs legal review" in case_page
    url = reverse("referrals:certificate_confirm", args=[cert.pk])
    assert client_for(officer).get(url).status_code == 403
    page = client_for(manager).get(url).content.decode()
    assert "No: the appeal deadline stays on the first certificate&#x27;s date" in page
    assert Deadline.objects.get(case=case, key="C9").needs_legal_review
    done = client_for(manager).post(url, follow=True).content.decode()
    assert f"Corrected certificate {cert.number} confirmed after legal review" in done
    assert not Deadline.objects.get(case=case, key="C9").needs_legal_review
    again = client_for(manager).post(url)
    assert again.status_code == 400 and "already confirmed" in again.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_not_held_form_is_offered_while_waiting_for_the_provider(client_for, officer, referral):
    assert referral.status == Referral.Status.REFERRED
    page = client_for(officer).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Cannot be held within 30 days" in page


@time_machine.travel(NOW, tick=False)
def test_the_conclude_form_stays_after_a_later_session_is_cancelled(client_for, case, officer, providers, mediators):
    referral = to_held(case, officer, providers, mediators[0])
    second = services.session_schedule(
        referral=referral,
        actor=mediators[0].user,
        starts_at=datetime(2026, 6, 3, 10, 0, tzinfo=LONDON),
        mode="online",
        venue="",
        notice_sent_on=date(2026, 5, 20),
    )
    services.session_record(session=second, actor=mediators[0].user, status="cancelled", cancelled_by="la")
    page = client_for(mediators[0].user).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Conclude the mediation" in page


@time_machine.travel(NOW, tick=False)
def test_a_correction_from_a_page_opened_before_someone_elses_is_refused_then_reapplied(
    client, officer, manager, referral, case
):
    from django.test import Client

    url = reverse("referrals:correct_dates", args=[referral.pk])
    first, second = Client(), Client()
    first.force_login(officer)
    second.force_login(manager)
    opened_by_first, opened_by_second = opened_value(first, url), opened_value(second, url)
    base = {"referred_on": "2026-04-14", "provider_told_la_on": "2026-04-16"}
    done = first.post(url, {**base, "opened": opened_by_first, "family_told_la_on": "2026-04-15", "reason": "A"})
    assert done.status_code == 302
    stale = second.post(url, {**base, "opened": opened_by_second, "family_told_la_on": "2026-04-13", "reason": "B"})
    content = stale.content.decode()
    assert "<title>Error:" in content
    assert "Someone else changed this record after you opened the page" in content
    assert "date the family told the LA is now Wed 15 Apr 2026" in content
    referral.refresh_from_db()
    assert referral.family_told_la_on == date(2026, 4, 15)  # the first correction stands
    assert shows_date(content, "family_told_la_on", date(2026, 4, 13))  # the second person's own value is kept
    reopened = re.search(r'name="opened" value="([^"]*)"', content).group(1)
    again = second.post(url, {**base, "opened": reopened, "family_told_la_on": "2026-04-13", "reason": "B"})
    assert again.status_code == 302
    referral.refresh_from_db()
    assert referral.family_told_la_on == date(2026, 4, 13)


@time_machine.travel(NOW, tick=False)
def test_a_correction_without_the_page_it_came_from_is_refused(client_for, officer, referral):
    url = reverse("referrals:correct_dates", args=[referral.pk])
    response = client_for(officer).post(
        url, {"referred_on": "2026-04-14", "family_told_la_on": "2026-04-15", "reason": "x", "opened": "forged"}
    )
    assert "This page was out of date: open it again from the case." in response.content.decode()
    referral.refresh_from_db()
    assert referral.family_told_la_on == date(2026, 4, 14)
