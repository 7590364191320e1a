"""The letters' template language: named fields only, checked with clear messages, rendered in one pass.
No database: these tests fail if anything queries."""

import importlib

import pytest

from letters import sandbox

SEED = importlib.import_module("letters.migrations.0002_seed_templates_and_support_services")


def test_a_template_of_known_fields_has_no_problems():
    assert sandbox.template_errors("Dear {{ recipient_name }},\n\nYour reference is {{case_reference}}.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello {{ child }}", "Line 1: there is no field called “child”"),
        ("ok\n{{ case.child_first_name }}", "Line 2: “{{ case.child_first_name }}” is not a field"),
        ("{{ case_reference|upper }}", "is not a field"),
        ("{{ request.user.password }}", "is not a field"),
        ("{{ case_reference.__class__ }}", "is not a field"),
        ("{{ settings['SECRET_KEY'] }}", "is not a field"),
        ("{{ }}", "is not a field"),
        ("{% load static %}", "Line 1: “{%” is not allowed"),
        ("{% for a in b %}{{ a }}{% endfor %}", "“{%” is not allowed"),
        ("{# hidden #}", "“{#” is not allowed"),
        ("Dear {{ recipient_name", "“{{” is not allowed"),
        ("text }} more", "“}}” is not allowed"),
        ("a\x00b", "null character"),
    ],
)
def test_anything_but_a_known_field_is_refused_with_its_line(text, expected):
    problems = sandbox.template_errors(text)
    assert problems, text
    assert any(expected in p for p in problems), problems


def test_only_the_fixed_fields_are_allowed():
    assert sandbox.template_errors("{{ nhs_number }}") != []
    assert sandbox.template_errors("{{ child_name }}", allowed={"other": ""}) != []


def test_rendering_puts_values_in_one_pass_so_a_value_is_never_read_as_a_field():
    text = sandbox.render("To {{ recipient_name }}, ref {{ case_reference }}", {
        "recipient_name": "{{ case_reference }} {% load x %}",
        "case_reference": "SEND-2026-00001",
    })  # fmt: skip
    assert text == "To {{ case_reference }} {% load x %}, ref SEND-2026-00001"


def test_rendering_a_broken_template_is_refused_rather_than_sent():
    with pytest.raises(sandbox.TemplateInvalid, match="no field called"):
        sandbox.render("{{ unknown_field }}", {})


def test_fields_used_are_listed_once_in_order():
    assert sandbox.fields_used("{{ b_x }} {{a_y}} {{ b_x }}") == ["b_x", "a_y"]


def test_paragraphs_split_at_blank_lines_and_keep_line_breaks():
    assert sandbox.paragraphs("One\nline two\n\n\n  \nThree\r\nfour\n") == [["One", "line two"], ["Three", "four"]]


@pytest.mark.parametrize("kind", sorted(SEED.TEMPLATES))
def test_every_seeded_template_passes_the_check(kind):
    subject, body = SEED.TEMPLATES[kind]
    assert sandbox.template_errors(subject) == []
    assert sandbox.template_errors(body) == []
