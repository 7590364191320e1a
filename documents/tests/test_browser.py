"""Browser journey for documents: an officer uploads the family's letter from the case page (a file that is not a
document is refused first, with nothing kept), the mediator does not see it until the officer shares it, then finds
it on their referral and downloads it; the officer stops sharing and it is gone from the mediator's page. axe runs
on every page visited and after the refusal."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from cases.models import CaseEvent
from documents.models import Document
from referrals.tests.factories import MediatorFactory, ProviderFactory, ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 11, 20))]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_document_is_uploaded_and_seen_by_the_mediator_only_when_shared(
    officer, mediator_user, signed_in_page, assert_accessible, browser_errors, tmp_path, screenshot
):
    provider = ProviderFactory()
    referral = ReferralFactory(
        assigned=True,
        provider=provider,
        mediator=MediatorFactory(user=mediator_user, provider=provider),
        case__officer=officer,
    )
    case = referral.case
    not_a_document = tmp_path / "letter.pdf"
    not_a_document.write_bytes(b"MZ\x90\x00 a program, not a letter")
    letter = tmp_path / "Family letter.pdf"
    letter.write_bytes(PDF)

    page = signed_in_page(officer)
    page.goto(case.get_absolute_url())
    panel = page.get_by_role("region", name=re.compile(r"^Documents \("))
    expect(panel).to_contain_text("No documents yet.")
    assert_accessible(page)

    # A file that only calls itself a PDF is refused; nothing is kept.
    panel.get_by_text("Add a document").click()
    panel.get_by_label("File").set_input_files(str(not_a_document))
    panel.get_by_role("radio", name="Letter or email from the family").check()
    panel.get_by_label("Description").fill("The family's letter of 12 November")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        panel.get_by_role("button", name="Upload the document").click()
    assert posted.value.status == 400
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("This file is none of these, whatever its name says")
    assert not Document.objects.exists()
    browser_errors.clear()  # the 400 the test expected
    assert_accessible(page)

    panel = page.get_by_role("region", name=re.compile(r"^Documents \("))
    panel.get_by_label("File").set_input_files(str(letter))
    panel.get_by_role("radio", name="Letter or email from the family").check()
    panel.get_by_label("Description").fill("The family's letter of 12 November")
    panel.get_by_role("button", name="Upload the document").click()
    expect(page.get_by_role("status")).to_have_text("Document added: The family's letter of 12 November")
    panel = page.get_by_role("region", name=re.compile(r"^Documents \("))
    expect(panel).to_contain_text("Not shared")
    screenshot(page, "documents-panel")
    assert_accessible(page)
    document = Document.objects.get()

    # The mediator's referral page does not show it yet, and its address is not found.
    mediator = signed_in_page(mediator_user)
    mediator.goto(referral.get_absolute_url())
    shared = mediator.get_by_role("region", name="Documents shared with the mediator")
    expect(shared).to_contain_text("The LA has not shared any documents with the mediator.")
    assert_accessible(mediator)

    # The officer shares it.
    panel.get_by_role("button", name=re.compile("^Share")).click()
    expect(page.get_by_role("status")).to_have_text("Shared with the mediator: The family's letter of 12 November")
    expect(page.get_by_role("region", name=re.compile(r"^Documents \("))).to_contain_text("Shared")
    assert case.events.filter(kind=CaseEvent.Kind.DOCUMENT).count() == 2

    mediator.reload()
    shared = mediator.get_by_role("region", name="Documents shared with the mediator")
    with mediator.expect_download() as download:
        shared.get_by_role("link", name=re.compile("The family's letter of 12 November")).click()
    assert download.value.suggested_filename == f"{case.reference}-family-letter-{document.pk}.pdf"
    assert download.value.path().read_bytes() == PDF
    screenshot(mediator, "mediator-referral-with-document")
    assert_accessible(mediator)

    # Sharing stops: the mediator's page no longer lists it.
    page.get_by_role("region", name=re.compile(r"^Documents \(")).get_by_role(
        "button", name=re.compile("^Stop sharing")
    ).click()
    expect(page.get_by_role("status")).to_have_text(
        "No longer shared with the mediator: The family's letter of 12 November"
    )
    mediator.reload()
    expect(mediator.get_by_role("region", name="Documents shared with the mediator")).to_contain_text(
        "The LA has not shared any documents with the mediator."
    )
