"""Information carried forward (issue 13 item 3): the officer who takes a case in holds it unless they choose
another; the referral starts from the case's health and social care answers and needs the ICB when health care
is in the issues; nothing the case already records is asked again."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cases import services as case_services
from cases.models import Case, CaseEvent, Deadline, Decision, Route, Status
from cases.tests.factories import CaseFactory, HealthBodyFactory
from referrals import services
from referrals.models import Referral
from referrals.services.referral import ICB_NEEDED
from referrals.tests.factories import MediatorFactory, ProviderFactory

pytestmark = pytest.mark.django_db

NOW = "2026-04-20 12:00:00+01:00"


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def intake_data(**overrides):
    data = {
        "child_first_name": "Amara",
        "child_last_name": "Okafor",
        "child_date_of_birth": "2015-06-01",
        "party_type": "parent",
        "party_name": "Grace Okafor",
        "preferred_language": "English",
        "route": "mediation",
        "decision": "RTA",
        "decision_sent_on": "2026-03-27",
        "first_contact_on": "2026-04-01",
        "first_contact_channel": "phone",
    }
    data.update(overrides)
    return data


def selected_option(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select)
    return found.group(1) if found else ""


# --- Intake: the officer taking the case in holds it -----------------------------------------------------------


def test_the_intake_form_offers_the_officer_taking_the_case_in(client_for, officer, other_officer):
    page = client_for(officer).get(reverse("cases:create")).content.decode()
    assert "Officer who will hold the case" in page
    assert selected_option(page, "officer") == str(officer.pk)
    assert "Nobody yet: leave it in the queue for an officer" in page
    assert f'<option value="{other_officer.pk}">Owen Other</option>' in page


def test_the_officer_taking_the_case_in_holds_it_and_the_timeline_says_so(client_for, officer):
    response = client_for(officer).post(reverse("cases:create"), intake_data(officer=officer.pk), follow=True)
    case = Case.objects.get()
    assert case.officer == officer
    assert "opened and assigned to Olivia Officer" in response.content.decode()
    assigned = case.events.get(kind=CaseEvent.Kind.OFFICER_ASSIGNED)
    assert (assigned.description, assigned.actor) == ("Assigned to Olivia Officer", officer)
    # Its clocks are the officer's work at once (My work reads them by the clock's copy of the officer).
    assert set(Deadline.objects.filter(case=case).values_list("officer", flat=True)) == {officer.pk}


def test_an_officer_can_choose_another_officer_or_the_queue(client_for, officer, other_officer):
    client = client_for(officer)
    client.post(reverse("cases:create"), intake_data(officer=other_officer.pk))
    client.post(reverse("cases:create"), intake_data(officer="", child_first_name="Bola"))
    held = dict(Case.objects.values_list("child_first_name", "officer"))
    assert held == {"Amara": other_officer.pk, "Bola": None}


def test_a_service_call_without_an_officer_gives_the_case_to_whoever_takes_it_in(officer, manager):
    data = {
        key: value for key, value in intake_data().items() if key not in ("child_date_of_birth", "decision_sent_on")
    }
    data |= {"child_date_of_birth": date(2015, 6, 1), "decision_sent_on": date(2026, 3, 27)}
    data["first_contact_on"] = date(2026, 4, 1)
    assert case_services.case_create(actor=officer, data=data).officer == officer
    with pytest.raises(Exception, match="cannot hold cases"):
        case_services.case_create(actor=officer, data={**data, "officer": _mediator_user()})
    assert Case.objects.count() == 1


def _mediator_user():
    return MediatorFactory().user


# --- The referral starts from the case's answers ---------------------------------------------------------------


def _providers():
    provider = ProviderFactory(name="Northway Mediation", contract_share=100)
    MediatorFactory(provider=provider)
    return provider


def test_the_referral_starts_from_the_cases_health_answers_and_does_not_ask_for_its_icb_again(client_for, officer):
    _providers()
    icb = HealthBodyFactory(name="NHS West Yorkshire Integrated Care Board")
    case = CaseFactory(officer=officer, health_involved=True, icb=icb, status=Status.TRIAGED)
    page = client_for(officer).get(case.get_absolute_url()).content.decode()
    form = page[page.index('action="' + reverse("referrals:create", args=[case.pk])) :]
    form = form[: form.index("</form>")]
    assert re.search(r'name="health_issues"[^>]*checked', form)
    assert not re.search(r'name="health_only"[^>]*checked', form)
    assert 'name="icb"' not in form
    assert "ICB to tell: NHS West Yorkshire Integrated Care Board (recorded on the case)" in form


def test_health_alone_is_ticked_for_a_health_only_disagreement_and_nothing_for_social_care(client_for, officer):
    _providers()
    health = CaseFactory(officer=officer, decision=Decision.HSC, sections_disputed=["G"], health_involved=True)
    social = CaseFactory(officer=officer, decision=Decision.HSC, sections_disputed=["H2"], social_care_involved=True)
    client = client_for(officer)
    for case, health_issues, health_only in ((health, True, True), (social, False, False)):
        page = client.get(case.get_absolute_url()).content.decode()
        assert bool(re.search(r'name="health_issues"[^>]*checked', page)) is health_issues
        assert bool(re.search(r'name="health_only"[^>]*checked', page)) is health_only
        assert 'name="icb"' in page  # no ICB recorded on the case yet


def test_health_care_in_the_issues_needs_the_icb_with_a_clear_message_and_nothing_saved(client_for, officer):
    provider = _providers()
    case = CaseFactory(officer=officer, health_involved=True, status=Status.TRIAGED)
    events = case.events.count()
    response = client_for(officer).post(
        reverse("referrals:create", args=[case.pk]),
        {"provider": provider.pk, "family_told_la_on": "2026-04-14", "health_issues": "on"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error:" in page
    assert 'href="#refer_icb"' in page  # the error summary links to the field
    assert page.count(ICB_NEEDED) == 2  # in the summary and beside the field
    assert not Referral.objects.exists()
    case.refresh_from_db()
    assert (case.icb, case.status, case.events.count()) == (None, Status.TRIAGED, events)


def test_the_icb_chosen_at_referral_is_recorded_on_the_case_and_the_la_has_three_working_days(client_for, officer):
    """E19: the LA was told on Thu 2 Apr 2026 (the day the family said they want mediation, as no other day was
    given): it must tell the ICB by Thu 9 Apr 2026, over Easter."""
    provider = _providers()
    icb = HealthBodyFactory(name="NHS Humber and North Yorkshire Integrated Care Board")
    case = CaseFactory(
        officer=officer, health_involved=False, status=Status.TRIAGED, decision_sent_on=date(2026, 3, 27)
    )
    response = client_for(officer).post(
        reverse("referrals:create", args=[case.pk]),
        {"provider": provider.pk, "family_told_la_on": "2026-04-02", "health_issues": "on", "icb": icb.pk},
        follow=True,
    )
    assert "Referred to Northway Mediation" in response.content.decode()
    case.refresh_from_db()
    assert (case.icb, case.health_involved) == (icb, True)
    referral = Referral.objects.get()
    assert referral.health_told_on == date(2026, 4, 2)
    assert case.deadlines.get(clock="C3").due_on == date(2026, 4, 9)
    assert case.events.filter(
        description="Health care issues and the ICB (NHS Humber and North Yorkshire Integrated Care Board) recorded "
        "on the case from the referral"
    ).exists()


def test_the_service_refuses_another_icb_than_the_cases(officer):
    provider = _providers()
    case = CaseFactory(officer=officer, health_involved=True, icb=HealthBodyFactory(), route=Route.MEDIATION)
    with pytest.raises(Exception, match="This case's ICB is"):
        services.referral_create(
            case=case,
            actor=officer,
            provider=provider,
            family_told_la_on=date(2026, 4, 2),
            health_issues=True,
            icb=HealthBodyFactory(),
        )
    assert not Referral.objects.exists()
