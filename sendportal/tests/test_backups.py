"""The restore check (sendportal.backups, manage.py backup_manifest): what a backup must bring back. `make drill`
runs it on a real pg_dump and pg_restore; here it is run on the test database against altered copies."""

import hashlib
import json
from datetime import date

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from cases.models import Deadline
from cases.services import case_event_record
from cases.tests.factories import CaseFactory
from referrals.tests.factories import CertificateFactory
from sendportal import backups

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% test certificate\n%%EOF\n"


@pytest.fixture
def data(officer):
    case = CaseFactory(officer=officer)
    Deadline.objects.create(case=case, key="C1", clock="C1", title="Adviser", due_on=date(2026, 6, 1))
    case_event_record(case=case, actor=officer, kind="note_added", description="Internal note added")
    certificate = CertificateFactory(case=case, referral__case=case, sha256=hashlib.sha256(PDF).hexdigest())
    return case, certificate


def test_a_manifest_counts_every_table_and_checks_every_certificate_file(data):
    case, certificate = data
    found = backups.manifest(settings.MEDIA_ROOT)
    assert found["tables"]["cases_case"] == 1
    assert found["tables"]["referrals_certificate"] == 1
    assert found["clocks"]["rows"] == 1
    assert found["audit"]["timeline_events"] == 1
    assert found["certificate_files"] == {"certificates": 1, "files": 1, "problems": []}
    assert backups.compare(found, backups.manifest(settings.MEDIA_ROOT)) == []


def test_a_changed_clock_a_lost_row_and_a_lost_audit_entry_are_all_reported(data, officer):
    case, _ = data
    before = backups.manifest(settings.MEDIA_ROOT)
    Deadline.objects.filter(case=case).update(state=Deadline.State.MET, met_on=date(2026, 5, 30))
    case.events.all().delete()
    CaseFactory(officer=officer)
    problems = backups.compare(before, backups.manifest(settings.MEDIA_ROOT))
    assert "table cases_case: 1 rows backed up, 2 restored" in problems
    assert any(p.startswith("clocks sha256:") for p in problems)
    assert "audit timeline_events: 1 backed up, 0 restored" in problems


def test_a_missing_or_altered_certificate_file_is_caught_by_its_sha256(data):
    _, certificate = data
    path = settings.MEDIA_ROOT / certificate.pdf.name
    path.write_bytes(PDF.replace(b"test", b"fake"))
    problems = backups.manifest(settings.MEDIA_ROOT)["certificate_files"]["problems"]
    assert problems == [
        f"certificate {certificate.number}: file {certificate.pdf.name} has SHA-256 "
        f"{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}..., recorded {certificate.sha256[:12]}..."
    ]
    path.unlink()
    assert backups.manifest(settings.MEDIA_ROOT)["certificate_files"]["problems"] == [
        f"certificate {certificate.number}: file {certificate.pdf.name} is missing"
    ]


def test_a_missing_or_altered_document_is_caught_by_its_sha256(data, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import services as document_services

    case, _ = data
    document = document_services.document_upload(
        case=case, actor=officer, upload=SimpleUploadedFile("x.pdf", PDF), kind="other", title="Scan",
        shared_with_mediator=False,
    )  # fmt: skip
    before = backups.manifest(settings.MEDIA_ROOT)
    assert before["document_files"] == {"documents": 1, "problems": []}
    path = settings.MEDIA_ROOT / document.file.name
    path.write_bytes(PDF.replace(b"test", b"fake"))
    assert backups.compare(before, backups.manifest(settings.MEDIA_ROOT)) == [
        f"document {document.pk}: file {document.file.name} has SHA-256 "
        f"{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}..., recorded {document.sha256[:12]}..."
    ]
    path.unlink()
    assert backups.compare(before, backups.manifest(settings.MEDIA_ROOT)) == [
        f"document {document.pk}: file {document.file.name} is missing"
    ]


def test_the_command_records_then_compares(data, tmp_path, capsys):
    _, certificate = data
    recorded = tmp_path / "manifest.json"
    call_command("backup_manifest", output=str(recorded))
    assert json.loads(recorded.read_text())["tables"]["referrals_certificate"] == 1
    call_command("backup_manifest", compare=str(recorded))
    assert "Restore check: everything backed up is back." in capsys.readouterr().out
    (settings.MEDIA_ROOT / certificate.pdf.name).unlink()
    with pytest.raises(CommandError, match="1 problems: the restore is not complete"):
        call_command("backup_manifest", compare=str(recorded))
    assert "is missing" in capsys.readouterr().err
