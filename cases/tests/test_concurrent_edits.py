"""Two people editing one case (issue 10, section 3.2): the second save of a form opened earlier never silently
undoes the first. The form carries the version it was opened at; a stale save shows what the other person
changed and keeps the person's own changes so they can save again."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseEvent
from cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def form_values(html: str) -> dict:
    """What the browser would post back from the edit page (inputs, selects, textareas, ticked boxes)."""
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else "text"
        value = re.search(r'value="([^"]*)"', tag)
        value = value.group(1) if value else ""
        if kind in ("checkbox", "radio"):
            if " checked" in tag:
                data.setdefault(name.group(1), []).append(value or "on")
            continue
        data.setdefault(name.group(1), []).append(value.replace("&amp;", "&").replace("&#x27;", "'"))
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        data[name] = re.findall(r'<option value="([^"]*)"[^>]*selected', body)
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = [body.strip("\n")]
    return data


def client_as(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def case(officer):
    return CaseFactory(officer=officer, phone="+447700900123", email="family@example.com")


def test_a_stale_save_does_not_undo_the_first_and_shows_what_changed(officer, other_officer, case):
    url = reverse("cases:edit", args=[case.pk])
    first, second = client_as(officer), client_as(other_officer)
    form_a = form_values(first.get(url).content.decode())
    form_b = form_values(second.get(url).content.decode())  # opened before A saves

    form_a["phone"] = ["07700 900456"]
    assert first.post(url, form_a).status_code == 302

    form_b["email"] = ["new.address@example.com"]
    response = second.post(url, form_b)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Olivia Officer saved changes to this case after you opened this form" in content
    assert "Phone: +447700900456" in content
    case.refresh_from_db()
    assert case.phone == "+447700900456"  # A's change is kept
    assert case.email == "family@example.com"  # nothing of B's stale save was stored

    # B's own change is still in the form, with A's change beside it: saving again applies B's without undoing A's.
    again = form_values(content)
    assert again["email"] == ["new.address@example.com"]
    assert again["phone"] == ["+447700900456"]
    assert second.post(url, again).status_code == 302
    case.refresh_from_db()
    assert (case.phone, case.email) == ("+447700900456", "new.address@example.com")
    assert case.events.filter(kind=CaseEvent.Kind.UPDATED).count() == 2


def test_when_both_change_the_same_field_the_other_persons_value_is_named(officer, other_officer, case):
    url = reverse("cases:edit", args=[case.pk])
    first, second = client_as(officer), client_as(other_officer)
    form_a = form_values(first.get(url).content.decode())
    form_b = form_values(second.get(url).content.decode())
    form_a["phone"] = ["07700 900456"]
    first.post(url, form_a)
    form_b["phone"] = ["07700 900789"]
    response = second.post(url, form_b)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Olivia Officer changed this to “+447700900456” while you were editing" in content
    assert "your form had “07700 900789”" in content
    assert Case.objects.get().phone == "+447700900456"


def test_an_edit_form_without_its_version_is_refused(officer, case):
    url = reverse("cases:edit", args=[case.pk])
    client = client_as(officer)
    data = form_values(client.get(url).content.decode())
    assert data.pop("version") == ["1"]
    data["phone"] = ["07700 900456"]
    response = client.post(url, data)
    assert response.status_code == 400
    assert Case.objects.get().phone == "+447700900123"
