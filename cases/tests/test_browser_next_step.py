"""Browser journey for the next step (issue 13 item 1): the case list's "Next step" column, its "whose move"
filter and tag, the case page's next step and My work's "My move", with an axe gate on every page visited."""

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases import clock_services
from cases.models import Decision, Route, Status
from cases.tests.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 4, 20))]


def make(officer, reference, **fields):
    values = {
        "reference": reference,
        "decision": Decision.RTA,
        "decision_sent_on": date(2026, 3, 27),  # E1: the family's windows close on Wed 27 May 2026
        "first_contact_on": date(2026, 4, 1),
        "route": Route.MEDIATION,
        "status": Status.TRIAGED,
        "officer": officer,
    }
    case = CaseFactory(**{**values, **fields})
    clock_services.case_clocks_recompute(case=case, actor=None)
    return case


def test_officer_finds_the_cases_where_the_next_step_is_theirs(
    officer, other_officer, signed_in_page, assert_accessible, screenshot
):
    make(officer, "SEND-2026-00101")  # the family's move
    mine = make(officer, "SEND-2026-00102", decision=Decision.HSC, decision_sent_on=None, health_involved=True)
    make(other_officer, "SEND-2026-00103", decision=Decision.HSC, decision_sent_on=None)

    page = signed_in_page(officer)
    expect(page).to_have_title(re.compile(r"^My work"))
    move = page.get_by_role("region", name=re.compile(r"^My move"))
    expect(move.get_by_role("heading", level=2)).to_contain_text("(1 case)")
    expect(move.get_by_role("row", name=re.compile("SEND-2026-00102"))).to_contain_text(
        "Refer the case to a mediation provider"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page).to_have_title(re.compile(r"^Cases"))
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Next step")).to_be_visible()
    family_row = table.get_by_role("row", name=re.compile("SEND-2026-00101"))
    expect(family_row).to_contain_text("The family: Contact the mediation adviser")
    expect(family_row).to_contain_text("Wed 27 May 2026")
    screenshot(page, "case-list-next-step")
    assert_accessible(page)

    # Filter by "my move" through the filter panel, as a keyboard or mouse user would.
    panel = page.locator("details.filter-panel")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    page.get_by_label("Whose move is it").select_option(label="Mine: the LA's move on my cases")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("(1)")
    expect(page.get_by_role("link", name=re.compile(r"Whose move is it: Mine"))).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)  # the header and my one case
    expect(rows.nth(1)).to_contain_text("SEND-2026-00102")
    expect(rows.nth(1)).to_contain_text("The LA: Refer the case to a mediation provider")
    screenshot(page, "case-list-my-move")
    assert_accessible(page)

    page.get_by_role("link", name="SEND-2026-00102").click()
    expect(page).to_have_title(re.compile(r"^Case SEND-2026-00102"))
    next_step = page.get_by_role("region", name="Next step")
    expect(next_step).to_contain_text("The LA: Refer the case to a mediation provider")
    expect(next_step).to_contain_text("No date set")
    screenshot(page, "case-next-step")
    assert_accessible(page)
    assert mine.pk in [int(part) for part in page.url.rstrip("/").split("/") if part.isdigit()]
    assert reverse("cases:detail", args=[mine.pk]) in page.url
