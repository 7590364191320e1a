"""Sign-in behind the council's load balancer (issue 10, section 3.6) and hostile sign-in input."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
LOAD_BALANCER = "10.20.0.5"


@pytest.fixture
def behind_the_load_balancer(settings):
    """What production sets for AXES_PROXY_COUNT=1: the load balancer puts the client's address in X-Forwarded-For."""
    from sendportal.settings.base import ipware_proxy_count

    settings.AXES_IPWARE_PROXY_COUNT = ipware_proxy_count(1)
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]


def sign_in(client, username, password, address):
    client.raise_request_exception = False
    return client.post(
        reverse("login"), {"username": username, "password": password},
        REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=address,
    )  # fmt: skip


def test_ipware_is_installed_so_the_proxy_settings_take_effect():
    from axes import helpers

    assert helpers.IPWARE_INSTALLED


def test_five_failures_lock_that_username_from_that_address_only(client, officer, behind_the_load_balancer):
    for _ in range(5):
        sign_in(client, officer.username, "wrong-password-123", "81.2.69.160")
    assert sign_in(client, officer.username, PASSWORD, "81.2.69.160").status_code == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "81.2.69.160"  # the person's own address, not the load balancer's

    # A browser that forges the header still gets its own address: the balancer adds it at the right-hand end.
    forged = sign_in(client, officer.username, PASSWORD, "81.2.69.192, 81.2.69.160")
    assert forged.status_code == 429

    elsewhere = sign_in(client, officer.username, PASSWORD, "81.2.69.192")
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_a_username_longer_than_any_account_is_refused_with_a_message(client, officer):
    client.raise_request_exception = False
    response = client.post(reverse("login"), {"username": "x" * 10_000, "password": "wrong-password-123"})
    assert response.status_code == 200
    assert "<title>Error: Sign in" in response.content.decode()  # the page's one message: it never says which
    assert not AccessAttempt.objects.exists()
