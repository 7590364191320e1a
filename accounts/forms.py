"""Input for sign-in, security codes and passwords. Forms parse input; services and Django's auth make changes."""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class SignInForm(auth_forms.AuthenticationForm):
    """Username and password; the message never says which of the two was wrong. A username longer than any
    account's is refused before anything is looked up or recorded: AuthenticationForm sets the field's max_length
    only after the field is built, so its length was never checked, and the lockout then failed to record a
    10,000-character name (a server error on PostgreSQL)."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password.",
        "inactive": "Enter a correct username and password.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class CodeForm(forms.Form):
    """A security code: six digits from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Security code",
        max_length=32,
        help_text="The 6-digit code from your authenticator app. If you cannot use the app, enter one of your "
        "recovery codes instead.",
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class EnrolCodeForm(forms.Form):
    """The first code from a newly added authenticator app."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="6 digits, for example 123456",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address your sendportal account uses",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


_NEW_PASSWORD_HINT = (
    "At least 12 characters. A few unrelated words make a strong password that is easy to remember. "
    "Do not use a password you use anywhere else."
)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _NEW_PASSWORD_HINT
        self.fields["new_password2"].label = "Confirm new password"
        self.helper = _helper()


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["new_password1"].help_text = _NEW_PASSWORD_HINT
        self.fields["new_password2"].label = "Confirm new password"
        self.helper = _helper()
