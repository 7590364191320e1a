"""Browser journeys for the dashboards: a real chromium against the live server, with an axe gate on every page
visited. Run only these with `pytest -m browser`.

1. A manager reads the management dashboard over a small hand-built data set (headline numbers, clock
   compliance, the SEN2 figure, every chart with its data table and text summary), narrows the period through
   the form, gets a clear error for a period that ends before it starts, then filters the case list and
   downloads it as CSV: exactly the filtered cases, with a formula-looking name neutralised.
2. An officer lands on My work after signing in: their clocks by urgency with the relative dates, their open
   cases by stage, the cases waiting for an officer, and a link through to a case.

The live server runs on the real clock, so every date is relative to today."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases import clock_services, deadlines
from cases.models import CaseEvent, Deadline
from cases.models import Status as CaseStatus
from dashboards.tests import builders as b
from referrals.models import Referral
from sendportal.testing.browser import date_group, expect_date, fill_date

# Each journey runs on a fixed day (the live server too), so it passes whatever the real date.
pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 11, 18))]

MET, OPEN = Deadline.State.MET, Deadline.State.OPEN
S, O = Referral.Status, Referral.Outcome  # noqa: E741 - short names for the data set

FORMULA_NAME = "=SUM(A1:A9)"
CSV_HEADER = [
    "Reference",
    "Child's first name",
    "Child's last name",
    "Route",
    "Decision",
    "Decision description",
    "Decision letter sent",
    "Next deadline",
    "Next deadline date",
    "Status",
    "Officer",
    "Opened",
]
# Every chart on the management dashboard: its id, its title, and the caption of the data table that goes with it.
CHARTS = [
    ("compliance", "Clock compliance in the period: percentage on time", r"^Clock compliance, clocks due"),
    (
        "trend-certificates",
        "Certificates issued within 3 working days: percentage on time by month",
        r"^Certificates issued within 3 working days, by the month",
    ),
    (
        "trend-mediation",
        "Mediation held within 30 days: percentage on time by month",
        r"^Mediation held within 30 days, by the month",
    ),
    (
        "trend-notice",
        "Notice of the mediation at least 5 working days before (or as the family agreed): percentage on time by month",
        r"^Notice of the mediation at least 5 working days before \(or as the family agreed\), by the month",
    ),
    (
        "trend-actions",
        "Agreed actions done on time (SEND Regs 2014 reg 42): percentage on time by month",
        r"^Agreed actions done on time \(SEND Regs 2014 reg 42\), by the month",
    ),
    ("outcomes", "Outcomes of referrals concluded in the period", r"^Referrals concluded .* by outcome$"),
    ("workload", "Open cases per officer", r"^Open cases per officer"),
    ("mediators", "Active referrals per mediator against capacity", r"^Active referrals per mediator"),
    (
        "decisions",
        "Decisions changed at mediation or tribunal, by decision type",
        r"^Cases whose decision was changed .* by decision type$",
    ),
]


def day_label(day: date) -> str:
    return f"{day:%-d %b %Y}"


def numeric(region, label: str):
    """The big number of a headline panel, found by the words under it."""
    label_span = region.page.locator(".label").filter(has_text=re.compile(rf"^{re.escape(label)}$"))
    return region.locator(".numeric-data").filter(has=label_span).locator(".number")


# --- Journey 1: the manager -----------------------------------------------------------------------------------


@pytest.fixture
def managed_world(officer, other_officer, mediator_user, today):
    """A small authority whose figures are worked out by hand (today is the module's fixed day, the live server's too):

    - Olivia's case A: certificate clocks met on time 30, 25 and 20 days ago, met late 15 days ago and (outside
      the narrowed period) 200 days ago; an open C4 3 days overdue; an open C7 due in 2 days.
    - Olivia's case B, whose child's first name looks like a spreadsheet formula.
    - Owen's case C: an open C10 1 day overdue and an open C11 due in 10 days.
    - Three mediations held last year, one followed by an appeal (SEN2 1 of 3: 33.3%), concluded 10 to 14 days
      ago with full, partial and no agreement (two decisions changed at mediation).
    - Mo Mediator, allowed 1 active referral, holds 2 (over capacity).
    Open cases: A, B, C, three mediation cases and two assigned cases: 8. Clocks overdue 2, due this week 1.
    """
    case_a = b.case(officer=officer, reference="SEND-2026-09101", child_first_name="Amara", child_last_name="Okafor")
    case_b = b.case(
        officer=officer, reference="SEND-2026-09102", child_first_name=FORMULA_NAME, child_last_name="Hughes"
    )
    case_c = b.case(officer=other_officer, reference="SEND-2026-09103", child_first_name="Cai", child_last_name="Evans")
    for due, met in [(30, 31), (25, 25), (20, 21), (15, 12), (200, 195)]:
        b.deadline(
            case_a,
            "C8",
            today - timedelta(days=due),
            MET,
            today - timedelta(days=met),
            title="Certificate after mediation",
        )
    b.deadline(case_a, "C4", today - timedelta(days=3), OPEN, title="Hold the mediation (LA-arranged)")
    b.deadline(case_a, "C7", today + timedelta(days=2), OPEN, title="Notice of the mediation")
    b.deadline(case_c, "C10", today - timedelta(days=1), OPEN, title="Agreed action")
    b.deadline(case_c, "C11", today + timedelta(days=10), OPEN, title="Agreed action")

    year = today.year - 1
    prov = b.provider()
    held = []
    for i, (held_on, outcome) in enumerate(
        [(date(year, 2, 10), O.FULL), (date(year, 3, 1), O.PARTIAL), (date(year, 6, 1), O.NONE)]
    ):
        ref = b.referral(
            referred_on=held_on - timedelta(days=20),
            status=S.CONCLUDED,
            outcome=outcome,
            concluded_on=today - timedelta(days=10 + 2 * i),
        )
        b.session(ref, held_on)
        held.append(ref)
    b.appeal(held[0].case, date(year, 4, 1))
    mo = b.mediator(mediator_user, prov, max_active_cases=1)
    for _ in range(2):
        b.referral(referred_on=today - timedelta(days=5), status=S.ASSIGNED, mediator=mo)
    return {"today": today, "year": year, "mine": [case_a, case_b], "formula_case": case_b, "others": [case_c]}


def test_manager_reads_the_dashboard_narrows_the_period_and_exports_the_filtered_cases(
    managed_world, manager, signed_in_page, assert_accessible, screenshot
):
    w = managed_world
    today, year = w["today"], w["year"]
    start, end = today - timedelta(days=35), today - timedelta(days=5)

    page = signed_in_page(manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_title(re.compile(r"^Management dashboard"))
    assert page.url.endswith(reverse("dashboards:management"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Management dashboard")

    # The headline numbers, for everyone.
    now = page.get_by_role("region", name="Now")
    expect(numeric(now, "open cases")).to_have_text("8")
    expect(numeric(now, "clocks overdue")).to_have_text("2")
    expect(numeric(now, "clocks due this week")).to_have_text("1")

    # Over the default period (the last 12 months), the certificate clock met late 200 days ago counts too.
    compliance = page.get_by_role("region", name="Statutory clocks met on time")
    certificates = compliance.get_by_role("table", name=re.compile(r"^Clock compliance")).get_by_role(
        "row", name=re.compile(r"^Certificates issued within 3 working days")
    )
    expect(certificates.get_by_role("cell")).to_have_text(
        ["The provider (mediation adviser)", "C2, C6, C8", "3", "2", "5", "60.0%"]
    )
    expect(compliance.locator(".chart-summary").first).to_contain_text(
        "Certificates issued within 3 working days: 60.0% on time (3 of 5)"
    )
    sen2 = page.get_by_role("region", name="Mediations followed by an appeal (SEN2)")
    expect(
        sen2.locator(".ticket-panel").filter(has=page.get_by_role("heading", name=f"Calendar year {today.year}"))
    ).to_contain_text("0 of 0: no figure")
    screenshot(page, "management-default")
    assert_accessible(page)

    # Narrow the period to the last five weeks bar five days, for last year's SEN2 figures.
    form = page.locator("form.dashboard-form")
    fill_date(form, "From", start)
    fill_date(form, "To", end)
    form.get_by_role("combobox", name="Year").select_option(str(year))
    form.get_by_role("button", name="Show figures").click()
    expect(page.locator("p.lead")).to_contain_text(f"Figures for {day_label(start)} to {day_label(end)}")
    expect(page).to_have_title(re.compile(r"^Management dashboard"))
    expect_date(form, "From", start)

    expect(certificates.get_by_role("cell")).to_have_text(
        ["The provider (mediation adviser)", "C2, C6, C8", "3", "1", "4", "75.0%"]
    )
    expect(compliance.locator(".chart-summary").first).to_contain_text(
        "Certificates issued within 3 working days: 75.0% on time (3 of 4)"
    )
    calendar_year = sen2.locator(".ticket-panel").filter(has=page.get_by_role("heading", name=f"Calendar year {year}"))
    expect(calendar_year).to_contain_text("1 of 3: 33.3%")
    expect(calendar_year).to_contain_text("3 mediation cases held; 1 followed by an appeal to the Tribunal.")
    measures = sen2.get_by_role("table", name="SEN2 mediation measures")
    expect(measures.get_by_role("row", name=re.compile(r"^4864"))).to_contain_text("33.3%")
    # The period does not change the headline numbers, which are about now.
    expect(numeric(now, "open cases")).to_have_text("8")

    # Every chart is labelled, carries its text summary as its description, shows that summary beside it and
    # has a data table after it.
    main = page.get_by_role("main")
    expect(main.locator("svg.chart[role=img]")).to_have_count(len(CHARTS))
    for chart_id, title, caption in CHARTS:
        chart = page.locator(f"svg.chart[role=img][aria-labelledby='{chart_id}-title {chart_id}-desc']")
        expect(chart.locator("title")).to_have_text(title)
        figure = main.locator("figure.chart-figure").filter(has=chart)
        summary = figure.locator("xpath=following-sibling::p[contains(@class, 'chart-summary')][1]")
        summary_text = chart.locator("desc").text_content()
        assert summary_text, f"chart {chart_id} has no text summary"
        expect(summary).to_have_text(f"Summary: {summary_text}")
        expect(figure.locator("xpath=following::table[1]/caption")).to_have_text(re.compile(caption))
    expect(main.get_by_role("region", name="Outcomes of concluded referrals").locator(".chart-summary")).to_have_text(
        "Summary: 3 referrals concluded. Full agreement: 1; Partial agreement: 1; No agreement: 1."
    )
    expect(main.get_by_role("region", name="Decisions changed at mediation or tribunal")).to_contain_text(
        "2 decisions changed: 2 at mediation and 0 at tribunal."
    )
    expect(main.get_by_role("region", name="Workload")).to_contain_text(
        "The one mediator is over capacity: Mo Mediator (2 of 1)."
    )
    screenshot(page, "management-narrowed")
    assert_accessible(page)

    # A period that ends before it starts: a clear message, not a server error.
    fill_date(form, "From", end)
    fill_date(form, "To", start)
    with page.expect_response(lambda r: reverse("dashboards:management") in r.url) as answer:
        form.get_by_role("button", name="Show figures").click()
    assert answer.value.status == 200
    expect(page).to_have_title(re.compile(r"^Error: Management dashboard"))
    error_summary = page.locator("[data-error-summary]")
    expect(error_summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(error_summary).to_be_focused()
    to_link = error_summary.get_by_role("link", name="To: The end date must be the same as or after the start date.")
    expect(to_link).to_have_attribute("href", "#id_date_to_day")
    to_day = date_group(form, "To").get_by_label("Day", exact=True)
    expect(to_day).to_have_attribute("aria-invalid", "true")
    expect(main).to_contain_text("Fix the problem above to see the figures.")
    expect(main.locator("svg.chart")).to_have_count(0)
    screenshot(page, "management-error")
    assert_accessible(page)
    to_link.click()
    expect(to_day).to_be_focused()

    # The case list, filtered to Olivia's cases, exported.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Cases \(8\)"))
    page.get_by_text("Filter cases").click()
    page.get_by_role("combobox", name="Officer").select_option(label="Olivia Officer")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Cases \(2\)"))
    table = page.get_by_role("table", name=re.compile(r"^Cases, sorted by"))
    expect(table.get_by_role("row")).to_have_count(3)  # the header and Olivia's two cases
    expect(table.get_by_role("row", name=re.compile(w["formula_case"].reference))).to_contain_text(
        f"{FORMULA_NAME} Hughes"
    )
    screenshot(page, "case-list-filtered")
    assert_accessible(page)

    export = page.get_by_role("link", name="Export CSV of these 2 cases")
    assert "officer=" in export.get_attribute("href")
    with page.expect_download() as download_info:
        export.click()
    download = download_info.value
    assert download.suggested_filename == f"cases-{today:%Y-%m-%d}.csv"
    text = download.path().read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == CSV_HEADER
    by_reference = {row[0]: row for row in rows[1:]}
    assert len(rows) == 3 and set(by_reference) == {case.reference for case in w["mine"]}
    formula_row = dict(zip(CSV_HEADER, by_reference[w["formula_case"].reference], strict=True))
    assert formula_row["Child's first name"] == "'" + FORMULA_NAME
    assert (formula_row["Child's last name"], formula_row["Officer"], formula_row["Status"]) == (
        "Hughes",
        "Olivia Officer",
        "Intake",
    )
    # Each exported case, and only those, has the export recorded for its access log.
    exported = CaseEvent.objects.filter(kind=CaseEvent.Kind.EXPORTED).values_list("case_id", flat=True)
    assert sorted(exported) == sorted(case.pk for case in w["mine"])


# --- Journey 2: the officer's My work ---------------------------------------------------------------------------


def test_officer_lands_on_my_work_and_follows_a_clock_to_its_case(
    officer, other_officer, signed_in_page, assert_accessible, screenshot, today
):
    calendar = clock_services.working_calendar()
    soon_due, later_due = today + timedelta(days=5), today + timedelta(days=30)
    overdue = b.case(officer=officer, reference="SEND-2026-09201", status=CaseStatus.INTAKE)
    due_today = b.case(officer=officer, reference="SEND-2026-09202", status=CaseStatus.TRIAGED)
    soon = b.case(officer=officer, reference="SEND-2026-09203", status=CaseStatus.MEDIATION_ROUTE)
    later = b.case(officer=officer, reference="SEND-2026-09204", status=CaseStatus.MEDIATION_ROUTE)
    b.deadline(overdue, "C4", today - timedelta(days=3), OPEN, title="Hold the mediation (LA-arranged)")
    b.deadline(overdue, "C2", today - timedelta(days=9), MET, today - timedelta(days=9), title="Met already")
    b.deadline(due_today, "C8", today, OPEN, title="Certificate after mediation")
    b.deadline(soon, "C7", soon_due, OPEN, title="Notice of the mediation")
    b.deadline(later, "C11", later_due, OPEN, title="Agreed action: EHC plan amended")
    closed = b.case(officer=officer, reference="SEND-2026-09205", status=CaseStatus.CLOSED)
    someone_elses = b.case(officer=other_officer, reference="SEND-2026-09206")
    b.deadline(someone_elses, "C4", today - timedelta(days=1), OPEN, title="Someone else's clock")
    waiting = [b.case(officer=None, reference="SEND-2026-09207"), b.case(officer=None, reference="SEND-2026-09208")]
    b.case(officer=None, reference="SEND-2026-09209", status=CaseStatus.CLOSED)

    page = signed_in_page(officer)
    expect(page).to_have_title(re.compile(r"^My work"))  # an officer's home page
    assert page.url.endswith(reverse("dashboards:my_work"))
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_role("heading", name=re.compile(r"^My clocks"))).to_contain_text("(4 open)")

    # Each urgency group: its own case, the clock and the date relative to today.
    soon_label = deadlines.relative_label(soon_due, today, holidays=calendar)
    later_label = deadlines.relative_label(later_due, today, holidays=calendar)
    assert re.fullmatch(r"in \d+ working days?", later_label), later_label
    expected = [
        ("Overdue", overdue, "Hold the mediation (LA-arranged)", "3 days overdue"),
        ("Due today", due_today, "Certificate after mediation", "due today"),
        ("Due this week", soon, "Notice of the mediation", soon_label),
        ("Later", later, "Agreed action: EHC plan amended", later_label),
    ]
    for heading, case, title, relative in expected:
        group = main.get_by_role("region", name=re.compile(rf"^{heading}"))
        expect(group.get_by_role("heading", level=3)).to_contain_text("(1)")
        rows = group.get_by_role("row")
        expect(rows).to_have_count(2)  # the header and one clock
        expect(rows.nth(1).get_by_role("link")).to_have_text(case.reference)
        expect(rows.nth(1)).to_contain_text(title)
        expect(rows.nth(1).locator(".badge")).to_have_text(relative)
    expect(numeric(main, "Overdue")).to_have_text("1")

    # Their open cases by stage (the closed one left out), as a chart and a table.
    stages = main.get_by_role("region", name=re.compile(r"^My open cases by stage"))
    expect(stages.get_by_role("heading", level=2)).to_contain_text("(4)")
    stage_table = stages.get_by_role("table", name="My open cases by stage")
    expect(stage_table.get_by_role("row", name=re.compile(r"^Intake"))).to_contain_text("1")
    expect(stage_table.get_by_role("row", name=re.compile(r"^Triaged"))).to_contain_text("1")
    expect(stage_table.get_by_role("row", name=re.compile(r"^Mediation"))).to_contain_text("2")
    expect(stage_table.get_by_role("row")).to_have_count(4)
    expect(stages.locator(".chart-summary")).to_have_text("Summary: 4 open cases. Intake: 1; Triaged: 1; Mediation: 2.")
    expect(stages.get_by_role("img", name=re.compile(r"^My open cases by stage"))).to_be_visible()

    # The unassigned intake queue, oldest first; nobody else's cases and nothing closed anywhere.
    queue = main.get_by_role("region", name=re.compile(r"^Waiting for an officer"))
    expect(queue.get_by_role("heading", level=2)).to_contain_text("(2)")
    queue_rows = queue.get_by_role("row")
    expect(queue_rows).to_have_count(3)
    expect(queue_rows.nth(1).get_by_role("link")).to_have_text(waiting[0].reference)
    expect(queue_rows.nth(2).get_by_role("link")).to_have_text(waiting[1].reference)
    expect(queue_rows.nth(1)).to_contain_text("Intake")
    for hidden in (closed.reference, someone_elses.reference, "SEND-2026-09209", "Someone else's clock"):
        expect(main).not_to_contain_text(hidden)
    screenshot(page, "my-work")
    assert_accessible(page)

    # Follow the overdue clock to its case.
    main.get_by_role("region", name=re.compile(r"^Overdue")).get_by_role("link", name=overdue.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {overdue.reference}")
    expect(page).to_have_title(re.compile(rf"^Case {overdue.reference}"))
    screenshot(page, "case-from-my-work")
    assert_accessible(page)
