"""The statutory clocks on a case, stored so lists and dashboards can query them."""

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .case import Case


class Deadline(models.Model):
    """One statutory clock on one case (docs/rules.md §4): computed by cases.deadlines from recorded
    facts, stored so lists and dashboards can query it, and recomputed by services when a fact changes."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        MISSED = "missed", "Missed"
        WAIVED = "waived", "Waived"
        SUPERSEDED = "superseded", "No longer applies"

    class Binds(models.TextChoices):
        LA = "la", "The LA"
        FAMILY = "family", "The family"
        ADVISER = "adviser", "The mediation adviser"
        ICB = "icb", "The ICB"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    key = models.CharField(max_length=40, help_text="Unique per case: the clock code, or code:item.")
    clock = models.CharField(max_length=4)
    title = models.CharField(max_length=200)
    binds = models.CharField(max_length=10, choices=Binds, default=Binds.LA)
    due_on = models.DateField()
    due_time = models.TimeField(null=True, blank=True)
    facts = models.JSONField(default=dict, blank=True, help_text="The recorded facts the due date came from.")
    state = models.CharField(max_length=12, choices=State, default=State.OPEN)
    met_on = models.DateField(null=True, blank=True)
    needs_legal_review = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    waived_reason = models.CharField(max_length=500, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A copy of the case's officer, so one officer's clocks come from one index (cases_deadline_officer_idx)
    # rather than from every clock of every case they hold. Set from the case when a clock is created (save(),
    # and the bulk writers set it themselves) and moved with the case by services.case_assign_officer.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
        help_text="The officer holding the case (copied from the case).",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="cases_deadline_one_per_key"),
            models.CheckConstraint(
                condition=Q(state__in=["open", "met", "missed", "waived", "superseded"]),
                name="cases_deadline_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="met") | Q(met_on__isnull=False), name="cases_deadline_met_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(state="waived") | ~Q(waived_reason=""), name="cases_deadline_waived_has_reason"
            ),
        ]
        indexes = [
            # "overdue" and "due between" queries: open clocks by due date.
            models.Index(fields=["state", "due_on"], name="cases_deadline_due_idx"),
            # A case's clocks by state; with the clock and met date, a provider's certificate clocks (C2, C6, C8)
            # are counted from the index alone.
            models.Index(fields=["case", "state", "due_on", "clock", "met_on"], name="cases_deadline_case_idx"),
            models.Index(fields=["clock", "state"], name="cases_deadline_clock_idx"),
            # Clock compliance over a period (management dashboard): counted from the index alone, in its order.
            models.Index(fields=["clock", "due_on", "state", "met_on"], name="cases_deadline_compliance_idx"),
            # One officer's open clocks by due date (My work, the Deadlines page).
            models.Index(fields=["officer", "state", "due_on"], name="cases_deadline_officer_idx"),
            # The open clocks that are work for the LA (not the family's windows), by due date with their case: the
            # management dashboard's overdue and due-this-week counts read a few thousand entries, not every open
            # clock's row. (State and binds are in it too, so SQLite sees it holds all the query reads.)
            models.Index(
                fields=["state", "due_on", "binds", "case"],
                condition=Q(state="open") & ~Q(binds="family"),
                name="cases_deadline_la_open_idx",
            ),
            # A case's certificate clocks (C2, C6, C8) with what compliance needs: the providers' certificate
            # figures look up each referral's case here rather than among all of the case's clocks. The condition
            # is written as the query writes it (dashboards.selectors.certificate_clock): SQLite uses a partial
            # index only for a condition written alike, and never for an IN list of bound parameters.
            models.Index(
                fields=["case", "state", "due_on", "met_on", "clock"],
                condition=Q(clock="C2") | Q(clock="C6") | Q(clock="C8"),
                name="cases_deadline_certificate_idx",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.key} due {self.due_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not (self._state.adding and self.case_id is not None):
            return super().save(*args, **kwargs)
        # A new clock belongs to whoever holds the case now. Read under the case's row lock (which
        # case_assign_officer holds while it moves the case's clocks), not from a case object loaded earlier,
        # so a reassignment at the same moment cannot leave the new clock with the previous officer.
        with transaction.atomic():
            self.officer_id = (
                Case.objects.select_for_update().filter(pk=self.case_id).values_list("officer_id", flat=True).get()
            )
            return super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    @property
    def met_late(self):
        return self.state == self.State.MET and self.met_on is not None and self.met_on > self.due_on
