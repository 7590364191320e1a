"""What is written on a case: notes, and the timeline every service appends to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .case import Case


class CaseNote(models.Model):
    """A note on a case. Internal notes are for the LA only; shared notes are also seen by the mediator."""

    class Visibility(models.TextChoices):
        INTERNAL = "internal", "Internal to the LA"
        SHARED = "shared", "Shared with the mediator"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    visibility = models.CharField(max_length=10, choices=Visibility, default=Visibility.INTERNAL)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=["internal", "shared"]), name="cases_casenote_visibility_valid"
            ),
        ]

    def __str__(self):
        return f"Note on {self.case_id} by {self.author_id}"


class CaseEvent(models.Model):
    """The case timeline: an append-only record written by every service that changes a case."""

    class Kind(models.TextChoices):
        CREATED = "created", "Case opened"
        UPDATED = "updated", "Details changed"
        OFFICER_ASSIGNED = "officer_assigned", "Officer assigned"
        STATUS_CHANGED = "status_changed", "Status changed"
        NOTE_ADDED = "note_added", "Note added"
        DEADLINE_MOVED = "deadline_moved", "Deadline moved"
        DEADLINE_MET = "deadline_met", "Deadline met"
        DEADLINE_WAIVED = "deadline_waived", "Deadline waived"
        REFERRAL = "referral", "Referral"
        MEDIATION = "mediation", "Mediation"
        CERTIFICATE = "certificate", "Certificate"
        AGREEMENT = "agreement", "Agreement"
        TRIBUNAL = "tribunal", "Tribunal"
        EXPORTED = "exported", "Exported"
        LEGAL_HOLD = "legal_hold", "Legal hold"
        ANONYMISED = "anonymised", "Anonymised"
        LETTER = "letter", "Letter sent"
        DOCUMENT = "document", "Document"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    description = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="cases_event_case_idx")]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"
