"""Forms for the managers' team pages: reassigning many cases, and absence cover."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from .dates import PortalDateField
from .forms import OfficerChoiceField
from .models import Case
from .selectors import officers_qs
from .team_selectors import REASSIGN_LIST_LIMIT, open_cases_of


def case_holders():
    """Everyone who can hold cases, and anyone (say, someone who has left) still holding open cases."""
    holding = Case.objects.open().exclude(officer__isnull=True).values("officer")
    return (
        get_user_model()
        .objects.filter(Q(pk__in=officers_qs().values("pk")) | Q(pk__in=holding))
        .order_by("first_name", "last_name", "username")
    )


class FromOfficerForm(forms.Form):
    from_officer = OfficerChoiceField(queryset=None, label="Whose cases are moving?", empty_label="Choose an officer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_officer"].queryset = case_holders()
        self.fields["from_officer"].error_messages["required"] = "Choose the officer whose cases are moving."
        self.fields["from_officer"].error_messages["invalid_choice"] = "Choose an officer from the list."


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference}: {obj.child_first_name} {obj.child_last_name} ({obj.get_status_display()})"


class ReassignForm(forms.Form):
    ALL, CHOSEN = "all", "chosen"

    which = forms.ChoiceField(label="Which cases?", widget=forms.RadioSelect)
    cases = CaseChoiceField(
        queryset=Case.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Cases to move"
    )
    to_officer = OfficerChoiceField(queryset=None, label="Move them to", empty_label="Choose an officer")
    reason = forms.CharField(
        label="Why are they moving?",
        help_text="Recorded on each case's timeline, for example: Sam has left the team.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, from_officer, open_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.from_officer = from_officer
        self.fields["which"].choices = [
            (self.ALL, f"All their open cases ({open_count})"),
            (self.CHOSEN, "Only the cases I tick below"),
        ]
        self.fields["which"].initial = self.ALL
        self.fields["which"].error_messages["required"] = "Choose which cases are moving."
        self.fields["cases"].queryset = open_cases_of(from_officer).select_related(None)
        self.fields["cases"].error_messages["invalid_choice"] = (
            "One of the ticked cases is no longer open or no longer theirs: reload the page and tick again."
        )
        # The tick boxes offer the first REASSIGN_LIST_LIMIT (oldest first), not every open case an officer who
        # left may hold; a ticked case is still checked against all their open cases.
        self.listed = list(open_cases_of(from_officer)[:REASSIGN_LIST_LIMIT])
        field = self.fields["cases"]
        field.widget.choices = [(c.pk, field.label_from_instance(c)) for c in self.listed]
        self.fields["to_officer"].queryset = officers_qs().exclude(pk=from_officer.pk)
        self.fields["to_officer"].error_messages["required"] = "Choose who the cases are moving to."
        self.fields["to_officer"].error_messages["invalid_choice"] = "Choose an officer from the list."
        self.fields["reason"].error_messages["required"] = "Enter why the cases are moving."

    def clean(self):
        data = super().clean()
        if data.get("which") == self.CHOSEN and not data.get("cases") and "cases" not in self.errors:
            self.add_error("cases", "Tick at least one case, or choose all their open cases.")
        return data

    def chosen(self):
        """The cases to move, as a queryset."""
        if self.cleaned_data["which"] == self.ALL:
            return open_cases_of(self.from_officer)
        return Case.objects.filter(pk__in=[c.pk for c in self.cleaned_data["cases"]])


class CoverForm(forms.Form):
    officer = OfficerChoiceField(queryset=None, label="Who is away?", empty_label="Choose an officer")
    colleague = OfficerChoiceField(queryset=None, label="Who covers their work?", empty_label="Choose a colleague")
    starts_on = PortalDateField(label="First day of cover")
    ends_on = PortalDateField(label="Last day of cover")
    reason = forms.CharField(
        label="Why?", help_text="For example: annual leave. Seen by managers only.", max_length=200
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, what in (("officer", "who is away"), ("colleague", "who covers their work")):
            self.fields[name].queryset = officers_qs()
            self.fields[name].error_messages["required"] = f"Choose {what}."
            self.fields[name].error_messages["invalid_choice"] = "Choose someone from the list."
        self.fields["starts_on"].error_messages["required"] = "Enter the first day of cover."
        self.fields["ends_on"].error_messages["required"] = "Enter the last day of cover."
        self.fields["reason"].error_messages["required"] = "Enter why cover is needed, for example annual leave."
