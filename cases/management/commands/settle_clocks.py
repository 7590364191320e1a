"""`manage.py settle_clocks`: run daily by cron, before send_deadline_reminders. Asks the clock providers again
about every case with an open clock whose date has passed, so a clock the facts say will not be met (mediation not
held within 30 days) becomes missed once its date has passed, and never before (decision 12's guard)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.clock_services import recompute_lapsed


class Command(BaseCommand):
    help = "Settle clocks whose date has passed: missed where the recorded facts say they were not met."

    def handle(self, *args, **options):
        counts = recompute_lapsed(today=timezone.localdate())
        changed = counts["changed"]
        self.stdout.write(
            f"Looked again at {counts['cases']:,} case{'' if counts['cases'] == 1 else 's'} with a clock past its "
            f"date: {changed:,} clock{'' if changed == 1 else 's'} settled"
        )
