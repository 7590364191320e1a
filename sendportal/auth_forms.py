"""The sign-in form."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's before anything is looked up or
    recorded: AuthenticationForm only sets the field's max_length after the field is built, so its length was never
    checked, and the lockout then failed to record a 10,000-character name (a server error on PostgreSQL)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
