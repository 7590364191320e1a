"""Browser journeys for data protection: a real chromium against the live server, with an axe gate on every page
visited (the exported summary included). Run only these with `pytest -m browser`.

1. The data protection officer produces a subject-access export for a family: finds the case by reference, ticks
   the sibling's case, says what it is for, downloads the ZIP, and the test opens it: the summary (in the browser,
   checked by axe too) and the JSON hold the family's records, with the internal note marked for review.
2. The data protection officer reads a case's access log, narrows it to a week, and downloads it as CSV.
3. A manager puts a closed case on legal hold (after a clear error for a missing reason) and reads the retention
   schedule, which now lists the hold.
4. Anyone, signed in or not, reads the privacy notice, accessibility statement and cookie page from the footer.
"""

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Case, CaseEvent, Status
from cases.tests.factories import CaseFactory
from privacy.tests.builders import full_case
from referrals.tests.test_browser import submit_refused
from sendportal.testing.browser import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 12, 8))]


def test_dpo_produces_a_family_subject_access_export_and_checks_it(
    signed_in_page, assert_accessible, screenshot, browser_errors, data_protection_officer, officer, tmp_path
):
    case = full_case(closed_on=None, born=date(2016, 5, 14), status=Status.MEDIATION_ROUTE, actor=officer)
    sibling = CaseFactory(child_first_name="Tobias", party_name=case.party_name, email=case.email)
    CaseFactory(child_first_name="Unrelated")

    page = signed_in_page(data_protection_officer)
    expect(page.get_by_role("heading", level=1)).to_have_text("Data protection")
    assert_accessible(page)
    screenshot(page, "home")
    page.get_by_role("link", name="Subject-access and disclosure export").click()
    expect(page).to_have_title("Subject-access and disclosure export - sendportal")
    assert_accessible(page)

    page.get_by_label("Case reference").fill("SEND-1999-00001")
    submit_refused(
        page,
        browser_errors,
        page.get_by_role("button", name="Continue"),
        "Error: Subject-access and disclosure export - sendportal",
        "No case has that reference",
    )
    assert_accessible(page)

    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject-access export: choose the cases")
    expect(page.locator("dl")).to_contain_text("Zephyrine Quillfeather")
    assert "Zephyrine" not in page.title() and "Zephyrine" not in page.url and case.reference not in page.url
    assert_accessible(page)
    screenshot(page, "choose-cases")
    page.get_by_label(f"{sibling.reference}", exact=False).check()
    page.get_by_label("Subject access request (UK GDPR Article 15)").check()
    page.get_by_label("Your request reference (optional)").fill("SAR-2026-118")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the export (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename == f"subject-access-{case.reference}-and-1-more-2026-12-08.zip"

    archive = zipfile.ZipFile(download.path())
    data = json.loads(archive.read("data.json"))
    assert [c["reference"] for c in data["cases"]] == [case.reference, sibling.reference]
    assert data["cases"][0]["case"]["child_last_name"] == "Quillfeather"
    assert data["cases"][0]["case"]["child_date_of_birth"] == "2016-05-14"
    assert data["cases"][1]["case"]["child_first_name"] == "Tobias"
    internal = [n for n in data["cases"][0]["notes"] if n["review"]]
    assert [n["text"] for n in internal] == ["Ottoline Quillfeather phoned about Zephyrine's EP report."]
    assert f"certificates/{case.reference}/CERT-{case.reference}-1.pdf" in archive.namelist()

    summary_file = tmp_path / "summary.html"
    summary_file.write_bytes(archive.read("summary.html"))
    page.goto(summary_file.as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject-access export")
    expect(page.get_by_role("heading", name=f"Case {case.reference}")).to_be_visible()
    notes = page.get_by_role("table", name="Notes: 2 entries")
    expect(notes.locator("tr.review-row")).to_have_count(1)
    expect(notes.locator("tr.review-row")).to_contain_text("Review before disclosure")
    first_case = page.get_by_role("article").first
    expect(
        first_case.get_by_role("table", name="Who viewed, changed or exported this case", exact=False)
    ).to_contain_text("Olivia Officer")
    assert_accessible(page)
    screenshot(page, "summary")
    assert CaseEvent.objects.filter(case=case, kind="exported", actor=data_protection_officer).count() == 1


def test_dpo_reads_a_case_access_log_for_a_week_and_downloads_it(
    signed_in_page, assert_accessible, screenshot, data_protection_officer, officer, manager
):
    case = CaseFactory(reference="SEND-2026-00420")
    content_type = ContentType.objects.get_for_model(Case)
    for who, day in [(officer, 2), (manager, 10), (officer, 12), (manager, 20)]:
        LogEntry.objects.create(
            content_type=content_type,
            object_pk=str(case.pk),
            object_id=case.pk,
            object_repr=case.reference,
            action=LogEntry.Action.ACCESS,
            actor=who,
            remote_addr="10.0.0.7",
            timestamp=datetime(2026, 11, day, 14, 30, tzinfo=UTC),
        )

    page = signed_in_page(data_protection_officer)
    page.get_by_role("link", name="Access log of a case").click()
    assert_accessible(page)
    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_role("button", name="Show the access log").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Access log of case SEND-2026-00420")
    table = page.get_by_role("table", name="Access log entries", exact=False)
    expect(table.locator("tbody tr")).to_have_count(5)  # four views and the case being created
    assert_accessible(page)

    fill_date(page, "From", date(2026, 11, 9))
    fill_date(page, "To", date(2026, 11, 15))
    page.get_by_role("button", name="Show entries").click()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").nth(0)).to_contain_text("Olivia Officer")
    expect(table.locator("tbody tr").nth(0)).to_contain_text("Thu 12 Nov 2026 14:30")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("Maya Manager")
    assert "date_from_day=9&date_from_month=11&date_from_year=2026" in page.url and case.reference not in page.url
    assert_accessible(page)
    screenshot(page, "access-log-week")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(download.path().read_bytes().decode("utf-8-sig"))))
    assert [(row[1], row[3], row[7]) for row in rows[1:]] == [
        ("Olivia Officer", "Viewed", "10.0.0.7"),
        ("Maya Manager", "Viewed", "10.0.0.7"),
    ]
    assert rows[1][0] == "2026-11-12 14:30:00"


def test_manager_places_a_legal_hold_and_sees_it_on_the_retention_page(
    signed_in_page, assert_accessible, screenshot, browser_errors, manager
):
    case = CaseFactory(status=Status.CLOSED, closed_on=date(2026, 10, 1), child_date_of_birth=date(2008, 2, 29))
    page = signed_in_page(manager)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name=f"Data protection for case {case.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}: data protection")
    # Born on 29 February 2008: 25 on 1 March 2033 (no 29 February that year), later than six years after closing.
    expect(page.locator("dl").first).to_contain_text("To be anonymisedTue 1 Mar 2033")
    assert_accessible(page)

    submit_refused(
        page,
        browser_errors,
        page.get_by_role("button", name="Place a legal hold"),
        f"Error: Case {case.reference}: data protection - sendportal",
        "Reason: Give the reason.",
    )
    assert_accessible(page)
    page.get_by_label("Reason").fill("Claim for the cost of provision, letter of 2 December")
    page.get_by_role("button", name="Place a legal hold").click()
    expect(page.get_by_text(f"Case {case.reference} is on legal hold")).to_be_visible()
    expect(page.get_by_role("button", name="Lift the legal hold")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "held")

    page.get_by_role("link", name="How the retention schedule works").click()
    holds = page.get_by_role("table", name="Cases on legal hold, longest held first")
    expect(holds).to_contain_text(case.reference)
    expect(holds).to_contain_text("Claim for the cost of provision")
    expect(page.get_by_role("table", name="What the schedule would do", exact=False)).to_contain_text(
        "On legal hold (left alone)"
    )
    assert_accessible(page)
    screenshot(page, "retention")


def test_footer_pages_are_readable_by_anyone(new_page, assert_accessible, screenshot, settings):
    page = new_page()
    page.goto(reverse("login"))
    footer = page.get_by_role("navigation", name="Support links")
    footer.get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    expect(page.get_by_text("Article 9(2)(g)", exact=False)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "privacy-notice")
    footer.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement for sendportal")
    expect(page.get_by_role("heading", name="Enforcement procedure")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "accessibility")
    footer.get_by_role("link", name="Cookies").click()
    cookies = page.get_by_role("table", name="The cookies sendportal sets")
    expect(cookies.locator("tbody tr")).to_have_count(2)
    expect(cookies).to_contain_text(settings.SESSION_COOKIE_NAME)
    assert_accessible(page)
    screenshot(page, "cookies")
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert names <= {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
