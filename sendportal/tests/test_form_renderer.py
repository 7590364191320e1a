"""The form renderer writes select boxes in Python: its markup must be exactly Django's template output."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from cases.models import School
from cases.tests.factories import SchoolFactory
from sendportal.form_renderer import FormRenderer

CHOICES = [
    ("", "Any"),
    ("a&b", 'Tom & Jerry\'s "school" <b>'),
    (3, gettext_lazy("Three")),
    ("Group <one>", [("g1", "First in group"), ("g2", mark_safe("<em>safe</em>"))]),
    ("x", "Last"),
]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    flagged = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(
            attrs={
                "class": "form-select",
                "aria-describedby": "hint",
                "disabled": True,
                "data-off": False,
                "data-x": 'a"b',
                "data-safe": mark_safe("<i>"),
                "data-n": 7,
            }
        ),
    )
    yes_no = forms.NullBooleanField(required=False)


def _both(bound_field, **kwargs):
    django_html = bound_field.as_widget(**kwargs)
    bound_field.form.renderer = FormRenderer()
    ours = bound_field.as_widget(**kwargs)
    bound_field.form.renderer = DjangoTemplates()
    return django_html, ours


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plain": "a&b", "many": ["3", "g2", "x"], "flagged": "g1", "yes_no": "true"},
        {"plain": "nonsense", "many": ["", "a&b"], "yes_no": "false"},
    ],
)
def test_select_boxes_match_djangos_templates(data):
    form = Sample(data or None, renderer=DjangoTemplates())
    for name in form.fields:
        django_html, ours = _both(form[name])
        assert ours == django_html, name
    chosen = _both(Sample(data or None, renderer=DjangoTemplates())["many"])[1]
    if data.get("many") == ["3", "g2", "x"]:
        assert '<option value="3" selected>Three</option>' in chosen
        assert '<option value="g2" selected><em>safe</em></option>' in chosen  # safe labels are not escaped again
    assert '<option value="a&amp;b"' in chosen and "Tom &amp; Jerry&#x27;s &quot;school&quot; &lt;b&gt;" in chosen


def test_a_model_choice_select_matches_and_escapes(db):
    SchoolFactory(name="St Mary & St John's <Primary>")
    SchoolFactory(name="Ash Grove")

    class Pick(forms.Form):
        school = forms.ModelChoiceField(School.objects.order_by("name"), required=False)

    chosen = School.objects.get(name="Ash Grove")
    form = Pick({"school": chosen.pk}, renderer=DjangoTemplates())
    django_html, ours = _both(form["school"], attrs={"class": "form-select"})
    assert ours == django_html
    assert f'<option value="{chosen.pk}" selected>{chosen}</option>' in ours
    assert "St Mary &amp; St John&#x27;s &lt;Primary&gt;" in ours


def test_an_option_with_a_template_of_its_own_goes_to_the_templates():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    class F(forms.Form):
        pick = forms.ChoiceField(choices=[("a", "A")], widget=Custom)

    form = F(renderer=DjangoTemplates())
    django_html, ours = _both(form["pick"])
    assert ours == django_html and "<option" not in ours and "<input" in ours


def test_the_portal_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "sendportal.form_renderer.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)
