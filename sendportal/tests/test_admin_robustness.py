"""The admin refuses what it cannot use with a 400 or a form error, never a server error (issue 10, section 3.5)."""

import pytest
from django.urls import reverse

from cases.models import School
from cases.tests.factories import SchoolFactory
from referrals.models import Mediator
from referrals.tests.factories import MediatorFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("selected", ["abc", "1.5", "\x00", "99999999999999999999"])
def test_a_non_integer_selected_action_is_a_bad_request(admin_client, selected):
    school = SchoolFactory(active=True)
    response = admin_client.post(
        reverse("admin:cases_school_changelist"),
        {"action": "deactivate", "_selected_action": [str(school.pk), selected]},
    )
    assert response.status_code == 400
    assert "could not be handled" in response.content.decode()
    school.refresh_from_db()
    assert school.active


def test_a_nul_byte_in_a_list_filter_is_a_bad_request(admin_client):
    SchoolFactory()
    response = admin_client.get(reverse("admin:cases_school_changelist"), {"phase__exact": "primary\x00"})
    assert response.status_code == 400


def test_a_filter_the_admin_cannot_use_is_a_bad_request(admin_client):
    for value in ("abc", "", "99999999999999999999"):
        response = admin_client.get(reverse("admin:auditlog_logentry_changelist"), {"resource_type": value})
        assert response.status_code in (200, 400), value


@pytest.mark.parametrize("value", ["abc", "\x00", "1.5", "-1"])
def test_non_integer_conflict_schools_are_a_form_error(admin_client, value):
    provider = ProviderFactory()
    school = SchoolFactory()
    user = UserFactory()
    response = admin_client.post(
        reverse("admin:referrals_mediator_add"),
        {
            "user": user.pk,
            "provider": provider.pk,
            "languages": "English",
            "max_active_cases": "8",
            "conflict_schools": [str(school.pk), value],
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: Add mediator" in content
    assert 'class="errorlist' in content
    assert not Mediator.objects.exists()


def test_a_valid_selected_action_still_works(admin_client):
    school = SchoolFactory(active=True)
    response = admin_client.post(
        reverse("admin:cases_school_changelist"), {"action": "deactivate", "_selected_action": [str(school.pk)]}
    )
    assert response.status_code == 302
    assert not School.objects.get().active


def test_a_mediator_change_form_with_a_bad_conflict_school_keeps_the_mediator(admin_client):
    mediator = MediatorFactory()
    response = admin_client.post(
        reverse("admin:referrals_mediator_change", args=[mediator.pk]),
        {
            "user": mediator.user_id,
            "provider": mediator.provider_id,
            "languages": "Welsh",
            "max_active_cases": "8",
            "conflict_schools": ["abc"],
        },
    )
    assert response.status_code == 200
    mediator.refresh_from_db()
    assert mediator.languages == "English"
