"""Input parsing for case pages. Forms parse and check input; services make the change."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone

from sendportal.date_input import DateInputWidget
from sendportal.formats import short_date

from . import rules, validators
from .dates import portal_formfield
from .models import Case, CaseNote, HealthBody, PlanSection, School, Status
from .selectors import officers_qs
from .services import EDITABLE_FIELDS, PARTY_FIELDS

OUT_OF_DATE_FORM = "This form is out of date: open the case's edit page again and make your changes there."


def posted_values(bound_field) -> list[str]:
    """What a browser posts for a field showing its initial value (a ticked box posts "on", an unticked one
    nothing)."""
    widget = bound_field.field.widget
    value = bound_field.field.prepare_value(bound_field.initial)
    if isinstance(widget, forms.CheckboxInput):
        return ["on"] if widget.check_test(value) else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    shown = widget.format_value(value)
    if isinstance(shown, list):
        return [str(v) for v in shown]
    return ["" if shown is None else str(shown)]


def shown_value(case: Case, name: str) -> str:
    """A saved value as a person reads it (choices by their label, dates written out)."""
    model_field = Case._meta.get_field(name)
    value = getattr(case, name)
    if value in (None, "", []):
        return "(blank)"
    if model_field.choices:
        return str(getattr(case, f"get_{name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return short_date(value)
    if name == "sections_disputed":
        return ", ".join(PlanSection(s).label for s in value if s in PlanSection.values)
    return str(value)


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


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
            "child_date_of_birth": DateInputWidget(autocomplete="bday"),
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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # Intake: whoever takes the case in holds it, unless they choose someone else or the queue.
            officers = officers_qs()
            self.fields["officer"] = OfficerChoiceField(
                queryset=officers,
                required=False,
                empty_label="Nobody yet: leave it in the queue for an officer",
                label="Officer who will hold the case",
                help_text="You, unless you choose another officer.",
                initial=user.pk if user is not None and user.has_perm("cases.change_case_status") else None,
            )
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
        if self.instance.pk:
            # The version the form was opened at: a save after someone else's is caught (services.case_update).
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=1, initial=self.instance.version
            )
        self.helper.layout = Layout(
            *(["version"] if self.instance.pk else []),
            Fieldset(
                "Child or young person",
                Div("child_first_name", "child_last_name", css_class="row-cols-md-2"),
                "child_date_of_birth",
                "upn",
                "nhs_number",
                "school",
            ),
            Fieldset(
                "Who brings the disagreement",
                *PARTY_FIELDS,
                "sendiass_involved",
                "supporter_name",
            ),
            Fieldset(
                "The disagreement",
                "route",
                "decision",
                "decision_sent_on",
                "sections_disputed",
                "health_involved",
                "social_care_involved",
                "icb",
                "first_contact_on",
                "first_contact_channel",
            ),
            *([] if self.instance.pk else [Fieldset("Who holds the case", "officer")]),
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
        if self.instance.pk and (data.get("version") is None or "version" in self.errors):
            self.errors.pop("version", None)
            self.add_error(None, OUT_OF_DATE_FORM)
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

    @classmethod
    def after_stale_save(cls, data, stale) -> CaseForm:
        """The edit form again after a stale save (services.StaleEdit): what the other person changed is shown in
        the form and listed on top, the person's own changes stay in the form, and the version is brought up to
        date, so saving again applies theirs without undoing the other person's. Where both changed a field the
        saved value is shown and the field's message gives the value the person had entered."""
        case = stale.case
        saved = cls(instance=case)
        posted = cls(data, instance=case)
        who = stale.actor.display_name if stale.actor else "Someone"
        theirs = [name for name in stale.fields if name in saved.fields]
        differs = set(posted.changed_data)
        conflicts = {
            name: (
                f"{who} changed this to “{shown_value(case, name)}” while you were editing; your form had "
                f"“{_entered(saved, posted, data, name)}”. The saved value is shown: enter yours again if it should "
                "replace it."
            )
            for name in theirs
            if name in differs
        }
        merged = data.copy()
        for name in theirs:
            _show_saved(merged, saved, name)
        merged["version"] = str(case.version)
        form = cls(merged, instance=case)
        form.is_valid()
        when = f" (at {timezone.localtime(stale.at):%H:%M})" if stale.at else ""
        form.add_error(
            None,
            f"{who} saved changes to this case after you opened this form{when}. Nothing of yours "
            "has been saved yet. Their changes, now shown in the form with yours:",
        )
        for name in theirs:
            form.add_error(None, f"{saved.fields[name].label}: {shown_value(case, name)}")
        for name, message in conflicts.items():
            form.add_error(name, message)
        return form


def _entered(saved: CaseForm, posted: CaseForm, data, name: str) -> str:
    """What the person had in a field of the form they posted, as they typed it."""
    widget = saved.fields[name].widget
    if isinstance(widget, DateInputWidget):
        typed = widget.values_for(posted[name].data)
        return " ".join(v.strip() for v in typed if v.strip()) or "(blank)"
    return ", ".join(v for v in data.getlist(name) if v) or "(blank)"


def _show_saved(merged, saved: CaseForm, name: str) -> None:
    """Put a field's saved value into the posted data, as a browser would post it."""
    widget = saved.fields[name].widget
    if isinstance(widget, DateInputWidget):  # the boxes win over a value under the field's own name
        merged.pop(name, None)
        merged.update(widget.posted_data(name, saved[name].initial))
    else:
        merged.setlist(name, posted_values(saved[name]))


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
    "AssignOfficerForm",
    "CaseForm",
    "CaseSearchForm",
    "ChangeStatusForm",
    "DuplicateConfirmForm",
    "NoteForm",
    "HTML",
    "Submit",
]
