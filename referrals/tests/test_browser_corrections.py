"""Browser journey: an officer corrects a referral's dates (refused first without a reason), sees the mediation
clock move on the case, and a manager confirms a corrected certificate. Axe runs on every page visited."""

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Decision
from cases.tests.factories import CaseFactory
from referrals import services
from referrals.tests.pathway import refer
from sendportal.testing.browser import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 5, 20))]


def test_officer_corrects_a_referrals_dates_and_the_clock_moves(
    officer, case, providers, signed_in_page, assert_accessible, screenshot
):
    referral = refer(case, officer, providers[0])
    page = signed_in_page(officer)
    page.goto(reverse("referrals:detail", args=[referral.pk]))
    page.get_by_role("link", name="Correct the referral's dates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Correct the dates of referral {referral.pk}")
    assert_accessible(page)

    fill_date(page, "Date the family told the LA they want mediation", date(2026, 4, 20))
    fill_date(page, "Date the provider told the LA", None)
    page.get_by_role("button", name="Save the correction").click()
    expect(page).to_have_title(re.compile(r"^Error: Correct the dates"))
    expect(page.locator("[data-error-summary]")).to_contain_text("Why are you correcting this? Enter an answer.")
    screenshot(page, "correction-refused")
    assert_accessible(page)

    page.get_by_label("Why are you correcting this?").fill("Typed from the wrong letter")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("status")).to_contain_text("Referral dates corrected")
    page.goto(case.get_absolute_url())
    row = page.get_by_role("region", name="Statutory clocks").get_by_role("row").filter(has_text="Hold the mediation")
    expect(row).to_contain_text("Wed 20 May 2026")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        "Hold the mediation (LA-arranged): moved from Thu 14 May 2026 to Wed 20 May 2026 "
        "(referral dates corrected: Typed from the wrong letter)"
    )
    # The family's windows read as information, never as overdue work.
    appeal = (
        page.get_by_role("region", name="Statutory clocks")
        .get_by_role("row")
        .filter(has_text="Tribunal must receive the appeal")
    )
    expect(appeal).to_contain_text("The family (their window)")
    expect(appeal).to_contain_text("the family's window closes in 4 working days")
    expect(appeal).to_contain_text("Window open")
    screenshot(page, "case-after-correction")
    assert_accessible(page)


def test_manager_confirms_a_corrected_certificate(officer, manager, signed_in_page, assert_accessible, screenshot):
    case = CaseFactory(
        officer=officer, decision=Decision.RTA, decision_sent_on=date(2026, 3, 2), first_contact_on=date(2026, 3, 3)
    )
    services.adviser_contact_record(case=case, actor=officer, contacted_on=date(2026, 3, 10), choice="no_mediation")
    for reason in ("", "The child's name was misspelt"):
        cert = services.certificate_issue(
            case=case,
            actor=officer,
            kind="declined",
            issued_on=date(2026, 3, 12),
            issuer_name="Ann Adviser",
            issuer_role="mediation adviser",
            correction_reason=reason,
        )
    page = signed_in_page(manager)
    page.goto(case.get_absolute_url())
    clocks = page.get_by_role("region", name="Statutory clocks")
    expect(clocks.get_by_role("row").filter(has_text="Tribunal must receive the appeal")).to_contain_text(
        "Needs legal review"
    )
    page.get_by_role("link", name=f"Confirm corrected certificate {cert.number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Confirm corrected certificate {cert.number}")
    screenshot(page, "certificate-confirm")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the corrected certificate").click()
    expect(page.get_by_role("status")).to_contain_text("confirmed after legal review")
    expect(
        page.get_by_role("region", name="Statutory clocks")
        .get_by_role("row")
        .filter(has_text="Tribunal must receive the appeal")
    ).not_to_contain_text("Needs legal review")
    assert_accessible(page)
