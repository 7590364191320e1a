"""What the dashboards keep: the management figures as last worked out, shared by every app server."""

from django.db import models


class FiguresSnapshot(models.Model):
    """The management dashboard's figures for one choice of period and officer, as last worked out.

    One row per choice (`key`), overwritten in place when the figures are worked out again, so the table holds at
    most one row for each choice a manager has made. A row serves only the day and the list of officers it was
    worked out for (`signature`), and only for settings.DASHBOARD_FIGURES_SECONDS after `worked_out_at`.
    """

    key = models.CharField(max_length=64, primary_key=True)
    signature = models.CharField(max_length=64)
    worked_out_at = models.DateTimeField()
    figures = models.BinaryField()

    class Meta:
        verbose_name = "management figures snapshot"

    def __str__(self) -> str:
        return f"figures {self.key[:8]} worked out at {self.worked_out_at:%Y-%m-%d %H:%M}"
