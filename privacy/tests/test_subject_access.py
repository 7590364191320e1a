"""What a subject-access export holds, how it is laid out, and the command-line version."""

import io
import json
import re
import zipfile
from datetime import date
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import CaseEvent, CaseNote, Status
from cases.tests.factories import CaseFactory
from privacy import subject_access
from privacy.tests.builders import Family, full_case
from referrals.models import Certificate

pytestmark = [pytest.mark.django_db, pytest.mark.today(date(2026, 12, 8))]


@pytest.fixture
def case(officer):
    return full_case(closed_on=None, born=date(2016, 5, 14), status=Status.MEDIATION_ROUTE, actor=officer)


def _export(cases):
    meta = subject_access.ExportMeta(
        generated_at=timezone.now(),
        generated_by="Dara Protection",
        purpose="Subject access request",
        request_reference="SAR-7",
    )
    archive = zipfile.ZipFile(io.BytesIO(subject_access.build_zip(cases, meta)))
    return archive, json.loads(archive.read("data.json")), archive.read("summary.html").decode()


def test_data_json_holds_every_kind_of_record_with_iso_dates(case):
    _, data, _ = _export([case])
    (exported,) = data["cases"]
    assert data["format_version"] == 1 and data["request_reference"] == "SAR-7"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}", data["generated_at"])
    facts = exported["case"]
    assert facts["child_first_name"] == "Zephyrine" and facts["child_date_of_birth"] == "2016-05-14"
    assert facts["address"] == "12 Larkspur Lane, Exampleton" and facts["nhs_number"] == "9434765919"
    assert set(exported) == {
        "reference",
        "case",
        "clocks",
        "timeline",
        "notes",
        "adviser_contact",
        "referrals",
        "mediator_assignments",
        "sessions",
        "outcomes",
        "agreement_actions",
        "certificates",
        "letters",
        "documents",
        "appeals",
        "disagreement_resolution",
        "retention",
        "access_record",
    }
    assert [c["waived_reason"] for c in exported["clocks"]] == ["Ottoline asked for more time"]
    assert exported["adviser_contact"]["adviser_name"] == "Henrietta Marchbanks"
    assert exported["referrals"][0]["provider_choice_reason"] == "Ottoline Quillfeather asked for this provider"
    assert {s["venue"] for s in exported["sessions"]} >= {"At the family home, 12 Larkspur Lane, Exampleton"}
    assert exported["agreement_actions"][0]["description"] == "Send Ottoline Quillfeather the EP report"
    assert exported["appeals"][0]["registered_on"] == "2026-11-10"
    assert exported["letters"][0]["recipient"] == "Ottoline Quillfeather"
    assert "Thank you for contacting us about Zephyrine Quillfeather." in exported["letters"][0]["text"]
    assert any("moved away" in e["description"] for e in exported["timeline"])
    assert exported["retention"] == {"stage": "Kept in full", "legal_hold": False, "hold_since": None}


def test_internal_notes_are_marked_for_review_and_shared_notes_are_not(case):
    _, data, summary = _export([case])
    notes = {n["visibility"]: n for n in data["cases"][0]["notes"]}
    assert notes["Internal to the LA"]["review"] is True
    assert notes["Shared with the mediator"]["review"] is False
    row = re.search(r'<tr class="review-row">(.*?)</tr>', summary, re.S).group(1)
    assert "EP report" in row and "Review before disclosure" in row
    assert summary.count('<tr class="review-row">') == 1
    assert "Before you disclose" in summary


def test_the_certificate_pdfs_are_in_the_zip_as_issued(case):
    archive, data, _ = _export([case])
    cert = Certificate.objects.get(case=case)
    path = f"certificates/{case.reference}/{cert.number}.pdf"
    assert archive.read(path) == cert.pdf.open("rb").read()
    assert data["cases"][0]["certificates"][0]["file"] == path


def test_a_certificate_whose_pdf_is_gone_is_listed_without_a_file(case):
    cert = Certificate.objects.get(case=case)
    cert.pdf.storage.delete(cert.pdf.name)
    archive, data, _ = _export([case])
    assert data["cases"][0]["certificates"][0]["file"] == "PDF no longer held"
    assert not [name for name in archive.namelist() if name.startswith("certificates/")]


def test_the_documents_are_in_the_zip_as_uploaded_and_listed(case, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import services as document_services

    content = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
    document = document_services.document_upload(
        case=case, actor=officer, upload=SimpleUploadedFile("x.pdf", content), kind="family_letter",
        title="Letter from the family", shared_with_mediator=True,
    )  # fmt: skip
    archive, data, summary = _export([case])
    path = f"documents/{case.reference}/{document.pk}-family-letter.pdf"
    assert archive.read(path) == content
    (row,) = data["cases"][0]["documents"]
    assert (row["title"], row["kind"], row["shared"], row["file"]) == (
        "Letter from the family",
        "Letter or email from the family",
        "Yes",
        path,
    )
    assert "Documents on the case" in summary


def test_the_access_record_says_who_viewed_and_changed_the_case(case, officer):
    _, data, _ = _export([case])
    record = data["cases"][0]["access_record"]
    mine = {(r["who"], r["action"], r["what"]) for r in record}
    assert ("Olivia Officer", "Viewed", "Case") in mine
    assert ("Olivia Officer", "Changed", "Case") in mine
    assert any(r["action"] == "Created" and r["what"].startswith("Case note") for r in record)


def test_summary_is_self_contained_readable_html(case):
    _, _, summary = _export([case])
    assert summary.startswith("<!doctype html>") and '<html lang="en-GB">' in summary
    assert "<script" not in summary
    assert not re.search(r'(src|href)="(?!#)', summary), "the summary must not load or link anything"
    assert "<link" not in summary
    assert f'<h2 id="case-1">Case {case.reference}</h2>' in summary
    assert "Sat 14 May 2016" in summary  # dates as people read them
    assert summary.count("<h1>") == 1


def test_text_in_the_summary_is_escaped(officer):
    case = full_case(
        closed_on=None,
        born=date(2016, 5, 14),
        status=Status.TRIAGED,
        actor=officer,
        family=Family(party='<script>alert("x")</script> Smith'),
    )
    _, _, summary = _export([case])
    assert "<script>alert" not in summary and "&lt;script&gt;alert" in summary


def test_a_family_export_holds_each_case_in_order(case):
    sibling = CaseFactory(child_first_name="Tobias", party_name=case.party_name, email=case.email)
    _, data, summary = _export([case, sibling])
    assert [c["reference"] for c in data["cases"]] == [case.reference, sibling.reference]
    assert "Tobias" in summary and f"Case {sibling.reference}" in summary


def test_export_queries_do_not_grow_with_the_records_of_a_case(officer):
    small = CaseFactory()
    with CaptureQueriesContext(connection) as few:
        subject_access.collect([small])
    big = full_case(closed_on=None, born=date(2016, 5, 14), status=Status.TRIAGED, actor=officer)
    for n in range(20):
        CaseNote.objects.create(case=big, author=officer, text=f"note {n}")
    with CaptureQueriesContext(connection) as many:
        subject_access.collect([big])
    assert len(many.captured_queries) <= len(few.captured_queries) + 3  # looked-up names of a few more people


def test_every_source_can_be_added_to_by_one_function(case, monkeypatch):
    """Letters or documents, when they exist, are one function in SOURCES."""

    def letters(c):
        return subject_access.Section(
            "letters", "Letters", columns=[("sent_on", "Sent")], rows=[{"sent_on": date(2026, 4, 1)}]
        )

    monkeypatch.setattr(subject_access, "SOURCES", [*subject_access.SOURCES, letters])
    _, data, summary = _export([case])
    assert data["cases"][0]["letters"] == [{"sent_on": "2026-04-01"}]
    assert "<h3" in summary and ">Letters</h3>" in summary


# --- The command ------------------------------------------------------------------------------------------------


def test_command_writes_the_zip_and_records_the_export(case, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    out = StringIO()
    call_command(
        "subject_access_export",
        case.reference.lower(),
        "--output",
        str(folder),
        "--request-reference",
        "SAR-9",
        stdout=out,
    )
    (written,) = folder.iterdir()
    assert written.name == f"subject-access-{case.reference}-2026-12-08.zip"
    assert oct(written.stat().st_mode & 0o777) == "0o600"
    data = json.loads(zipfile.ZipFile(written).read("data.json"))
    assert data["cases"][0]["reference"] == case.reference
    assert data["generated_by"].startswith("the command line")
    entry = LogEntry.objects.get(additional_data__export="subject_access")
    assert entry.actor is None and entry.additional_data["via"] == "command line"
    assert entry.additional_data["request_reference"] == "SAR-9"
    assert CaseEvent.objects.filter(case=case, kind="exported", description__contains="the command line").exists()


def test_command_with_family_lists_what_it_added(case, tmp_path):
    sibling = CaseFactory(child_first_name="Tobias", party_name=case.party_name, email=case.email)
    out = StringIO()
    call_command("subject_access_export", case.reference, "--family", "--output", str(tmp_path / "x.zip"), stdout=out)
    assert f"also {sibling.reference}" in out.getvalue()
    data = json.loads(zipfile.ZipFile(tmp_path / "x.zip").read("data.json"))
    assert len(data["cases"]) == 2


def test_command_refuses_an_unknown_reference_and_an_existing_file(case, tmp_path):
    with pytest.raises(CommandError, match="No case has the reference"):
        call_command("subject_access_export", "SEND-1999-00001", "--output", str(tmp_path), stdout=StringIO())
    target = tmp_path / "there.zip"
    target.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("subject_access_export", case.reference, "--output", str(target), stdout=StringIO())
    assert target.read_bytes() == b"keep me"
    assert not LogEntry.objects.filter(additional_data__export="subject_access").exists()
