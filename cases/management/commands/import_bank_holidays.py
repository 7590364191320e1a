"""`manage.py import_bank_holidays FILE`: add bank holidays from the GOV.UK file to the extra non-working days.
The work is in cases.bank_holidays."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.bank_holidays import bank_holidays_import, parse_govuk_bank_holidays
from cases.clock_services import fmt

MAX_FILE_BYTES = 5 * 1024 * 1024  # the real file is about 20 KB


class Command(BaseCommand):
    help = (
        "Load a bank holidays file in the format GOV.UK publishes into the extra non-working days. "
        "Days already known (England and Wales bank holidays the portal knows, or days already in the table) "
        "are skipped. A malformed file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the JSON file, as downloaded from GOV.UK.")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{file}: the file is too large to be a bank holidays file; nothing was imported.")
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot read the file ({exc}); nothing was imported.") from None
        try:
            entries = parse_govuk_bank_holidays(text)
        except ValueError as exc:
            raise CommandError(f"{file}: {exc} Nothing was imported.") from None
        added, skipped = bank_holidays_import(entries)
        for row in added:
            self.stdout.write(f"Added {fmt(row.day)}: {row.title}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {len(added)} non-working day{'' if len(added) == 1 else 's'}; "
                f"skipped {len(skipped)} already known."
            )
        )
        if added:
            # Stored due dates were computed without these days; the recompute moves any they affect.
            self.stdout.write(
                "Run `manage.py recompute_deadlines` so the stored clocks take the new days into account."
            )
