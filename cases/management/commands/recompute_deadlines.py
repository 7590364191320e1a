import time

from django.core.management.base import BaseCommand

from cases.clock_services import deadlines_recompute_all


class Command(BaseCommand):
    help = (
        "Recompute every statutory clock (C1-C17) of every case from its recorded facts, with the current "
        "working-day calendar (run after a new non-working day), and each case's next deadline and next step; moved "
        "dates go on each timeline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, batch_size, **options):
        started = time.perf_counter()
        counts = deadlines_recompute_all(batch_size=batch_size)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Recomputed clocks for {counts['cases']:,} cases in {elapsed:.1f}s: "
            f"{counts['created']:,} new, {counts['moved']:,} moved, {counts['changed'] - counts['moved']:,} otherwise "
            f"changed, {counts['unchanged']:,} unchanged."
        )
