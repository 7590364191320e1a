"""Mediation sessions, and the dates in England they are counted by."""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

from cases.models import DATE_RANGE

from .referral import Referral


class MediationSession(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    class SessionStatus(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    class Party(models.TextChoices):
        FAMILY = "family", "The family"
        LA = "la", "The LA"
        ICB = "icb", "The ICB"
        MEDIATOR = "mediator", "The mediator"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="sessions")
    # A copy of the referral's case (a referral never moves to another case), set by save() when the session is
    # recorded: the SEN2 figures look up each held session's case appeals by it, rather than going through the
    # referral and the case.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        editable=False,
        related_name="+",
        db_index=False,
        help_text="The referral's case (copied from the referral).",
    )
    starts_at = models.DateTimeField("date and time", validators=DATE_RANGE)
    starts_on = models.DateField(
        "date",
        editable=False,
        help_text="The session's date in England, kept with starts_at by save(): the date-based figures (SEN2, days "
        "to mediation) read it instead of converting every start time to London time.",
    )
    mode = models.CharField(max_length=10, choices=Mode)
    venue = models.CharField(max_length=300, blank=True, help_text="Address, or the online meeting service.")
    notice_sent_on = models.DateField("date notice of the date and place was sent", validators=DATE_RANGE)
    short_notice_consent = models.BooleanField("the family agreed to less than 5 working days' notice", default=False)
    status = models.CharField(max_length=15, choices=SessionStatus, default=SessionStatus.PLANNED)
    cancelled_by = models.CharField(max_length=10, choices=Party, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    party_attended = models.BooleanField("parent or young person attended", default=False)
    supporter_attended = models.BooleanField("supporter or advocate attended", default=False)
    la_decision_maker_attended = models.BooleanField("LA decision-maker attended", default=False)
    icb_attended = models.BooleanField("ICB representative attended", default=False)
    interpreter_attended = models.BooleanField("interpreter attended", default=False)
    child_views_obtained = models.BooleanField("the child's views were obtained", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    calendar_sequence = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="How many times the mediator's calendar invitation was changed or cancelled (its SEQUENCE).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            # Sessions by status and time; with the referral, the date in England and the case, the SEN2 figures
            # read the held sessions of a window from the index alone.
            models.Index(
                fields=["status", "starts_at", "referral", "starts_on", "case"], name="referrals_session_due_idx"
            ),
            # The first held session of each referral (days to mediation, SEN2 figures).
            models.Index(fields=["referral", "status", "starts_on", "starts_at"], name="referrals_session_first_idx"),
        ]

    def __str__(self):
        return f"Session {self.pk} on referral {self.referral_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.case_id is None and self.referral_id is not None:
            self.case_id = self.referral.case_id
        self.starts_on = england_date(self.starts_at)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "starts_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "starts_on"}
        super().save(*args, **kwargs)
        referral_first_held_refresh(self.referral_id)


def referral_first_held_refresh(referral_id: int) -> None:
    """Set the referral's copy of its first held session's date (Referral.first_held_on) from its sessions, in one
    UPDATE (in the caller's transaction: every session service runs in one)."""
    first = (
        MediationSession.objects.filter(referral=models.OuterRef("pk"), status=MediationSession.SessionStatus.HELD)
        .order_by("starts_on")
        .values("starts_on")[:1]
    )
    Referral.objects.filter(pk=referral_id).update(first_held_on=models.Subquery(first))


def england_date(moment) -> date:
    """The calendar date in England (settings.TIME_ZONE, Europe/London) of an aware datetime."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
