"""Input parsing for letters. Forms parse; the service checks the whole change and saves it."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from cases.dates import PortalDateField

from .models import Letter, LetterKind


class _Helper:
    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class LetterChooseForm(_Helper, forms.Form):
    """Which letter to draft (GET): only the kinds available for the case can be chosen."""

    kind = forms.ChoiceField(label="Which letter", widget=forms.RadioSelect)

    def __init__(self, *args, kinds, **kwargs):
        kwargs.setdefault("auto_id", "choose_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.kind, k.label) for k in kinds if k.available]
        self.fields["kind"].error_messages["invalid_choice"] = "Choose a letter this case can have now."
        self.fields["kind"].error_messages["required"] = "Choose which letter to draft."
        self._helper()


class LetterRecordForm(_Helper, forms.Form):
    """Record a drafted letter as sent."""

    kind = forms.ChoiceField(choices=LetterKind.choices, widget=forms.HiddenInput)
    recipient = forms.CharField(
        label="Sent to", max_length=200, help_text="The name of the parent, carer or young person it went to."
    )
    method = forms.ChoiceField(label="How it was sent", choices=Letter.Method.choices, widget=forms.RadioSelect)
    sent_on = PortalDateField(label="Date sent")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "record_%s")
        super().__init__(*args, **kwargs)
        self.fields["recipient"].error_messages["required"] = "Enter who the letter was sent to."
        self.fields["method"].error_messages["required"] = "Choose how the letter was sent."
        self.fields["sent_on"].error_messages["required"] = "Enter the date the letter was sent."
        self._helper()
