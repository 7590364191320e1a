"""Browser journey for letters: an officer drafts the mediation information letter from the case page, previews it,
downloads it as PDF and as Word (the files are opened and read), is refused when recording it without a recipient,
records it as sent and sees it on the case's timeline. axe runs on every page visited and after the refusal."""

import io
import re
from datetime import date

import docx
import pypdf
import pytest
from playwright.sync_api import expect

from cases.models import CaseEvent, Decision
from cases.tests.factories import CaseFactory
from conftest import seed_letters
from letters.models import Letter, SupportService
from referrals.tests.factories import ProviderFactory

pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 11, 20))]


def test_officer_drafts_downloads_and_records_a_letter(officer, signed_in_page, assert_accessible, browser_errors):
    seed_letters()
    SupportService.objects.create(kind="sendiass", name="Anytown SENDIASS", phone="0113 496 0001")
    ProviderFactory(name="Calm Waters Mediation", phone="0113 496 0000", email="advice@calmwaters.example")
    case = CaseFactory(
        officer=officer,
        party_name="Grace Okafor",
        child_first_name="Amara",
        child_last_name="Okafor",
        decision=Decision.RTA,
        decision_sent_on=date(2026, 10, 1),
        first_contact_on=date(2026, 10, 6),
    )
    page = signed_in_page(officer)
    page.goto(case.get_absolute_url())
    panel = page.get_by_role("region", name="Letters and support")
    expect(panel).to_contain_text("No letters recorded yet.")
    expect(panel).to_contain_text("Anytown SENDIASS")
    assert_accessible(page)

    panel.get_by_role("link", name=re.compile("^Draft a letter")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Letters for case {case.reference}")
    assert_accessible(page)
    page.get_by_role("radio", name="Mediation information").check()
    page.get_by_role("button", name="Preview the letter").click()
    preview = page.get_by_role("article", name="The letter")
    expect(preview).to_contain_text("Dear Grace Okafor,")
    expect(preview).to_contain_text("You must contact the mediation adviser by Tuesday 1 December 2026")
    expect(preview).to_contain_text("Calm Waters Mediation: phone 0113 496 0000")
    expect(preview).to_contain_text("Anytown SENDIASS: phone 0113 496 0001")
    assert_accessible(page)

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name=re.compile("^Download as PDF")).click()
    assert pdf_download.value.suggested_filename == f"{case.reference}-mediation-information.pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf_download.value.path().read_bytes()))
    pdf_text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Mediation, and your right to appeal our decision: Refusal to carry out an EHC needs assessment" in pdf_text
    assert "You must contact the mediation adviser by Tuesday 1 December 2026" in pdf_text

    with page.expect_download() as word_download:
        page.get_by_role("link", name=re.compile("^Download as Word")).click()
    assert word_download.value.suggested_filename == f"{case.reference}-mediation-information.docx"
    document = docx.Document(io.BytesIO(word_download.value.path().read_bytes()))
    word_text = " ".join(" ".join(p.text for p in document.paragraphs).split())
    assert "Dear Grace Okafor," in word_text
    assert "Disagreement resolution is also available, free of charge, at any stage." in word_text

    # Recording it without saying who it went to is refused, and says so.
    record = page.get_by_role("region", name="Record it as sent")
    record.get_by_label("Sent to").fill("")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        record.get_by_role("button", name="Record as sent").click()
    assert refused.value.status == 400
    expect(page).to_have_title(re.compile("^Error: Letters for case"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Enter who the letter was sent to.")
    assert not Letter.objects.exists()
    assert_accessible(page)
    # Chromium logs the refused post's 400 as a console error: that one message, and only it, is expected.
    logged = (
        f"console: Failed to load resource: the server responded with a status of 400 (Bad Request) "
        f"({refused.value.url})"
    )
    page.wait_for_timeout(200)
    assert logged in browser_errors, browser_errors
    browser_errors.remove(logged)

    record = page.get_by_role("region", name="Record it as sent")
    record.get_by_label("Sent to").fill("Grace Okafor")
    record.get_by_role("radio", name="By email").check()
    record.get_by_role("button", name="Record as sent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(page.get_by_role("status")).to_have_text("Letter recorded as sent: Mediation information")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Letter sent: Mediation information, to Grace Okafor by email on Fri 20 Nov 2026")
    expect(page.get_by_role("region", name="Letters and support")).to_contain_text("Fri 20 Nov 2026, by email")
    assert_accessible(page)
    letter = Letter.objects.get()
    assert (letter.kind, letter.method, letter.sent_on) == ("mediation_information", "email", date(2026, 11, 20))
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.LETTER).count() == 1
