import pytest
from django.urls import reverse

from cases.deadlines import CLOCKS
from cases.models import Status
from guide import content
from referrals.models import Referral


def test_every_case_and_referral_status_and_every_clock_is_explained():
    assert set(content.CASE_STATUS_MEANINGS) == set(Status.values)
    assert set(content.REFERRAL_STATUS_MEANINGS) == set(Referral.Status.values)
    assert set(content.CLOCK_WHO) == set(CLOCKS)


def test_the_clocks_page_lists_every_deadline_in_words_with_who_acts(client_for, officer):
    page = client_for(officer).get(reverse("guide:clocks")).content.decode()
    for clock in CLOCKS.values():
        assert clock.title in page
    assert page.count('<tr id="clock-') == len(CLOCKS)
    assert "The family (their window)" in page
    assert "The provider: chase them" in page


def test_the_statuses_page_says_what_each_status_means(client_for, mediator_user):
    page = client_for(mediator_user).get(reverse("guide:statuses")).content.decode()
    assert "Appeal window expired" in page
    assert "The appeal deadline passed with no appeal recorded" in page
    assert "Waiting for the provider" in page
    assert page.count("<dt ") == len(Status.values) + len(Referral.Status.values)


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("officers", "How this works for SEN officers"),
        ("mediators", "How this works for mediators"),
        ("managers", "How this works for managers"),
    ],
)
def test_each_role_has_its_guide(client_for, officer, role, heading):
    page = client_for(officer).get(reverse("guide:role", args=[role])).content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert reverse("guide:clocks") in page


def test_an_unknown_guide_is_not_found(client_for, officer):
    assert client_for(officer).get("/help/nobody/").status_code == 404


def test_the_guide_needs_a_sign_in(client):
    response = client.get(reverse("guide:index"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_pages_that_use_the_terms_link_to_the_guide(client_for, officer, mediator_user):
    assert reverse("guide:clocks") in client_for(officer).get(reverse("deadlines")).content.decode()
    my_work = client_for(officer).get(reverse("dashboards:my_work")).content.decode()
    assert reverse("guide:role", args=["officers"]) in my_work
    assert reverse("guide:index") in my_work  # in the navigation on every page
    mediator_home = client_for(mediator_user).get(reverse("dashboards:mediator")).content.decode()
    assert reverse("guide:role", args=["mediators"]) in mediator_home
