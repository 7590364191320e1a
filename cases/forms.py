"""Input parsing for case pages. Forms parse and check input; services make the change."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone

from . import rules, validators
from .dates import portal_formfield
from .models import Case, CaseNote, HealthBody, PlanSection, School, Status
from .selectors import officers_qs
from .services import EDITABLE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class CaseForm(forms.ModelForm):
    """Intake and edit form. Explicit fields only: status, officer and reference change through services."""

    sections_disputed = forms.MultipleChoiceField(
        label="EHC plan sections disputed",
        choices=PlanSection.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Appeals lie on B, F and I; the others can be mediated but not appealed on their own.",
    )

    class Meta:
        model = Case
        formfield_callback = portal_formfield
        fields = EDITABLE_FIELDS
        widgets = {
            "child_date_of_birth": DateInput(),
            "decision_sent_on": DateInput(),
            "first_contact_on": DateInput(),
            "address": forms.Textarea(attrs={"rows": 3}),
            "access_needs": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "decision_sent_on": "The date on the LA's decision letter: the appeal clock runs from it.",
            "preferred_language": "The language the family prefers to use.",
            "email": "For example name@example.com",
            "phone": "A UK number, for example 07700 900123",
            "postcode": "For example SW1A 1AA",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.active()
        self.fields["icb"].queryset = HealthBody.objects.active()
        self.fields["decision"].help_text = "Required for statutory mediation and placement-only disagreements."
        for name in ("child_first_name", "child_last_name", "party_name"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["postcode"].widget.attrs["autocomplete"] = "postal-code"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.form_show_errors = True
        self.helper.layout = Layout(
            Fieldset(
                "Child or young person",
                Div("child_first_name", "child_last_name", css_class="row-cols-md-2"),
                "child_date_of_birth", "upn", "nhs_number", "school",
            ),
            Fieldset(
                "Who brings the disagreement",
                "party_type", "party_name", "party_relationship", "phone", "email", "address", "postcode",
                "preferred_language", "interpreter_needed", "access_needs", "sendiass_involved", "supporter_name",
            ),
            Fieldset(
                "The disagreement",
                "route", "decision", "decision_sent_on", "sections_disputed",
                "health_involved", "social_care_involved", "icb",
                "first_contact_on", "first_contact_channel",
            ),
        )

    def clean_upn(self):
        value = self.cleaned_data.get("upn", "")
        return validators.normalise_upn(value) if value else ""

    def clean_nhs_number(self):
        value = self.cleaned_data.get("nhs_number", "")
        return validators.normalise_nhs_number(value) if value else ""

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        return validators.normalise_uk_postcode(value) if value else ""

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        return validators.normalise_uk_phone(value) if value else ""

    def clean(self):
        data = super().clean()
        problems = rules.intake_problems(
            today=timezone.localdate(),
            date_of_birth=data.get("child_date_of_birth"),
            decision_sent_on=data.get("decision_sent_on"),
            first_contact_on=data.get("first_contact_on"),
            party_type=data.get("party_type"),
            route=data.get("route"),
            decision=data.get("decision"),
            sections_disputed=data.get("sections_disputed") or (),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        if data.get("health_involved") is False and data.get("icb"):
            self.add_error("icb", "Tick 'health care issues' or leave the ICB empty.")
        return data

    def _post_clean(self):
        # The model's own validation runs in the service; the form's job ends at parsing and checking input.
        pass


class DuplicateConfirmForm(forms.Form):
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="This is a different disagreement: save it anyway",
    )


class AssignOfficerForm(forms.Form):
    officer = OfficerChoiceField(
        queryset=None, required=False, empty_label="Nobody (unassigned)", label="Assigned officer"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers_qs()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ChangeStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="New status")
    reason = forms.CharField(
        label="Reason or note (required when the family withdraws)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=400,
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [("", "Choose the next status")] + [
            (s, Status(s).label) for s in rules.allowed_transitions(case.status)
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    visibility = forms.ChoiceField(
        choices=CaseNote.Visibility.choices,
        initial=CaseNote.Visibility.INTERNAL,
        widget=forms.RadioSelect,
        label="Who can see it",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CaseSearchForm(forms.Form):
    q = forms.CharField(label="Case reference or child's name", max_length=100, required=False)


__all__ = [
    "AssignOfficerForm", "CaseForm", "CaseSearchForm", "ChangeStatusForm", "DuplicateConfirmForm", "NoteForm",
    "HTML", "Submit",
]
