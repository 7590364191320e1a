"""Input for the data protection pages. References and reasons arrive by POST, never in a URL; the access log's
filters are dates and a choice only, so its GET query strings carry nothing personal."""

from __future__ import annotations

from django import forms

from cases.dates import PeriodFieldsForm

from .access_log import What
from .services import Purpose

REFERENCE_UNKNOWN = "No case has that reference. Check it and try again."
END_BEFORE_START = "The end date must be the same as or after the start date."


class CaseReferenceForm(forms.Form):
    reference = forms.CharField(
        label="Case reference",
        max_length=30,
        help_text="As on the case page, for example SEND-2026-00042.",
        error_messages={"required": "Enter the case reference."},
    )

    def __init__(self, *args, finder, **kwargs):
        super().__init__(*args, **kwargs)
        self.finder = finder
        self.case = None

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        self.case = self.finder(reference)
        if self.case is None:
            raise forms.ValidationError(REFERENCE_UNKNOWN)
        return reference


class ExportForm(forms.Form):
    """What goes into a subject-access export: the case found, any of the family's other cases the officer
    ticks, what it is for and the council's own request reference."""

    case = forms.IntegerField(widget=forms.HiddenInput)
    family = forms.TypedMultipleChoiceField(
        label="Also include these cases",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick only the cases you have checked belong to the same family.",
        error_messages={"invalid_choice": "Choose only from the cases listed."},
    )
    purpose = forms.ChoiceField(
        label="What is the export for?",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the export is for."},
    )
    request_reference = forms.CharField(
        label="Your request reference (optional)",
        max_length=50,
        required=False,
        help_text="The reference your information governance team gave the request. Do not enter names.",
    )

    def __init__(self, *args, family_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = list(family_choices)


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the claim, complaint or request the records are kept for. Do not enter names.",
        error_messages={"required": "Give the reason."},
    )


class AccessLogFilter(PeriodFieldsForm):
    """The access log's filters (GET): a period, both ends included, and what happened."""

    what = forms.ChoiceField(
        label="What happened",
        choices=What.choices,
        required=False,
        error_messages={"invalid_choice": "Choose what happened from the list."},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", END_BEFORE_START)
        return data

    def choices(self) -> dict:
        """The filters to apply: the valid ones, or none."""
        if self.is_bound and self.is_valid():
            return {key: self.cleaned_data.get(key) or None for key in ("date_from", "date_to")} | {
                "what": self.cleaned_data.get("what") or What.ALL
            }
        return {"date_from": None, "date_to": None, "what": What.ALL}


class PersonForm(forms.Form):
    person = forms.TypedChoiceField(
        label="Member of staff",
        coerce=int,
        error_messages={
            "required": "Choose a member of staff.",
            "invalid_choice": "Choose a member of staff from the list.",
        },
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            ("", "Choose a person"),
            *[
                (
                    person.pk,
                    f"{person.display_name} ({person.get_username()})"
                    + ("" if person.is_active else ", no longer active"),
                )
                for person in people
            ],
        ]
