"""The date component (sendportal.date_input): what the boxes mean, the messages naming the wrong part, the boxes
marked in error, a single ISO value still read, and how it renders (a fieldset, never type="date")."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
from django import forms
from django.http import QueryDict

from cases.dates import PortalDateField, PortalDateTimeField
from cases.forms import CaseForm
from sendportal.date_input import (
    DateInputWidget,
    DateProblem,
    TypedDate,
    parse_date_parts,
    parse_time,
)
from sendportal.testing.dates import box_value, date_parts


class BirthForm(forms.Form):
    born = PortalDateField(label="Date of birth", widget=DateInputWidget(autocomplete="bday"))
    seen = PortalDateField(label="Date last seen", required=False, help_text="If known.")


class SessionForm(forms.Form):
    starts_at = PortalDateTimeField(label="Date and time")


def posted(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data[key] = value
    return data


def born(day, month, year) -> QueryDict:
    return posted(born_day=day, born_month=month, born_year=year)


def errors_of(form, name) -> list[str]:
    form.is_valid()
    return list(form.errors.get(name, []))


# --- What the boxes mean ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts,expected",
    [
        (("27", "3", "2026"), date(2026, 3, 27)),
        (("03", "09", "2026"), date(2026, 9, 3)),  # leading zeros
        (("  3 ", "\t9", " 2026 "), date(2026, 9, 3)),  # spaces around
        (("3", "March", "2026"), date(2026, 3, 3)),  # a month by name
        (("3", "sept", "2026"), date(2026, 9, 3)),
        (("29", "2", "2028"), date(2028, 2, 29)),  # a leap day
        (("", "", ""), None),
        (("  ", " ", ""), None),  # only spaces: nothing typed
    ],
)
def test_the_boxes_give_the_date_typed(parts, expected):
    assert parse_date_parts(*parts) == expected


@pytest.mark.parametrize(
    "parts,message,wrong",
    [
        (("27", "", "2026"), "must include a month", ("month",)),
        (("", "3", ""), "must include a day and year", ("day", "year")),
        (("", "", "2026"), "must include a day and month", ("day", "month")),
        (("27", "3", ""), "must include a year", ("year",)),
        (("30", "2", "2026"), "must be a real date", ("day", "month", "year")),
        (("29", "2", "2027"), "must be a real date", ("day", "month", "year")),  # not a leap year
        (("31", "4", "2026"), "must be a real date", ("day", "month", "year")),
        (("27", "13", "2026"), "must be a real date", ("month",)),
        (("32", "3", "2026"), "must be a real date", ("day",)),
        (("0", "3", "2026"), "must be a real date", ("day",)),
        (("x", "3", "2026"), "must be a real date", ("day",)),
        (("27", "Marchember", "2026"), "must be a real date", ("month",)),
        (("27", "3", "twenty"), "must be a real date", ("year",)),
        (("27", "3", "2O26"), "must be a real date", ("year",)),  # a letter O
        (("\u0662\u0667", "3", "2026"), "must be a real date", ("day",)),  # digits that are not 0-9
        (("9" * 10_000, "3", "2026"), "must be a real date", ("day",)),
        (("27", "3", "26"), "year must include 4 numbers", ("year",)),  # a two-digit year is refused
        (("27", "3", "02026"), "year must include 4 numbers", ("year",)),
        (("27", "3", "9" * 10_000), "year must include 4 numbers", ("year",)),
        (("27", "3", "0000"), "must be a real date", ("day", "month", "year")),
    ],
)
def test_the_boxes_say_which_part_is_wrong(parts, message, wrong):
    assert parse_date_parts(*parts) == DateProblem(message, wrong, parse_date_parts(*parts).code)


@pytest.mark.parametrize(
    "text,expected",
    [("14:30", time(14, 30)), ("9:05", time(9, 5)), ("09.05", time(9, 5)), ("2pm", time(14, 0)),
     ("2:30 PM", time(14, 30)), ("12am", time(0, 0)), ("12pm", time(12, 0)), ("", None), ("  ", None)],
)  # fmt: skip
def test_a_time_is_hours_and_minutes(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "14:60", "14", "1430", "13pm", "noon", "14:3", "\x00"])
def test_a_time_that_cannot_be_is_refused(text):
    assert parse_time(text).parts == ("time",)


# --- The field's messages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts,message",
    [
        (("27", "", "2026"), "Date of birth must include a month."),
        (("", "3", ""), "Date of birth must include a day and year."),
        (("30", "2", "2026"), "Date of birth must be a real date."),
        (("27", "13", "2026"), "Date of birth must be a real date."),
        (("29", "2", "2027"), "Date of birth must be a real date."),
        (("27", "3", "26"), "Date of birth year must include 4 numbers."),
        (("", "", ""), "Enter the date of birth."),
        (("31", "12", "1899"), "Date of birth must be between 1 January 1900 and 31 December 2100."),
        (("1", "1", "2101"), "Date of birth must be between 1 January 1900 and 31 December 2100."),
    ],
)
def test_the_field_names_itself_and_the_wrong_part(parts, message):
    assert errors_of(BirthForm(born(*parts)), "born") == [message]


def test_the_field_reads_the_boxes():
    form = BirthForm(born(" 29", "02 ", "2028"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"born": date(2028, 2, 29), "seen": None}


def test_an_iso_value_under_the_fields_own_name_is_still_read():
    form = BirthForm(posted(born="2015-06-01"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == date(2015, 6, 1)
    assert errors_of(BirthForm(posted(born="2015-02-30")), "born") == ["Enter a valid date."]


def test_the_boxes_win_over_an_iso_value():
    form = BirthForm(posted(born="2015-06-01", born_day="2", born_month="7", born_year="2016"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == date(2016, 7, 2)
    # Empty boxes are what the person typed: nothing, whatever the ISO value says.
    assert errors_of(BirthForm(posted(born="2015-06-01", born_day="", born_month="", born_year="")), "born") == [
        "Enter the date of birth."
    ]


def test_a_list_posted_in_a_box_is_read_as_its_last_value_and_nothing_else_breaks():
    data = born("1", "2", "2020")
    data.setlist("born_day", ["3", "4"])
    form = BirthForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == date(2020, 2, 4)
    assert BirthForm({"born_day": ["3"], "born_month": "2", "born_year": "2020"}).errors["born"] == [
        "Date of birth must include a day."
    ]


def test_a_field_that_is_not_posted_at_all_is_omitted():
    widget = DateInputWidget()
    assert widget.value_omitted_from_data({}, {}, "born")
    assert not widget.value_omitted_from_data({"born_year": ""}, {}, "born")
    assert not widget.value_omitted_from_data({"born": "2020-01-01"}, {}, "born")


def test_a_changed_date_is_seen_as_changed_and_the_same_one_is_not():
    same = BirthForm(born("1", "6", "2015"), initial={"born": date(2015, 6, 1), "seen": None})
    assert same.changed_data == []
    other = BirthForm(born("2", "6", "2015"), initial={"born": date(2015, 6, 1), "seen": None})
    assert other.changed_data == ["born"]


def test_a_date_and_time_reads_its_time_box():
    form = SessionForm(posted(starts_at_day="1", starts_at_month="12", starts_at_year="2026", starts_at_time="2pm"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"].replace(tzinfo=None) == datetime(2026, 12, 1, 14, 0)
    assert str(form.cleaned_data["starts_at"].tzinfo) == "Europe/London"
    missing = posted(starts_at_day="1", starts_at_month="12", starts_at_year="2026", starts_at_time="")
    assert errors_of(SessionForm(missing), "starts_at") == ["Date and time must include a time."]
    wrong = posted(starts_at_day="1", starts_at_month="12", starts_at_year="2026", starts_at_time="25:00")
    assert errors_of(SessionForm(wrong), "starts_at") == ["Date and time time must be a real time, for example 14:30."]
    no_date = posted(starts_at_day="", starts_at_month="", starts_at_year="", starts_at_time="10:00")
    assert errors_of(SessionForm(no_date), "starts_at") == ["Date and time must include a day, month and year."]
    assert SessionForm(posted(starts_at="2026-12-01T10:00")).is_valid()


# --- How it renders ---------------------------------------------------------------------------------------------


def boxes(html: str) -> dict[str, str]:
    """Each box's tag, by its name."""
    return {re.search(r'name="([^"]+)"', tag).group(1): tag for tag in re.findall(r"<input[^>]*>", html)}


def test_the_component_is_a_fieldset_with_the_label_as_legend_a_hint_and_three_labelled_text_boxes():
    html = str(BirthForm()["born"])
    assert re.search(r'<fieldset class="date-input" id="id_born_fieldset" aria-describedby="id_born_hint"', html)
    assert re.search(r"<legend[^>]*>Date of birth<span[^>]*>\*</span></legend>", html)
    assert '<div id="id_born_hint" class="form-text mt-0 mb-2">For example, 27 3 2026</div>' in html
    found = boxes(html)
    assert list(found) == ["born_day", "born_month", "born_year"]
    for part, width in (("day", 2), ("month", 2), ("year", 4)):
        tag = found[f"born_{part}"]
        assert 'type="text"' in tag and 'inputmode="numeric"' in tag
        assert f"date-input__input--width-{width}" in tag
        assert f'autocomplete="bday-{part}"' in tag  # a date of birth
        assert f'<label class="form-label date-input__label mb-1" for="id_born_{part}">{part.title()}</label>' in html
    assert 'type="date"' not in html


def test_only_a_date_of_birth_offers_autocomplete_and_help_text_describes_the_group():
    html = str(BirthForm()["seen"])
    assert "autocomplete" not in html
    assert 'aria-describedby="id_seen_helptext id_seen_hint"' in html
    assert '<div id="id_seen_helptext" class="form-text mt-0 mb-1">If known.</div>' in html


def test_only_the_boxes_in_error_are_marked_and_the_label_points_at_the_first():
    form = BirthForm(born("", "3", ""))
    form.is_valid()
    html = str(form["born"])
    found = boxes(html)
    for part, wrong in (("day", True), ("month", False), ("year", True)):
        tag = found[f"born_{part}"]
        assert ("is-invalid" in tag) is wrong and ('aria-invalid="true"' in tag) is wrong
    assert 'aria-describedby="id_born_hint id_born_error"' in html
    assert "Date of birth must include a day and year." in html
    assert form["born"].id_for_label == "id_born_day"
    month_only = BirthForm(born("27", "13", "2026"))
    month_only.is_valid()
    assert month_only["born"].id_for_label == "id_born_month"
    assert box_value(str(month_only["born"]), "born_month") == "13"  # what was typed is shown again


def test_a_problem_with_the_whole_date_marks_every_box():
    form = BirthForm(born("31", "12", "1899"))
    form.is_valid()
    found = boxes(str(form["born"]))
    assert all("is-invalid" in tag for tag in found.values())
    assert form["born"].id_for_label == "id_born_day"


def test_the_boxes_show_a_saved_date_and_an_iso_value_posted():
    assert date_parts("born", date(2015, 6, 1)) == {"born_day": "1", "born_month": "6", "born_year": "2015"}
    html = str(BirthForm(initial={"born": date(2015, 6, 1)})["born"])
    assert [box_value(html, f"born_{p}") for p in ("day", "month", "year")] == ["1", "6", "2015"]
    posted_iso = BirthForm(posted(born="2015-02-30"))
    posted_iso.is_valid()
    html = str(posted_iso["born"])
    assert [box_value(html, f"born_{p}") for p in ("day", "month", "year")] == ["30", "2", "2015"]


def test_a_date_and_time_adds_a_time_box_with_its_hint():
    html = str(SessionForm(initial={"starts_at": datetime(2026, 12, 1, 10, 0)})["starts_at"])
    found = boxes(html)
    assert list(found) == ["starts_at_day", "starts_at_month", "starts_at_year", "starts_at_time"]
    assert box_value(html, "starts_at_time") == "10:00"
    assert 'aria-describedby="id_starts_at_time_hint"' in found["starts_at_time"]
    assert "For example, 14:30" in html


@pytest.mark.django_db
def test_crispy_draws_the_component_and_no_form_in_the_portal_has_a_browser_date_box():
    from crispy_forms.utils import render_crispy_form

    html = render_crispy_form(CaseForm())
    assert 'type="date"' not in html and "datetime-local" not in html
    assert re.search(r'<div id="div_id_child_date_of_birth" class="mb-3">\s*<fieldset class="date-input"', html)
    assert 'autocomplete="bday-day"' in html  # the child's date of birth
    assert html.count('autocomplete="bday-') == 3  # and no other date


def test_the_typed_value_is_kept_as_typed():
    widget = DateInputWidget()
    assert widget.value_from_datadict(born(" 3", "mar", "2026"), {}, "born") == TypedDate(" 3", "mar", "2026")
    assert widget.posted_data("born", TypedDate("3", "mar", "2026")) == {
        "born_day": "3",
        "born_month": "mar",
        "born_year": "2026",
    }
