"""Documents on a case: what a file is, read from its content; uploads that keep nothing when refused; downloads
that only the case's staff, and the mediator for what is shared with them, can have; every change on the timeline
and every download in the access log."""

import io
import zipfile
from datetime import date

import docx
import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.models import CaseEvent
from cases.tests.factories import CaseFactory
from documents import files, services
from documents.models import Document
from referrals.tests.factories import MediatorFactory, ProviderFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(date(2026, 11, 20))]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "JPEG")
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Mediation agreement")
    document.save(out)
    return out.getvalue()


def upload(content: bytes, name="letter.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "documents"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- What a file is -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (PDF, "scan.pdf", "pdf"),
        (docx_bytes(), "agreement.docx", "docx"),
        (png_bytes(), "photo.png", "png"),
        (jpeg_bytes(), "photo.jpg", "jpg"),
        (PDF, "renamed.txt", "pdf"),  # the name does not matter
        (png_bytes(), "letter.pdf", "png"),
    ],
)
def test_a_file_is_known_by_its_content_not_its_name(content, name, expected):
    checked = files.check_upload(upload(content, name))
    assert checked.file_type == expected
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 a program pretending to be a PDF", "This file is none of these, whatever its name says"),
        (b"<html><script>alert(1)</script></html>", "This file is none of these, whatever its name says"),
        (b"", "The file is empty"),
        (PDF[:30], "The file is damaged"),
        (png_bytes()[:20], "The file is damaged"),
    ],
)
def test_a_file_that_is_not_an_accepted_document_is_refused_with_the_reason(content, message):
    with pytest.raises(ValidationError) as problem:
        files.check_upload(upload(content, "letter.pdf"))
    assert message in " ".join(problem.value.messages)


def test_a_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    with pytest.raises(ValidationError) as problem:
        files.check_upload(upload(out.getvalue(), "agreement.docx"))
    assert "a PDF, a Word document (.docx), or a JPEG or PNG image" in problem.value.messages[0]


def test_a_file_over_the_limit_is_refused_with_both_sizes(settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as problem:
        files.check_upload(upload(PDF + b"0" * (2 * 1024 * 1024)))
    assert "The file must be 1.0 MB or smaller. This one is 2.0 MB" in problem.value.messages[0]


def test_the_upload_form_states_the_limit_it_is_checked_against(settings):
    from documents.forms import DocumentUploadForm

    settings.DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
    assert DocumentUploadForm().fields["file"].help_text == (
        "A PDF, a Word document (.docx), or a JPEG or PNG image, up to 5.0 MB."
    )


# --- Uploading ------------------------------------------------------------------------------------------------


def test_an_officer_uploads_a_document_kept_under_a_name_that_says_nothing_of_the_family(client_for, officer, settings):
    case = CaseFactory(officer=officer, child_last_name="Okafor")
    response = client_for(officer).post(
        reverse("documents:upload", args=[case.pk]),
        {
            "file": upload(PDF, "Okafor decision letter.pdf"),
            "kind": "decision_letter",
            "title": "Decision letter of 3 March",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{case.get_absolute_url()}#documents-heading"
    document = Document.objects.get()
    assert (document.case, document.kind, document.title) == (case, "decision_letter", "Decision letter of 3 March")
    assert (document.file_type, document.size, document.shared_with_mediator) == ("pdf", len(PDF), False)
    assert document.file.name.startswith(f"documents/{case.pk}/") and document.file.name.endswith(".pdf")
    assert "Okafor" not in document.file.name
    assert [p.read_bytes() for p in stored_files(settings)] == [PDF]
    event = case.events.get(kind=CaseEvent.Kind.DOCUMENT)
    assert event.description == "Document added: The LA's decision letter (Decision letter of 3 March)"
    page = client_for(officer).get(case.get_absolute_url()).content.decode()
    assert "Decision letter of 3 March" in page and "Not shared" in page


def test_a_refused_upload_says_why_and_keeps_nothing(client_for, officer, settings):
    case = CaseFactory(officer=officer)
    response = client_for(officer).post(
        reverse("documents:upload", args=[case.pk]),
        {"file": upload(b"MZ not a document", "letter.pdf"), "kind": "family_letter", "title": "Letter"},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in content
    assert 'href="#document_file"' in content
    assert "This file is none of these, whatever its name says" in content
    assert not Document.objects.exists() and stored_files(settings) == []
    assert not case.events.filter(kind=CaseEvent.Kind.DOCUMENT).exists()


def test_an_upload_missing_its_fields_names_each_one(client_for, officer):
    case = CaseFactory(officer=officer)
    response = client_for(officer).post(reverse("documents:upload", args=[case.pk]), {})
    content = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Choose the file to upload.",
        "Choose what the document is.",
        "Enter a description of the document.",
    ):
        assert message in content


def test_a_failed_save_removes_the_stored_file(officer, settings, monkeypatch):
    case = CaseFactory(officer=officer)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_event", broken)
    with pytest.raises(RuntimeError):
        services.document_upload(
            case=case, actor=officer, upload=upload(PDF), kind="other", title="Notes", shared_with_mediator=False
        )
    assert stored_files(settings) == []
    assert not Document.objects.exists()


def test_a_mediator_cannot_upload_or_download_from_the_case(client_for, officer, mediator_user):
    case = CaseFactory(officer=officer)
    document = services.document_upload(
        case=case, actor=officer, upload=upload(PDF), kind="other", title="Notes", shared_with_mediator=True
    )
    client = client_for(mediator_user)
    assert client.post(reverse("documents:upload", args=[case.pk]), {"kind": "other"}).status_code in (403, 404)
    assert client.get(reverse("documents:download", args=[case.pk, document.pk])).status_code in (403, 404)


def test_an_unknown_document_or_one_on_another_case_is_not_found(client_for, officer):
    case, other = CaseFactory(officer=officer), CaseFactory(officer=officer)
    document = services.document_upload(
        case=other, actor=officer, upload=upload(PDF), kind="other", title="Notes", shared_with_mediator=False
    )
    client = client_for(officer)
    assert client.get(reverse("documents:download", args=[case.pk, document.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[case.pk, 99999999])).status_code == 404
    assert client.post(reverse("documents:share", args=[case.pk, document.pk]), {"shared": "yes"}).status_code == 404


# --- Downloading, sharing, removing -----------------------------------------------------------------------------


def test_a_download_is_an_attachment_named_by_reference_and_logged(client_for, officer):
    case = CaseFactory(officer=officer)
    document = services.document_upload(
        case=case, actor=officer, upload=upload(png_bytes(), "child photo.png"), kind="report", title="Photo",
        shared_with_mediator=False,
    )  # fmt: skip
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = client_for(officer).get(reverse("documents:download", args=[case.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="{case.reference}-report-{document.pk}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1


@pytest.fixture
def mediation(officer, mediator_user, django_user_model):
    provider = ProviderFactory()
    mine = MediatorFactory(user=mediator_user, provider=provider)
    referral = ReferralFactory(assigned=True, provider=provider, mediator=mine, case__officer=officer)
    return referral


def test_the_mediator_sees_a_document_only_once_it_is_shared_with_them(client_for, officer, mediator_user, mediation):
    case = mediation.case
    document = services.document_upload(
        case=case, actor=officer, upload=upload(PDF), kind="agreement", title="Signed agreement",
        shared_with_mediator=False,
    )  # fmt: skip
    mediator = client_for(mediator_user)
    url = reverse("referrals:document", args=[mediation.pk, document.pk])
    page = mediator.get(mediation.get_absolute_url()).content.decode()
    assert "Signed agreement" not in page and "The LA has not shared any documents with the mediator." in page
    assert mediator.get(url).status_code == 404

    response = client_for(officer).post(reverse("documents:share", args=[case.pk, document.pk]), {"shared": "yes"})
    assert response.status_code == 302
    assert case.events.filter(description="Document now shared with the mediator: Signed agreement").exists()
    page = mediator.get(mediation.get_absolute_url()).content.decode()
    assert f'href="{url}">Signed agreement' in page
    download = mediator.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    client_for(officer).post(reverse("documents:share", args=[case.pk, document.pk]), {"shared": "no"})
    assert mediator.get(url).status_code == 404
    assert case.events.filter(description="Document no longer shared with the mediator: Signed agreement").exists()


def test_another_mediator_never_sees_the_document(client_for, officer, mediation, django_user_model):
    from conftest import make_user

    document = services.document_upload(
        case=mediation.case, actor=officer, upload=upload(PDF), kind="agreement", title="Signed agreement",
        shared_with_mediator=True,
    )  # fmt: skip
    stranger = make_user(django_user_model, "sam_stranger", "Mediator")
    MediatorFactory(user=stranger, provider=mediation.provider)
    response = client_for(stranger).get(reverse("referrals:document", args=[mediation.pk, document.pk]))
    assert response.status_code == 404


def test_removing_needs_a_reason_then_deletes_the_file_and_keeps_a_line_on_the_timeline(
    client_for, officer, settings, django_capture_on_commit_callbacks
):
    case = CaseFactory(officer=officer)
    document = services.document_upload(
        case=case, actor=officer, upload=upload(PDF), kind="other", title="Wrong family's letter",
        shared_with_mediator=False,
    )  # fmt: skip
    client = client_for(officer)
    url = reverse("documents:remove", args=[case.pk, document.pk])
    assert "Remove a document from case" in client.get(url).content.decode()
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Give the reason for removing the document." in refused.content.decode()
    assert Document.objects.filter(pk=document.pk).exists() and len(stored_files(settings)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Uploaded to the wrong case"})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert stored_files(settings) == []
    assert case.events.filter(
        description="Document removed: Other (Wrong family's letter): Uploaded to the wrong case"
    ).exists()


def test_the_case_page_reads_documents_in_a_fixed_number_of_queries(client_for, officer, django_assert_max_num_queries):
    case = CaseFactory(officer=officer)
    client = client_for(officer)
    services.document_upload(
        case=case, actor=officer, upload=upload(PDF), kind="other", title="One", shared_with_mediator=False
    )
    client.get(case.get_absolute_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(case.get_absolute_url())
    for n in range(5):
        services.document_upload(
            case=case, actor=officer, upload=upload(PDF), kind="other", title=f"More {n}", shared_with_mediator=False
        )
    with CaptureQueriesContext(connection) as six:
        page = client.get(case.get_absolute_url()).content.decode()
    assert "More 4" in page
    assert len(six) == len(one)
