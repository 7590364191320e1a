"""`manage.py subject_access_export REFERENCE`: the subject-access export of one case (or, with --family, the
family's cases found as on the export page) as a ZIP file, recorded in the audit log and on each case's timeline
like an export from the portal."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.models import Case
from privacy import selectors, services, subject_access


class Command(BaseCommand):
    help = "Write everything the portal holds about a case (and optionally its family's cases) to a ZIP file."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The case reference, for example SEND-2026-00042.")
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the ZIP (a file, or a folder for the usual name). Default: the current folder.",
        )
        parser.add_argument(
            "--family",
            action="store_true",
            help="Also include every case that matches as the same child or the same person bringing the "
            "disagreement. Check the list it prints before disclosing anything.",
        )
        parser.add_argument(
            "--purpose",
            choices=[value for value, _ in services.Purpose.choices],
            default=services.Purpose.SUBJECT_ACCESS,
            help="What the export is for (default subject_access).",
        )
        parser.add_argument("--request-reference", default="", help="Your request reference (never a name).")

    def handle(self, *args, reference, output, family, purpose, request_reference, **options):
        case = Case.objects.filter(reference__iexact=reference.strip()).first()
        if case is None:
            raise CommandError(f"No case has the reference {reference.strip()!r}.")
        cases = [case]
        if family:
            for match in selectors.family_cases(case):
                cases.append(match.case)
                self.stdout.write(f"  also {match.case.reference}: {'; '.join(match.reasons)}")
        name = subject_access.zip_name(cases, timezone.localdate())
        target = output or Path(name)
        if target.is_dir():
            target = target / name
        if target.exists():
            raise CommandError(f"{target} exists already: choose another --output.")
        services.subject_access_record(
            cases=cases, actor=None, purpose=purpose, request_reference=request_reference.strip()
        )
        meta = subject_access.ExportMeta(
            generated_at=timezone.now(),
            generated_by="the command line (manage.py subject_access_export)",
            purpose=services.Purpose.label(purpose),
            request_reference=request_reference.strip(),
        )
        target.write_bytes(subject_access.build_zip(cases, meta))
        target.chmod(0o600)
        counted = f"{len(cases)} {'case' if len(cases) == 1 else 'cases'}"
        self.stdout.write(self.style.SUCCESS(f"Wrote {target} ({counted})."))
