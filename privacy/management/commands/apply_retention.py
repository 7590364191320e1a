"""`manage.py apply_retention`: the retention schedule for closed cases (docs/retention.md).

--dry-run (the default) prints how many cases are at each step today and changes nothing. --apply deletes what is
due, then anonymises what is due, a batch at a time (each batch its own transaction), recording every case it
touches in privacy.RetentionAction. Safe to run daily from cron, to interrupt and to run again. Prints counts
only: never a name or a case reference.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from privacy import selectors, services
from sendportal.formats import short_date

LINES = [
    ("closed", "Closed cases"),
    ("delete", "  due for deletion"),
    ("anonymise", "  due for anonymisation"),
    ("anonymised_waiting", "  anonymised, deletion not yet due"),
    ("kept", "  kept in full, not yet due"),
    ("held", "  on legal hold (left alone)"),
    ("no_date", "  closed with no closing date (left alone)"),
]


class Command(BaseCommand):
    help = (
        "Apply the retention schedule to closed cases: anonymise, then later delete (docs/retention.md). "
        "Without --apply it only reports how many cases each step would touch."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="Report counts only; change nothing (the default).")
        mode.add_argument("--apply", action="store_true", help="Anonymise and delete what is due.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=100,
            help="Cases per transaction (default 100). Smaller batches hold locks for less time.",
        )

    def handle(self, *args, apply: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        today = timezone.localdate()
        policy = selectors.retention_policy()
        out = self.stdout
        mode = "applying" if apply else "dry run: nothing is changed"
        out.write(f"Retention schedule on {short_date(today)} ({mode})")
        out.write(
            f"  anonymise: {policy.anonymise_after_years} years after closing, and not before the child is "
            f"{policy.keep_until_age}; delete: {policy.delete_after_years} years after that"
        )
        self._counts(selectors.retention_counts(today, policy))
        if not apply:
            out.write("Run with --apply to anonymise and delete the cases due.")
            return

        def progress(step, count):
            out.write(f"  batch: {step} {count:,} cases")

        try:
            result = services.retention_apply(today=today, policy=policy, batch_size=batch_size, on_batch=progress)
        except services.RetentionStuck as exc:
            raise CommandError(f"Stopped: {exc}. Nothing after the last completed batch was changed.") from exc
        out.write(
            self.style.SUCCESS(
                f"Deleted {result.deleted:,} cases and anonymised {result.anonymised:,} cases in {result.batches:,} "
                f"batches (run {result.run})."
            )
        )

    def _counts(self, counts: dict) -> None:
        width = max(len(label) for _, label in LINES)
        for key, label in LINES:
            self.stdout.write(f"{label:<{width}}  {counts[key]:>9,}")
