"""Letter templates and support services in the admin: templates exist in a fresh install, are checked when saved
(clear messages, nothing changed), and can be neither added nor deleted; support services are kept there."""

import pytest
from django.urls import reverse

from letters.models import LetterKind, LetterTemplate, SupportService

pytestmark = pytest.mark.usefixtures("letter_templates")


def test_the_data_migration_makes_a_valid_template_for_every_letter_and_some_support_services():
    from conftest import seed_letters

    LetterTemplate.objects.all().delete()
    SupportService.objects.all().delete()
    seed_letters()
    seed_letters()  # twice: it only adds what is missing
    templates = {t.kind: t for t in LetterTemplate.objects.all()}
    assert set(templates) == set(LetterKind.values)
    for template in templates.values():
        template.full_clean()
    assert SupportService.objects.filter(kind="sendiass", active=True).exists()
    assert SupportService.objects.filter(kind="independent_supporter", active=True).exists()


def change_url(template):
    return reverse("admin:letters_lettertemplate_change", args=[template.pk])


def test_an_administrator_changes_a_template(client_for, superuser):
    template = LetterTemplate.objects.get(kind="acknowledgement")
    response = client_for(superuser).post(
        change_url(template),
        {"subject": "We have your letter, {{ recipient_name }}", "body": "Ref {{ case_reference }}"},
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "Ref {{ case_reference }}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Dear {{ case.party_name }}", "Line 1: “{{ case.party_name }}” is not a field."),
        ("ok\n{% load static %}", "Line 2: “{%” is not allowed."),
        ("{{ password }}", "Line 1: there is no field called “password”."),
        ("{{ recipient_name|safe }}", "is not a field"),
    ],
)
def test_a_template_that_reaches_beyond_its_fields_is_refused_with_a_clear_message(
    client_for, superuser, body, message
):
    template = LetterTemplate.objects.get(kind="acknowledgement")
    before = (template.subject, template.body)
    response = client_for(superuser).post(change_url(template), {"subject": "Subject", "body": body})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the error below." in page
    assert message.replace("“", "&ldquo;").replace("”", "&rdquo;") in page or message in page
    template.refresh_from_db()
    assert (template.subject, template.body) == before


def test_hostile_values_in_a_template_give_no_server_error_and_change_nothing(client_for, superuser):
    template = LetterTemplate.objects.get(kind="mediation_information")
    before = (template.subject, template.body)
    c = client_for(superuser)
    for value in ["", "\x00", "x" * 20_001, "{{" * 500, "}}{{", "\u202e\U0001f642 {{ }}"]:
        for field in ("subject", "body"):
            data = {"subject": "Subject", "body": "Body", field: value}
            assert c.post(change_url(template), data).status_code == 200, (field, value)
    template.refresh_from_db()
    assert (template.subject, template.body) == before


def test_the_admin_lists_the_fields_and_cannot_add_or_delete_templates(client_for, superuser):
    template = LetterTemplate.objects.get(kind="certificate_cover")
    c = client_for(superuser)
    page = c.get(change_url(template)).content.decode()
    assert "Fields you can use" in page and "{{ certificate_appeal_note }}" in page
    assert c.get(reverse("admin:letters_lettertemplate_add")).status_code == 403
    assert (
        c.post(reverse("admin:letters_lettertemplate_delete", args=[template.pk]), {"post": "yes"}).status_code == 403
    )
    assert LetterTemplate.objects.filter(pk=template.pk).exists()


def test_support_services_are_added_in_the_admin_and_checked(client_for, superuser):
    c = client_for(superuser)
    url = reverse("admin:letters_supportservice_add")
    bad = c.post(url, {"kind": "sendiass", "name": "Anytown SENDIASS", "phone": "not a phone", "website": "nope"})
    assert bad.status_code == 200 and not SupportService.objects.filter(name="Anytown SENDIASS").exists()
    good = c.post(
        url,
        {
            "kind": "sendiass",
            "name": "Anytown SENDIASS",
            "phone": "0113 496 0001",
            "email": "iass@example.org",
            "website": "https://iass.example.org",
            "area": "Anytown",
            "active": "on",
        },
    )
    assert good.status_code == 302
    assert SupportService.objects.get(name="Anytown SENDIASS").website == "https://iass.example.org"
