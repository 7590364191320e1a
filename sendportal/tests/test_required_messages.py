"""An empty required field says what to do and which field, in its own message and in the error summary: never
Django's "This field is required."."""

import pytest
from django import forms
from django.urls import reverse

from sendportal.form_renderer import required_message


class Sample(forms.Form):
    first_name = forms.CharField(label="First name")
    nhs = forms.CharField(label="NHS number")
    party = forms.ChoiceField(label="Who brings the disagreement", choices=[("p", "Parent")], widget=forms.RadioSelect)
    route = forms.ChoiceField(label="Route", choices=[("m", "Mediation")])
    reason = forms.CharField(label="Why are you correcting this?")
    agreed = forms.BooleanField(label="The family agreed")
    optional = forms.CharField(label="Notes", required=False)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("first_name", "Enter the first name."),
        ("nhs", "Enter the NHS number."),
        ("party", "Choose who brings the disagreement."),
        ("route", "Choose the route."),
        ("reason", "Why are you correcting this? Enter an answer."),
        ("agreed", "Tick \u201cThe family agreed\u201d."),
    ],
)
def test_each_empty_required_field_names_itself(name, message):
    form = Sample({})
    assert not form.is_valid()
    assert list(form[name].errors) == [message]
    assert form["optional"].errors == []
    assert form.errors[name] == ["This field is required."]  # the form's own record is Django's


def test_other_messages_are_left_as_they_are():
    form = Sample({"route": "nonsense"})
    assert not form.is_valid()
    assert "Choose the route." not in list(form["route"].errors)
    assert list(form["route"].errors) == ["Select a valid choice. nonsense is not one of the available choices."]


def test_a_label_less_field_keeps_djangos_message():
    field = forms.CharField(label="")
    assert required_message(field, "") == "This field is required."


@pytest.mark.django_db
def test_the_intake_forms_summary_and_fields_name_each_empty_field(client_for, officer):
    content = client_for(officer).post(reverse("cases:create"), {"phone": ""}).content.decode()
    summary = content.split("There is a problem")[1].split("</div>")[0]
    for message in ("Enter the first name.", "Choose who brings the disagreement.", "Choose the route."):
        assert message in summary
    assert "This field is required" not in content
    assert "First name: Enter" not in summary  # the message names the field: no label in front of it
    assert 'id="id_child_first_name_error"' in content


@pytest.mark.django_db
def test_a_form_explains_its_asterisks_once(client_for, officer):
    client = client_for(officer)
    intake = client.get(reverse("cases:create")).content.decode()
    assert intake.count("Questions marked * must be answered.") == 1
    assert intake.index("Questions marked * must be answered.") < intake.index('id="id_child_first_name"')
    listing = client.get(reverse("cases:list")).content.decode()  # its filters are all optional
    assert "Questions marked *" not in listing
