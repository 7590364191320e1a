"""Dates the portal accepts (docs/rules.md §8 D16): every date a person types is between
1 January 1900 and 31 December 2100, and a clock the engine cannot compute is refused at the form.

One form field for dates (`PortalDateField`) and one for date-times (`PortalDateTimeField`) that every form uses
(typed in the date component's boxes, sendportal.date_input),
a model validator for the model layer (admin, `full_clean`), and `CLOCK_ENGINE_ERRORS`, the exceptions the clock
engine raises when a date lies beyond what it can compute (the working-day calendar ends in 2100)."""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from sendportal.date_input import DatePartsMixin, DateTimeInputWidget

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
RANGE_TEXT = "between 1 January 1900 and 31 December 2100"
OUT_OF_RANGE_CODE = "date_out_of_range"

# What date arithmetic raises past the calendar's end (ValueError) or year 9999 (OverflowError).
CLOCK_ENGINE_ERRORS = (ValueError, OverflowError)
CLOCK_NOT_COMPUTABLE = (
    "A deadline cannot be worked out from these dates: it would fall outside the years the working-day calendar "
    "covers (1900 to 2100). Check the dates you entered."
)


def in_range(value: date | datetime | None) -> bool:
    if value is None:
        return True
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST


def out_of_range_error(label: str | None) -> ValidationError:
    what = str(label) if label else "The date"
    return ValidationError(f"{what} must be {RANGE_TEXT}.", code=OUT_OF_RANGE_CODE)


def validate_portal_date(value) -> None:
    """Model-level guard (admin forms and `full_clean`): the field's own label is added by the form fields."""
    if isinstance(value, date) and not in_range(value):
        raise ValidationError(f"Enter a date {RANGE_TEXT}.", code=OUT_OF_RANGE_CODE)


class _RangeMixin:
    def validate(self, value):
        super().validate(value)
        if not in_range(value):
            raise out_of_range_error(self.label)


class PortalDateField(_RangeMixin, DatePartsMixin, forms.DateField):
    """A date a person types in the date component (day, month and year boxes, sendportal.date_input): refused
    with a message naming the field and the wrong part, or outside 1900-2100."""


class PortalDateTimeField(_RangeMixin, DatePartsMixin, forms.DateTimeField):
    """A date and time a person types (the date component and a time box): refused with a message naming the
    field outside 1900-2100."""

    widget = DateTimeInputWidget

    def to_python(self, value):
        try:
            return super().to_python(value)
        except CLOCK_ENGINE_ERRORS:
            # Making a time in year 1 or 9999 aware can step outside what datetime holds.
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class PeriodFieldsForm(forms.Form):
    """The two ends of a period a person may choose ("From" and "To", both optional, both days included), as the
    dashboards' and the access log's filters ask for them. Forms add their own checks of the period."""

    date_from = PortalDateField(
        label="From",
        error_label="The start date",
        required=False,
        error_messages={"invalid": "Enter the start date as a real date, for example 2026-01-31."},
    )
    date_to = PortalDateField(
        label="To",
        error_label="The end date",
        required=False,
        error_messages={"invalid": "Enter the end date as a real date, for example 2026-03-31."},
    )


def portal_formfield(db_field: models.Field, **kwargs):
    """`formfield_callback` for ModelForms: their model date fields become the portal's date fields."""
    if isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", PortalDateTimeField)
    elif isinstance(db_field, models.DateField):
        kwargs.setdefault("form_class", PortalDateField)
    return db_field.formfield(**kwargs)
