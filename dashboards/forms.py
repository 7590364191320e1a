"""Input parsing for the dashboards: the period, the SEN2 year and the officer. Bad input becomes a message on
the field (shown in the error summary), never an exception."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from django import forms

from cases.dates import PeriodFieldsForm
from sendportal.formats import day_month_year

from .selectors import FIRST_SEN2_YEAR, MAX_PERIOD_DAYS, Period, default_period

END_BEFORE_START = "The end date must be the same as or after the start date."
PERIOD_TOO_LONG = "Choose a period of 5 years or less."
UNKNOWN_OFFICER = "Choose an officer from the list."


def _year_choices(today: date) -> list[tuple[str, str]]:
    return [(str(year), str(year)) for year in range(today.year, FIRST_SEN2_YEAR - 1, -1)]


def _bad_year(today: date) -> str:
    return f"Choose a year from {FIRST_SEN2_YEAR} to {today.year}."


class YearForm(forms.Form):
    """The SEN2 reporting year: a calendar year from 2014 to this year."""

    year = forms.TypedChoiceField(label="Year", coerce=int, required=False)

    def __init__(self, data=None, *, today: date):
        super().__init__(data)
        self.today = today
        self.fields["year"].choices = _year_choices(today)
        self.fields["year"].error_messages["invalid_choice"] = _bad_year(today)
        self.fields["year"].help_text = (
            "Calendar year for the SEN2 mediation figures. The academic year shown with it ends in August of that "
            "year (2026: 1 September 2025 to 31 August 2026)."
        )

    def clean_year(self):
        return self.cleaned_data.get("year") or self.today.year


class PeriodForm(PeriodFieldsForm, YearForm):
    """The management dashboard's choices: a period (both ends included), the SEN2 year and, optionally, one
    officer whose cases the case-based figures are limited to. Officers are checked against the list of people
    who can hold cases (cases.selectors.officers_qs), loaded once by the view."""

    officer = forms.ChoiceField(label="Officer", required=False, error_messages={"invalid_choice": UNKNOWN_OFFICER})

    field_order = ["date_from", "date_to", "officer", "year"]

    def __init__(self, data=None, *, today: date, officers):
        super().__init__(data, today=today)
        self.officers = {str(u.pk): u for u in officers}
        self.fields["officer"].choices = [
            ("", "Everyone"),
            *[(pk, u.display_name) for pk, u in self.officers.items()],
        ]
        default = default_period(today)
        since, until = day_month_year(default.start), day_month_year(today)
        self.fields[
            "date_from"
        ].help_text = f"Clocks due, referrals referred or concluded from this date. Leave empty for {since}."
        self.fields["date_to"].help_text = f"Up to and including this date. Leave empty for today ({until})."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_officer(self):
        value = self.cleaned_data.get("officer")
        if not value:
            return None
        if value not in self.officers:  # ChoiceField has already refused it; kept for safety
            raise forms.ValidationError(UNKNOWN_OFFICER)
        return self.officers[value]

    def clean(self):
        data = super().clean()
        default = default_period(self.today)
        start = data.get("date_from") or default.start
        end = data.get("date_to") or default.end
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        if end < start:
            self.add_error("date_to", END_BEFORE_START)
        elif (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("date_to", PERIOD_TOO_LONG)
        else:
            data["period"] = Period(start, end)
        return data

    def choices(self) -> dict:
        """Period, year and officer to use: the cleaned ones, or the defaults when nothing was asked for."""
        if self.is_bound and self.is_valid():
            return {
                "period": self.cleaned_data["period"],
                "year": self.cleaned_data["year"],
                "officer": self.cleaned_data["officer"],
            }
        return {"period": default_period(self.today), "year": self.today.year, "officer": None}
