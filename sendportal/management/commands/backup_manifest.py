"""`manage.py backup_manifest`: what a backup must bring back, to compare after a restore (sendportal.backups)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sendportal import backups


class Command(BaseCommand):
    help = (
        "Record this database's manifest (rows per table, digests of the clocks and of the audit trail, every "
        "certificate file checked by SHA-256) with --output, or compare it with one recorded at backup time with "
        "--compare. Exits 1 when anything differs or a certificate file is missing or altered."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="write the manifest (JSON) to this file")
        parser.add_argument("--compare", help="the manifest recorded at backup time")

    def handle(self, *args, output, compare, **options):
        current = backups.manifest(Path(settings.MEDIA_ROOT))
        if output:
            Path(output).write_text(json.dumps(current, indent=1), encoding="utf-8")
        files = current["certificate_files"]
        self.stdout.write(
            f"{sum(current['tables'].values()):,} rows in {len(current['tables'])} tables; "
            f"{current['clocks']['rows']:,} clocks; {current['audit']['timeline_events']:,} timeline events and "
            f"{current['audit']['log_entries']:,} audit log entries; {files['certificates']:,} certificates in "
            f"{files['files']:,} files and {current['document_files']['documents']:,} documents checked by SHA-256"
        )
        problems = [*files["problems"], *current["document_files"]["problems"]]
        if compare:
            problems = backups.compare(json.loads(Path(compare).read_text(encoding="utf-8")), current)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problems: the restore is not complete")
        self.stdout.write("Restore check: everything backed up is back." if compare else "Manifest recorded.")
