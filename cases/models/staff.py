"""Staff settings and absence: reminder preferences, the record of reminders sent, and cover while an officer
is away."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class StaffPreference(models.Model):
    """Per-user settings: deadline reminder emails can be turned off."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    reminder_emails = models.BooleanField(
        "send me a daily email listing my clocks that are overdue or due soon", default=True
    )

    def __str__(self):
        return f"Preferences of {self.user_id}"


class ReminderSent(models.Model):
    """One row per officer per day a reminder was sent: running the command twice sends nothing new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    deadline_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "sent_on"], name="cases_reminder_once_a_day")]

    def __str__(self):
        return f"Reminder to {self.user_id} on {self.sent_on}"


class CoverQuerySet(models.QuerySet):
    def current(self, today):
        """Covers in force on `today` (not ended early)."""
        return self.filter(ended_early_at__isnull=True, starts_on__lte=today, ends_on__gte=today)

    def current_or_coming(self, today):
        return self.filter(ended_early_at__isnull=True, ends_on__gte=today)


class Cover(models.Model):
    """A colleague covers an officer's work while the officer is away. From `starts_on` to `ends_on` (both
    included) the officer's open clocks show on the colleague's My work and Deadlines pages and the officer's
    daily reminders go to the colleague. The cases stay the officer's: nothing moves back when the cover ends."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="covers")
    colleague = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="covering")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    ended_early_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_early_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    objects = CoverQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["colleague", "ends_on"]), models.Index(fields=["officer", "ends_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="cases_cover_ends_after_start"),
            models.CheckConstraint(condition=~Q(officer=F("colleague")), name="cases_cover_not_self"),
        ]

    def __str__(self):
        return f"Cover for {self.officer_id} by {self.colleague_id} {self.starts_on}-{self.ends_on}"
