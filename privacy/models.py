"""Data protection records kept beside a case: where it is in the retention schedule, any legal hold on it, and
the append-only log of what the retention schedule did.

Kept in this app (keyed to the case one-to-one) rather than as columns on cases.Case, so the case model and its
migrations stay as they are; a case with no row here is simply "kept in full, no legal hold".
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CaseRetention(models.Model):
    """The retention state of one case: the step it has reached and any legal hold.

    A legal hold stops both anonymisation and deletion while it is on. Who placed or lifted it, when and why is
    on the case timeline (CaseEvent kind "legal_hold") and in the audit log; this row holds the current state."""

    class Stage(models.TextChoices):
        KEPT = "kept", "Kept in full"
        ANONYMISED = "anonymised", "Anonymised"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="retention")
    stage = models.CharField(max_length=12, choices=Stage, default=Stage.KEPT)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    delete_due_on = models.DateField(
        null=True,
        blank=True,
        help_text="Set when the case is anonymised (the child's date of birth, which it depends on, is removed then).",
    )
    legal_hold = models.BooleanField(default=False)
    hold_reason = models.CharField("reason for the legal hold", max_length=500, blank=True)
    hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="legal hold placed by",
    )
    hold_since = models.DateTimeField("legal hold placed at", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "case retention"
        permissions = [
            ("export_subject_access", "Can produce a subject-access or disclosure export of a case"),
            ("view_access_log", "Can read the access log of cases and staff"),
            ("manage_legal_hold", "Can place and lift legal holds on cases"),
            ("view_retention", "Can see the retention schedule and what it will do"),
        ]
        indexes = [
            # Cases on legal hold (the retention page lists them; the schedule leaves them alone).
            models.Index(fields=["legal_hold"], condition=Q(legal_hold=True), name="privacy_retention_hold_idx"),
            models.Index(fields=["stage", "delete_due_on"], name="privacy_retention_stage_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=["kept", "anonymised"]), name="privacy_retention_stage_valid"),
            models.CheckConstraint(
                condition=Q(legal_hold=False) | ~Q(hold_reason=""), name="privacy_retention_hold_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(stage="kept") | Q(anonymised_at__isnull=False, delete_due_on__isnull=False),
                name="privacy_retention_anonymised_has_dates",
            ),
        ]

    def __str__(self):
        return f"Retention of case {self.case_id}"


class RetentionActionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("Retention actions are append-only.")

    def delete(self):
        raise ValidationError("Retention actions are append-only.")


class RetentionAction(models.Model):
    """One thing the retention schedule did to one case: append-only. It names the case by its id and the step,
    never the child, the family or the case reference (the reference is replaced when a case is anonymised, and
    gone when it is deleted)."""

    class Step(models.TextChoices):
        ANONYMISED = "anonymised", "Anonymised"
        DELETED = "deleted", "Deleted"

    case_id = models.PositiveBigIntegerField("case id", db_index=True)
    step = models.CharField(max_length=12, choices=Step)
    run = models.UUIDField(help_text="One run of apply_retention: every action it took shares this id.")
    happened_at = models.DateTimeField(default=timezone.now, editable=False)
    details = models.JSONField(default=dict, blank=True, help_text="Counts of what was removed; never names.")

    objects = RetentionActionQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index(fields=["-happened_at", "-id"], name="privacy_action_newest_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(step__in=["anonymised", "deleted"]), name="privacy_action_step_valid"),
        ]

    def __str__(self):
        return f"Case {self.case_id} {self.step} {self.happened_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Retention actions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Retention actions are append-only.")
