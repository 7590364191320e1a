from crispy_forms.helper import FormHelper
from django import forms

from . import files
from .models import Document


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        error_messages={"required": "Choose the file to upload.", "empty": "The file is empty. Choose the file again."},
    )
    kind = forms.ChoiceField(
        label="What it is",
        choices=Document.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the document is.", "invalid_choice": "Choose what the document is."},
    )
    title = forms.CharField(
        label="Description",
        max_length=200,
        help_text="For example: Decision letter of 3 March, or Mediation agreement signed on the day.",
        error_messages={
            "required": "Enter a description of the document.",
            "max_length": "The description must be 200 characters or fewer.",
        },
    )
    shared_with_mediator = forms.BooleanField(
        label="Share it with the mediator",
        required=False,
        help_text="The mediator assigned to this case's referral can then see and download it.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "document_%s")
        super().__init__(*args, **kwargs)
        # The limit the upload is checked against (settings.DOCUMENT_MAX_BYTES), not a copy of it.
        accepted = files.ACCEPTED[0].upper() + files.ACCEPTED[1:]
        self.fields["file"].help_text = f"{accepted}, up to {files.megabytes(files.max_bytes())}."
        self.fields["file"].widget.attrs["accept"] = ".pdf,.docx,.jpg,.jpeg,.png"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class DocumentRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why remove it",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: uploaded to the wrong case.",
        error_messages={
            "required": "Give the reason for removing the document.",
            "max_length": "The reason must be 500 characters or fewer.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
