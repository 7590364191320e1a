"""Permissions-Policy on every response, and each 403 and 404 logged once, without a traceback, with the status,
the path without its query string and the user's id (issue 10, section 3.8)."""

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signed_in", [True, False])
def test_every_response_denies_powerful_browser_features(client_for, officer, signed_in):
    client = client_for(officer if signed_in else None)
    response = client.get(reverse("cases:list") if signed_in else reverse("login"))
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "bluetooth", "serial"):
        assert f"{feature}=()" in policy


def request_records(caplog):
    return [r for r in caplog.records if r.name.startswith(("django.request", "sendportal.requests"))]


def test_a_404_is_logged_once_without_a_traceback(client_for, officer, caplog):
    client = client_for(officer)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = client.get("/cases/987654/?q=Amara+Okafor")
    assert response.status_code == 404
    records = request_records(caplog)
    assert len(records) == 1
    record = records[0]
    assert record.getMessage() == f"404 /cases/987654/ user={officer.pk}"
    assert record.exc_info is None and record.levelno == logging.WARNING
    assert "Amara" not in caplog.text


def test_a_403_is_logged_once_without_a_traceback(client_for, mediator_user, caplog):
    client = client_for(mediator_user)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("cases:list"), {"s": "token"})
    assert response.status_code == 403
    records = request_records(caplog)
    assert [r.getMessage() for r in records] == [f"403 /cases/ user={mediator_user.pk}"]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_an_anonymous_404_names_no_user(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/sign-in/nowhere/")
    assert [r.getMessage() for r in request_records(caplog)] == ["404 /sign-in/nowhere/ user=-"]
