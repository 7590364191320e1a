"""The signed-in user's own profile: who they are, their roles, and whether they get deadline reminder emails."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .models import StaffPreference
from .reminders import REMINDER_PERMISSION, reminder_preference_for, reminder_preference_set


class ReminderPreferenceForm(forms.ModelForm):
    """Only the switch itself: the user is always the one signed in, never a posted field."""

    class Meta:
        model = StaffPreference
        fields = ["reminder_emails"]
        labels = {"reminder_emails": "Email me a daily list of my clocks that are overdue or due soon"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reminder_emails"].help_text = (
            f"Sent on working days when a clock on a case assigned to you is overdue or due within "
            f"{settings.REMINDER_WORKING_DAYS} working days. Untick to stop these emails."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


@require_http_methods(["GET", "POST"])
def profile(request):
    # Reminders list the clocks of cases assigned to the user, so only case workers have the setting.
    can_have_reminders = request.user.has_perm(REMINDER_PERMISSION)
    if request.method == "POST" and not can_have_reminders:
        raise PermissionDenied
    form = None
    if can_have_reminders:
        data = request.POST if request.method == "POST" else None
        form = ReminderPreferenceForm(data, instance=reminder_preference_for(request.user))
        if form.is_valid():
            preference = reminder_preference_set(
                user=request.user, reminder_emails=form.cleaned_data["reminder_emails"]
            )
            messages.success(request, f"Reminder emails turned {'on' if preference.reminder_emails else 'off'}")
            return redirect("profile")
    roles = list(request.user.groups.order_by("name").values_list("name", flat=True))
    if request.user.is_superuser:
        roles.append("Portal administrator")
    return render(request, "cases/profile.html", {"form": form, "roles": roles})
