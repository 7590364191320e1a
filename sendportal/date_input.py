"""The date component every form uses (the GOV.UK Design System's "date input"): one fieldset whose legend is the
field's label, a hint ("For example, 27 3 2026") and three labelled text boxes, Day, Month and Year; a date and
time adds a Time box (HH:MM). Errors say which part is wrong ("Date of birth must include a month") and mark only
the boxes in error; the error summary links to the first of them (`DateInputBoundField.id_for_label`).

- `parse_date_parts`, `parse_time` and `parse_date_time_parts`: pure, what the boxes mean (a date, a time, nothing,
  or a `DateProblem` naming the wrong boxes).
- `DateInputWidget` (and `DateTimeInputWidget`): a MultiWidget posting `<name>_day`, `<name>_month`,
  `<name>_year` (and `<name>_time`). A single ISO value posted under the field's own name (YYYY-MM-DD, or
  YYYY-MM-DDTHH:MM) is still read, for scripted clients; the boxes win when both are posted.
- `DatePartsMixin`: for a form field (cases.dates.PortalDateField and PortalDateTimeField use it): reads the
  boxes, says what is wrong with the field's label, and renders with `DateInputBoundField`.

Rendered by templates/components/date_input.html, from crispy's field template (templates/bootstrap5/field.html)
or `{{ form.field }}`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.utils import from_current_timezone, to_current_timezone
from django.template import loader
from django.utils.safestring import mark_safe

DATE_PARTS = ("day", "month", "year")
DATE_TIME_PARTS = (*DATE_PARTS, "time")
HINT = "For example, 27 3 2026"
TIME_HINT = "For example, 14:30"
LABELS = {"day": "Day", "month": "Month", "year": "Year", "time": "Time"}
WIDTHS = {"day": 2, "month": 2, "year": 4, "time": 5}

MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
NUMBER = re.compile(r"[0-9]{1,4}")
YEAR = re.compile(r"[0-9]{4}")
DIGITS = re.compile(r"[0-9]+")
TIME = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm)?", re.IGNORECASE)


class TypedDate(NamedTuple):
    """What a person typed in the boxes, as typed."""

    day: str
    month: str
    year: str


class TypedDateTime(NamedTuple):
    day: str
    month: str
    year: str
    time: str


@dataclass(frozen=True)
class DateProblem:
    """What is wrong with the boxes: the message follows the field's label ("must include a month"), `parts`
    are the boxes in error, in the order they are shown."""

    message: str
    parts: tuple[str, ...]
    code: str


def _clean(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _month(text: str) -> int | None:
    if NUMBER.fullmatch(text):
        return int(text)
    return MONTH_NAMES.get(text.lower().rstrip("."))


def parse_date_parts(day, month, year) -> date | DateProblem | None:
    """The date three boxes give; None when all three are empty. Leading zeros and spaces around are fine, the
    month may be a name ("March", "mar"), the year must have 4 numbers."""
    values = {"day": _clean(day), "month": _clean(month), "year": _clean(year)}
    missing = [part for part in DATE_PARTS if not values[part]]
    if len(missing) == len(DATE_PARTS):
        return None
    if missing:
        return DateProblem(f"must include a {_join(missing)}", tuple(missing), "incomplete")
    wrong = []
    day_number = int(values["day"]) if NUMBER.fullmatch(values["day"]) else None
    if day_number is None or not 1 <= day_number <= 31:
        wrong.append("day")
    month_number = _month(values["month"])
    if month_number is None or not 1 <= month_number <= 12:
        wrong.append("month")
    year_text = values["year"]
    if not DIGITS.fullmatch(year_text):
        wrong.append("year")
    if wrong:
        return DateProblem("must be a real date", tuple(wrong), "invalid")
    if not YEAR.fullmatch(year_text):
        return DateProblem("year must include 4 numbers", ("year",), "year_digits")
    try:
        return date(int(year_text), month_number, day_number)
    except ValueError:  # 30 February, 31 April, 29 February outside a leap year, year 0
        return DateProblem("must be a real date", DATE_PARTS, "invalid")


def parse_time(text) -> time | DateProblem | None:
    """A time of day: "14:30", "9:05", "9.05", "2pm", "2:30pm"; None when empty."""
    text = _clean(text)
    if not text:
        return None
    match = TIME.fullmatch(text)
    problem = DateProblem("time must be a real time, for example 14:30", ("time",), "invalid_time")
    if not match or (match.group(2) is None and match.group(3) is None):
        return problem
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return problem
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return problem
    return time(hour, minute)


def parse_date_time_parts(day, month, year, time_text) -> datetime | DateProblem | None:
    """A date and a time of day (naive); None when every box is empty."""
    day_of = parse_date_parts(day, month, year)
    at = parse_time(time_text)
    if day_of is None and at is None:
        return None
    if day_of is None:
        return DateProblem("must include a day, month and year", DATE_PARTS, "incomplete")
    if isinstance(day_of, DateProblem):
        return day_of
    if at is None:
        return DateProblem("must include a time", ("time",), "incomplete")
    if isinstance(at, DateProblem):
        return at
    return datetime.combine(day_of, at)


def _part_value(data, key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


class DateInputWidget(forms.MultiWidget):
    """Day, Month and Year text boxes (names `<name>_day`, `<name>_month`, `<name>_year`). `autocomplete="bday"`
    gives the boxes bday-day, bday-month and bday-year (a person's own date of birth); "off" turns it off."""

    is_date_input = True
    parts = DATE_PARTS
    typed = TypedDate
    template_name = "components/date_input.html"

    def __init__(self, attrs=None, *, autocomplete: str | None = None):
        super().__init__({part: forms.TextInput for part in self.parts}, attrs)
        self.autocomplete = autocomplete

    # --- reading what was posted ---

    def part_names(self, name: str) -> list[str]:
        return [f"{name}_{part}" for part in self.parts]

    def value_from_datadict(self, data, files, name):
        keys = self.part_names(name)
        if any(key in data for key in keys):
            return self.typed(*(_part_value(data, key) for key in keys))
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(key in data for key in self.part_names(name))

    # --- showing a value ---

    def decompress(self, value) -> list[str]:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    @staticmethod
    def _from_iso(text: str):
        """An ISO value posted under the field's own name, shown in the boxes (what cannot be read is left out)."""
        match = re.match(r"\s*([0-9]{1,4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ]([0-9]{1,2}:[0-9]{2}))?", text)
        if not match:
            return None
        year, month, day, at = match.groups()
        return TypedDateTime(str(int(day)), str(int(month)), year, at or "")

    def values_for(self, value) -> list[str]:
        if isinstance(value, str):
            value = self._from_iso(value)
        if isinstance(value, TypedDate | TypedDateTime):
            return [*value, "", ""][: len(self.parts)]
        return self.decompress(value)

    def posted_data(self, name: str, value) -> dict[str, str]:
        """What a browser posts for the boxes showing `value` (a date, or what was typed)."""
        return dict(zip(self.part_names(name), self.values_for(value), strict=True))

    def format_value(self, value):
        """A single value for the field's own name (as the ISO date a scripted client posts)."""
        if isinstance(value, datetime | date):
            return value.isoformat()
        return super().format_value(value)

    # --- rendering ---

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        attrs = context["widget"]["attrs"]
        id_ = attrs.get("id", "")
        invalid = set(attrs.pop("invalid_parts", ()))
        boxes = []
        for part, part_value in zip(self.parts, self.values_for(value), strict=True):
            box_id = f"{id_}_{part}" if id_ else ""
            box_attrs = {
                "class": f"form-control date-input__input date-input__input--width-{WIDTHS[part]}"
                + (" is-invalid" if part in invalid else ""),
                "spellcheck": "false",
            }
            if part != "time":
                box_attrs["inputmode"] = "numeric"
            if self.autocomplete and part != "time":
                box_attrs["autocomplete"] = "off" if self.autocomplete == "off" else f"{self.autocomplete}-{part}"
            if part in invalid:
                box_attrs["aria-invalid"] = "true"
            hint_id = f"{box_id}_hint" if part == "time" and box_id else ""
            if hint_id:
                box_attrs["aria-describedby"] = hint_id
            boxes.append(
                {
                    "part": part,
                    "name": f"{name}_{part}",
                    "id": box_id,
                    "label": LABELS[part],
                    "value": part_value,
                    "attrs": box_attrs,
                    "hint": TIME_HINT if part == "time" else "",
                    "hint_id": hint_id,
                }
            )
        context["boxes"] = boxes
        context["id"] = id_
        context["hint"] = HINT
        return context

    def _render(self, template_name, context, renderer=None):
        # templates/components/ is the project's, which the form renderer does not search.
        return mark_safe(loader.render_to_string(template_name, context))

    def render_component(self, bound_field, attrs=None) -> str:
        """The whole component for a bound field: legend, hint, help text, errors and the boxes."""
        id_ = self.attrs.get("id") or bound_field.auto_id
        invalid = bound_field.invalid_parts
        context = self.get_context(
            bound_field.html_name, bound_field.value(), {**(attrs or {}), "id": id_, "invalid_parts": invalid}
        )
        errors = list(bound_field.errors)
        described = [f"{id_}_hint"]
        if bound_field.help_text:
            described.insert(0, f"{id_}_helptext")
        if errors:
            described.append(f"{id_}_error")
        context.update(
            legend=bound_field.label,
            required=bound_field.field.required,
            help_text=bound_field.help_text,
            errors=errors,
            describedby=" ".join(described) if id_ else "",
        )
        return self._render(self.template_name, context)


class DateTimeInputWidget(DateInputWidget):
    """Day, Month and Year boxes and a Time box (HH:MM)."""

    parts = DATE_TIME_PARTS
    typed = TypedDateTime

    def decompress(self, value) -> list[str]:
        if isinstance(value, datetime):
            value = to_current_timezone(value)
            return [str(value.day), str(value.month), str(value.year), value.strftime("%H:%M")]
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year), ""]
        return ["", "", "", ""]

    def format_value(self, value):
        if isinstance(value, datetime):
            return to_current_timezone(value).strftime("%Y-%m-%dT%H:%M")
        return super().format_value(value)


class DateInputBoundField(BoundField):
    """A date field as the component: rendered whole by its widget, its label pointing at the first box in
    error (the error summary links there)."""

    @property
    def invalid_parts(self) -> tuple[str, ...]:
        widget = self.field.widget
        if not self.errors or not isinstance(widget, DateInputWidget):
            return ()
        typed = self.data
        if isinstance(typed, TypedDate | TypedDateTime):
            problem = self.field.problem_in(typed)
            if problem is not None:
                return problem.parts
        return widget.parts  # the date as a whole is wrong (or was posted as one value)

    @property
    def id_for_label(self):
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_ or not isinstance(widget, DateInputWidget):
            return super().id_for_label
        return f"{id_}_{(self.invalid_parts or widget.parts)[0]}"

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        widget = widget or self.field.widget
        if only_initial or not isinstance(widget, DateInputWidget):
            return super().as_widget(widget, attrs, only_initial)
        return widget.render_component(self, attrs)


def _lower_first(text: str) -> str:
    """The label inside a sentence: "Date of birth" gives "date of birth"; "LA response due" stays as it is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


class DatePartsMixin:
    """For a date (or date and time) form field: reads the boxes (or one ISO value), says what is wrong with the
    field's name in front ("Date of birth must include a month"; `error_label` when the label alone reads badly,
    such as "From"), and asks for a missing required date by name ("Enter the date of birth")."""

    widget = DateInputWidget
    bound_field_class = DateInputBoundField

    def __init__(self, *args, error_label: str | None = None, **kwargs):
        self.error_label = error_label
        super().__init__(*args, **kwargs)

    @property
    def named(self) -> str:
        return str(self.error_label or self.label or "The date")

    def problem_in(self, typed) -> DateProblem | None:
        found = self.parse_typed(typed)
        return found if isinstance(found, DateProblem) else None

    def parse_typed(self, typed):
        if isinstance(typed, TypedDateTime):
            return parse_date_time_parts(*typed)
        return parse_date_parts(*typed[:3])

    def to_python(self, value):
        if isinstance(value, TypedDate | TypedDateTime):
            found = self.parse_typed(value)
            if isinstance(found, DateProblem):
                raise ValidationError(f"{self.named} {found.message}.", code=found.code)
            if isinstance(found, datetime):
                return from_current_timezone(found)
            return found
        return super().to_python(value)

    def validate(self, value):
        if value in self.empty_values and self.required:
            message = self.error_messages["required"]
            if message == forms.Field.default_error_messages["required"]:
                name = _lower_first(self.named)
                message = f"Enter {name}" if name.startswith("the ") else f"Enter the {name}"
                message += "."
            raise ValidationError(message, code="required")
        super().validate(value)
