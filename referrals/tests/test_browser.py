"""Browser journeys for the mediation pathway: a real chromium against the live server, with an axe gate on every
page visited and after every refused form. Run only these with `pytest -m browser`.

1. An officer takes a triaged case from the adviser contact to an assigned mediator: the suggested provider, the
   ranked mediators with their reasons, an excluded mediator who cannot be chosen, the 30-day clock.
2. The assigned mediator sees only their own referral, arranges and records the session, records a partial
   agreement and issues the certificate, which downloads as a PDF.
3. The officer sees the appeal deadline moved by the certificate and adds an agreed action with its deadline.

Each journey starts from the state the one before it leaves, built with the same services the pages call. The
live server runs on the real clock, so every date is relative to today and none is in the future."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import clock_services, deadlines
from cases import permissions as roles
from cases.models import Case, Decision, Status
from cases.tests.factories import CaseFactory
from conftest import make_user
from referrals import services
from referrals.models import AdviserContact, Certificate, IssueOutcome, MediationSession, Mediator, PlanIssue, Referral
from referrals.tests.factories import MediatorFactory, ProviderFactory, ReferralFactory
from sendportal.testing.browser import expect_date, fill_date

# Each journey runs on a fixed day (the live server too), so it passes whatever the real date.
pytestmark = [pytest.mark.browser, pytest.mark.today(date(2026, 10, 14))]

RS = Referral.Status
SUGGESTED, OTHER_PROVIDER = "Northway Mediation", "Riverside Resolution"
ACTION = "Send the family the social care assessment"


def long_day(day):
    return f"{day:%a} {day.day} {day:%b %Y}"


@dataclass
class Dates:
    """The pathway's dates, relative to today. The decision letter went out about 45 days ago, so that the month
    after a certificate issued today ends later than the two months after the letter and visibly moves the appeal
    deadline. Where both periods would end on the same day (both ending in August move to September, say), the
    letter goes back a week at a time until they do not."""

    today: object

    def __post_init__(self):
        t, calendar = self.today, clock_services.working_calendar()
        decision_sent = t - timedelta(days=45)
        while deadlines.appeal_deadline(decision_sent, t, holidays=calendar) == deadlines.appeal_deadline(
            decision_sent, holidays=calendar
        ):
            decision_sent -= timedelta(days=7)
        self.decision_sent = decision_sent
        self.first_contact = decision_sent + timedelta(days=3)
        self.adviser_contact = decision_sent + timedelta(days=7)
        self.family_told_la = t - timedelta(days=16)
        self.referred = t - timedelta(days=15)
        self.responded = t - timedelta(days=14)
        self.session = t - timedelta(days=2)
        self.concluded = t - timedelta(days=1)
        self.agreement = t - timedelta(days=2)
        self.certificate = t


@dataclass
class World:
    dates: Dates
    officer: object
    case: Case
    suggested: object
    top: Mediator  # the social care specialist: ranked first
    someone_else: Referral  # another mediator's referral on another case


@pytest.fixture
def world(officer, mediator_user, django_user_model, today):
    dates = Dates(today)
    suggested = ProviderFactory(name=SUGGESTED, contract_share=Decimal("60"))
    other_provider = ProviderFactory(name=OTHER_PROVIDER, contract_share=Decimal("40"))

    def mediator(username, first, last, provider, **extra):
        user = make_user(django_user_model, username, roles.MEDIATOR, first_name=first, last_name=last)
        return MediatorFactory(user=user, provider=provider, **extra)

    top = MediatorFactory(user=mediator_user, provider=suggested, specialisms=["social_care"])
    mediator("jo_bright", "Jo", "Bright", suggested)
    mediator("lee_hall", "Lee", "Hall", suggested, employed_by_la=True)
    elsewhere = mediator("kim_other", "Kim", "Other", other_provider)

    # Another mediator's referral (to the other provider, which then sits above its share, so the suggestion
    # below is Northway whatever the ordering).
    someone_else = ReferralFactory(
        assigned=True,
        case=CaseFactory(
            status=Status.MEDIATION_ROUTE,
            decision_sent_on=dates.decision_sent,
            first_contact_on=dates.first_contact,
            child_first_name="Zebedee",
            child_last_name="Quennell-Hartigan",  # a name nothing else on the page has
        ),
        provider=other_provider,
        mediator=elsewhere,
        referred_on=dates.referred,
        family_told_la_on=dates.family_told_la,
        responded_on=dates.responded,
    )
    case = CaseFactory(
        child_first_name="Maya",
        child_last_name="Osei-Clarke",
        party_name="Abena Osei-Clarke",
        officer=officer,
        status=Status.TRIAGED,
        decision=Decision.RTA,
        decision_sent_on=dates.decision_sent,
        first_contact_on=dates.first_contact,
        social_care_involved=True,
    )
    clock_services.case_clocks_recompute(case=case, actor=officer)
    return World(dates, officer, case, suggested, top, someone_else)


def advance(world: World, to: str) -> Referral:
    """Bring the case to the end of journey 1 ("assigned") or 2 ("certified") through the services."""
    d, officer, case = world.dates, world.officer, world.case
    services.adviser_contact_record(
        case=case, actor=officer, contacted_on=d.adviser_contact, choice=AdviserContact.Choice.MEDIATION
    )
    referral = services.referral_create(
        case=case, actor=officer, provider=world.suggested, family_told_la_on=d.family_told_la, referred_on=d.referred
    )
    services.referral_respond(referral=referral, actor=officer, accepted=True, responded_on=d.responded)
    services.referral_assign_mediator(referral=referral, actor=officer, mediator=world.top)
    referral.refresh_from_db()
    if to == "assigned":
        return referral
    mediator = world.top.user
    calendar = clock_services.working_calendar()
    session = services.session_schedule(
        referral=referral,
        actor=mediator,
        starts_at=timezone.make_aware(datetime.combine(d.session, time(10))),
        mode=MediationSession.Mode.IN_PERSON,
        venue="Civic Centre, Room 2",
        notice_sent_on=deadlines.mediation_notice_deadline(d.session, holidays=calendar),
    )
    services.session_record(session=session, actor=mediator, status="held", attendance={"party_attended": True})
    services.referral_conclude(
        referral=referral,
        actor=mediator,
        concluded_on=d.concluded,
        outcome=Referral.Outcome.PARTIAL,
        issue_outcomes={
            PlanIssue.SOCIAL_CARE: IssueOutcome.Result.AGREED,
            PlanIssue.DECISION: IssueOutcome.Result.NOT_AGREED,
        },
        agreement_on=d.agreement,
    )
    services.certificate_issue(
        case=case,
        actor=mediator,
        referral=referral,
        kind=Certificate.Kind.CONCLUDED,
        issued_on=d.certificate,
        issuer_name="Mo Mediator",
        issuer_role="Mediator",
    )
    referral.refresh_from_db()
    return referral


def clock_row(page, title):
    return page.get_by_role("region", name="Statutory clocks").get_by_role("row").filter(has_text=title)


def consume_logged_status(page, browser_errors, response):
    """Chromium logs a page that comes back with an error status as a console error. The tests expect that
    status and assert it, so that one message, and only that one, is taken off the list."""
    logged = (
        f"console: Failed to load resource: the server responded with a status of {response.status} "
        f"({response.status_text}) ({response.url})"
    )
    for _ in range(40):
        if logged in browser_errors:
            browser_errors.remove(logged)
            return
        page.wait_for_timeout(50)


def submit_refused(page, browser_errors, button, title_pattern, *messages):
    """Submit a form the server refuses: the page comes back with HTTP 400 and a focused error summary naming
    each problem."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.request.is_navigation_request()) as info:
        button.click()
    response = info.value
    assert response.status == 400, f"expected the form to be refused, got HTTP {response.status}"
    expect(page).to_have_title(title_pattern)
    summary = page.locator("[data-error-summary]")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    for message in messages:
        expect(summary).to_contain_text(message)
    consume_logged_status(page, browser_errors, response)


# --- Journey 1: the officer, from the adviser contact to an assigned mediator -----------------------------------


def test_officer_refers_to_the_suggested_provider_and_assigns_the_top_mediator(
    world, signed_in_page, assert_accessible, screenshot, browser_errors, mailoutbox
):
    d, case = world.dates, world.case
    page = signed_in_page(world.officer)
    page.goto(case.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    panel = page.get_by_role("region", name="Mediation")
    expect(panel).to_contain_text("No referrals yet.")
    expect(clock_row(page, "Contact the mediation adviser")).to_contain_text(
        long_day(deadlines.adviser_contact_deadline(d.decision_sent))
    )
    screenshot(page, "case-before-referral")
    assert_accessible(page)

    # The adviser contact: the family wants mediation.
    panel.get_by_text("Record the family's contact with the mediation adviser").click()
    fill_date(panel, "Date the family contacted the adviser", d.adviser_contact)
    panel.get_by_role("radio", name="Wants mediation").check()
    panel.get_by_label("Adviser name").fill("Priya Shah")
    panel.get_by_role("button", name="Record the adviser contact").click()
    expect(page.get_by_role("status")).to_have_text("Adviser contact recorded")
    panel = page.get_by_role("region", name="Mediation")
    expect(panel).to_contain_text(long_day(d.adviser_contact))
    expect(panel).to_contain_text("Wants mediation")
    expect(clock_row(page, "Contact the mediation adviser")).to_contain_text(f"met on {long_day(d.adviser_contact)}")

    # The suggested provider is named, explained and already chosen.
    expect(panel).to_contain_text(
        f"Suggested provider: {SUGGESTED} (furthest below its contracted share of referrals)."
    )
    expect(panel.locator(".provider-suggestion")).to_contain_text(f"{SUGGESTED}: 0 of 1 referral (0%) against a 60%")
    provider = panel.get_by_role("combobox", name=re.compile(r"^Provider"))
    expect(provider).to_have_value(str(world.suggested.pk))
    expect(provider.locator("option:checked")).to_have_text(SUGGESTED)
    screenshot(page, "case-refer-form")
    assert_accessible(page)

    # A first try without the date the family told the LA is refused, and says so.
    fill_date(panel, "Referred on", d.referred)
    submit_refused(
        page,
        browser_errors,
        panel.get_by_role("button", name="Refer to the provider"),
        re.compile(r"^Error: Case"),
        "Enter the date the family told the LA they want mediation.",
    )
    assert not Referral.objects.filter(case=case).exists()
    screenshot(page, "case-refer-refused")
    assert_accessible(page)

    panel = page.get_by_role("region", name="Mediation")
    expect(panel.get_by_role("combobox", name=re.compile(r"^Provider"))).to_have_value(str(world.suggested.pk))
    fill_date(panel, "Date the family told the LA they want mediation", d.family_told_la)
    panel.get_by_role("button", name="Refer to the provider").click()
    expect(page.get_by_role("status")).to_have_text(f"Referred to {SUGGESTED}")
    referral = Referral.objects.get(case=case)
    assert (referral.provider, referral.suggested_provider, referral.referred_on) == (
        world.suggested,
        world.suggested,
        d.referred,
    )
    c4_due = deadlines.mediation_deadline(d.family_told_la)
    expect(clock_row(page, "Hold the mediation (LA-arranged)")).to_contain_text(long_day(c4_due))
    screenshot(page, "case-referred")
    assert_accessible(page)

    # The referral page: the provider accepts.
    page.get_by_role("link", name=f"View referral to {SUGGESTED}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral for case {case.reference}")
    expect(page.locator(".identity-bar .status-tag")).to_have_text("Waiting for the provider")
    screenshot(page, "referral-waiting")
    assert_accessible(page)

    respond = page.get_by_role("region", name="The provider's response")
    respond.get_by_role("radio", name="Accepted the referral").check()
    fill_date(respond, "Date the provider responded", d.responded)
    respond.get_by_role("button", name="Record the response").click()
    expect(page.get_by_role("status")).to_have_text(f"{SUGGESTED} accepted the referral")
    expect(page.locator(".identity-bar .status-tag")).to_have_text("Accepted: mediator to be assigned")

    # The mediators, best match first, with their reasons; the LA employee cannot be chosen.
    assign = page.get_by_role("region", name="Assign a mediator")
    ranked = assign.locator(".ranked-mediator")
    expect(ranked).to_have_count(3)
    expect(ranked.nth(0)).to_contain_text("Mo Mediator")
    expect(ranked.nth(0)).to_contain_text("Top suggestion")
    expect(ranked.nth(0)).to_contain_text("Specialism match: social care")
    expect(ranked.nth(1)).to_contain_text("Jo Bright")
    expect(ranked.nth(1)).to_contain_text("No social care specialism")
    expect(ranked.nth(2)).to_contain_text("Lee Hall")
    expect(ranked.nth(2)).to_contain_text("Excluded")
    expect(ranked.nth(2)).to_contain_text("Employed by the local authority: not independent (CFA 2014 s.56)")
    top_radio = assign.get_by_role("radio", name="Mo Mediator")
    excluded_radio = assign.get_by_role("radio", name="Lee Hall")
    expect(top_radio).to_be_checked()
    expect(excluded_radio).to_be_disabled()
    expect(excluded_radio).to_have_accessible_description(re.compile("Employed by the local authority"))
    expect(top_radio).to_have_accessible_description(re.compile("Specialism match: social care"))
    screenshot(page, "referral-accepted-ranking")
    assert_accessible(page)

    # Choosing the runner-up without a reason is refused; the top suggestion is then assigned.
    assign.get_by_role("radio", name="Jo Bright").check()
    submit_refused(
        page,
        browser_errors,
        assign.get_by_role("button", name="Assign the mediator"),
        re.compile(r"^Error: Referral"),
        "Give a reason for not choosing the top suggestion (Mo Mediator).",
    )
    screenshot(page, "referral-assign-refused")
    assert_accessible(page)

    assign = page.get_by_role("region", name="Assign a mediator")
    expect(assign.get_by_role("radio", name="Jo Bright")).to_be_checked()
    assign.get_by_role("radio", name="Mo Mediator").check()
    assign.get_by_role("button", name="Assign the mediator").click()
    expect(page.get_by_role("status")).to_have_text("Mediator Mo Mediator assigned")
    expect(page.locator(".identity-bar")).to_contain_text(f"{SUGGESTED}; mediator Mo Mediator")
    expect(page.locator(".identity-bar .status-tag")).to_have_text("Mediator assigned")
    screenshot(page, "referral-assigned")
    assert_accessible(page)
    referral.refresh_from_db()
    assert (referral.status, referral.mediator) == (RS.ASSIGNED, world.top)
    # The mediator is told by email, with the case reference and a link, never the child's or family's name.
    (told,) = mailoutbox
    assert told.to == [world.top.user.email]
    assert told.subject == f"Mediation referral assigned to you: {case.reference}"
    assert referral.get_absolute_url() in told.body
    assert "Maya" not in told.body + told.subject and "Osei-Clarke" not in told.body + told.subject

    # Back on the case page: the referral and its 30-day clock.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=f"Case {case.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    row = page.get_by_role("region", name="Mediation").get_by_role("row").filter(has_text=SUGGESTED)
    expect(row).to_contain_text("Mediator assigned")
    expect(row).to_contain_text("Mo Mediator")
    c4 = clock_row(page, "Hold the mediation (LA-arranged)")
    expect(c4).to_contain_text(long_day(c4_due))
    expect(c4).to_contain_text("Open")
    screenshot(page, "case-after-assignment")
    assert_accessible(page)


# --- Journey 2: the mediator, from their dashboard to the certificate --------------------------------------------


def test_mediator_records_the_session_and_agreement_and_issues_the_certificate(
    world, signed_in_page, assert_accessible, screenshot, browser_errors, mailoutbox
):
    d, case = world.dates, world.case
    referral = advance(world, "assigned")
    calendar = clock_services.working_calendar()

    page = signed_in_page(world.top.user)
    expect(page).to_have_title(re.compile(r"^My dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My dashboard")
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"\b1\s*referrals? assigned to me"))
    # Their home leads to their work: the referral waits for a session to be arranged.
    to_arrange = page.get_by_role("region", name="Sessions to arrange")
    expect(to_arrange.get_by_role("link", name=f"Arrange a session for {case.reference}")).to_have_attribute(
        "href", f"{referral.get_absolute_url()}#schedule-heading"
    )
    expect(page.get_by_role("region", name="Sessions to record")).to_contain_text("No past session is waiting")
    screenshot(page, "mediator-dashboard")
    assert_accessible(page)

    # Only their own referral is listed; another mediator's is not.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^My referrals \(1\)"))
    table = page.get_by_role("table", name=re.compile("Your referrals"))
    expect(table.get_by_role("row")).to_have_count(2)  # the header and one referral
    expect(table).to_contain_text(case.reference)
    expect(page.get_by_role("main")).not_to_contain_text(world.someone_else.case.reference)
    expect(page.get_by_role("main")).not_to_contain_text(world.someone_else.case.child_last_name)
    screenshot(page, "mediator-referrals")
    assert_accessible(page)

    # Another mediator's referral does not open either, even by its address.
    response = page.goto(world.someone_else.get_absolute_url())
    assert response.status == 404
    consume_logged_status(page, browser_errors, response)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("main")).not_to_contain_text(world.someone_else.case.reference)
    screenshot(page, "mediator-other-referral-not-found")
    assert_accessible(page)
    page.go_back()

    table.get_by_role("link", name=re.compile(case.reference)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral for case {case.reference}")
    expect(page.get_by_role("region", name="Assign a mediator")).to_have_count(0)
    expect(page.get_by_role("region", name="The provider's response")).to_have_count(0)
    screenshot(page, "mediator-referral")
    assert_accessible(page)

    # Arrange the session two days ago: too little notice without the family's agreement is refused.
    notice_due = deadlines.mediation_notice_deadline(d.session, holidays=calendar)
    schedule = page.get_by_role("region", name="Arrange a session")
    fill_date(schedule, "Date and time", d.session, time="10:00")
    schedule.get_by_role("radio", name="In person").check()
    schedule.get_by_label("Venue").fill("Civic Centre, Room 2")
    fill_date(schedule, "Date notice of the date and place was sent", d.session - timedelta(days=1))
    submit_refused(
        page,
        browser_errors,
        schedule.get_by_role("button", name="Arrange the session"),
        re.compile(r"^Error: Referral"),
        f"Notice must be sent by {long_day(notice_due)}",
    )
    assert not referral.sessions.exists()
    screenshot(page, "mediator-schedule-refused")
    assert_accessible(page)

    schedule = page.get_by_role("region", name="Arrange a session")
    fill_date(schedule, "Date notice of the date and place was sent", notice_due)
    schedule.get_by_role("button", name="Arrange the session").click()
    expect(page.get_by_role("status")).to_have_text(f"Session arranged for {long_day(d.session)} at 10:00")
    sessions = page.get_by_role("region", name="Sessions")
    expect(sessions).to_contain_text(f"{long_day(d.session)} at 10:00, in person: Civic Centre, Room 2")
    expect(sessions).to_contain_text("Planned")
    screenshot(page, "mediator-session-arranged")
    assert_accessible(page)
    # The calendar invitation went to the mediator.
    invitation = mailoutbox[-1]
    assert invitation.subject.startswith(f"Mediation session arranged: {case.reference}")
    (ics,) = invitation.attachments
    assert "METHOD:REQUEST" in ics.content and "LOCATION:Civic Centre\\, Room 2" in ics.content

    # Record it as held, with who attended: the session's time has passed, so its form is open already.
    expect(sessions.locator("details")).to_have_attribute("open", "")
    sessions.get_by_role("radio", name="Held").check()
    sessions.get_by_label("Parent or young person attended").check()
    sessions.get_by_label("LA decision-maker attended").check()
    sessions.get_by_label("The child's views were obtained").check()
    sessions.get_by_role("button", name="Record the session").click()
    expect(page.get_by_role("status")).to_have_text("Session recorded: held")
    sessions = page.get_by_role("region", name="Sessions")
    expect(sessions).to_contain_text("Held")
    expect(sessions).to_contain_text("Parent or young person: attended")
    expect(sessions).to_contain_text("Child's views: obtained")
    expect(sessions).to_contain_text("ICB: did not attend")
    expect(clock_row(page, "Hold the mediation (LA-arranged)")).to_contain_text(f"met on {long_day(d.session)}")
    screenshot(page, "mediator-session-held")
    assert_accessible(page)

    # A partial agreement, issue by issue.
    conclude = page.get_by_role("region", name="Conclude the mediation")
    fill_date(conclude, "Date mediation concluded", d.concluded)
    conclude.get_by_role("radio", name="Partial agreement").check()
    fill_date(conclude, "Date of the written agreement", d.agreement)
    conclude.get_by_role("combobox", name="Social care").select_option(label="Agreed")
    conclude.get_by_role("combobox", name="The decision itself").select_option(label="Not agreed")
    conclude.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("status")).to_have_text("Mediation concluded: partial agreement")
    expect(page.locator(".identity-bar .status-tag")).to_have_text("Mediation concluded")
    outcome = page.get_by_role("region", name="Outcome")
    expect(outcome).to_contain_text("Partial agreement")
    expect(outcome).to_contain_text(long_day(d.agreement))
    issues = outcome.get_by_role("table", name="Outcome for each issue in dispute")
    expect(issues.get_by_role("row", name=re.compile("Social care"))).to_contain_text("Agreed")
    expect(issues.get_by_role("row", name=re.compile("The decision itself"))).to_contain_text("Not agreed")
    certificate_due = deadlines.certificate_deadline(d.concluded, holidays=calendar)
    expect(clock_row(page, "Certificate after mediation")).to_contain_text(long_day(certificate_due))
    screenshot(page, "mediator-concluded")
    assert_accessible(page)

    # The certificate, through its confirmation page.
    page.get_by_role("link", name="Issue a certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Issue a mediation certificate for case {case.reference}?"
    )
    expect(page.get_by_role("note")).to_contain_text("Issuing is final.")
    expect(page.get_by_role("radio", name="Mediation concluded (s.55(5))")).to_be_checked()
    expect_date(page, "Issue date", d.certificate)
    expect(page.get_by_label("Name of the person issuing it")).to_have_value("Mo Mediator")
    expect(page.get_by_role("radio", name="Mediator", exact=True)).to_be_checked()
    screenshot(page, "mediator-certificate-confirm")
    assert_accessible(page)

    page.get_by_role("button", name="Issue the certificate").click()
    number = f"CERT-{case.reference}-1"
    expect(page.get_by_role("status")).to_have_text(f"Certificate {number} issued")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral for case {case.reference}")
    certificates = page.get_by_role("region", name="Certificates")
    row = certificates.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Mediation concluded (s.55(5))")
    expect(row).to_contain_text(long_day(d.certificate))
    expect(row).to_contain_text("Mo Mediator (Mediator)")
    expect(clock_row(page, "Certificate after mediation")).to_contain_text(f"met on {long_day(d.certificate)}")
    screenshot(page, "mediator-certificate-issued")
    assert_accessible(page)

    download = row.get_by_role("link", name=f"Download PDF of certificate {number}")
    response = page.request.get(download.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="{number}.pdf"' in response.headers["content-disposition"]
    assert response.body().startswith(b"%PDF")


# --- Journey 3: the officer, after the certificate -----------------------------------------------------------


def test_officer_sees_the_appeal_deadline_moved_and_adds_an_agreed_action(
    world, signed_in_page, assert_accessible, screenshot, browser_errors
):
    d, case = world.dates, world.case
    calendar = clock_services.working_calendar()
    before = deadlines.appeal_deadline(d.decision_sent, holidays=calendar)
    referral = advance(world, "certified")
    moved = deadlines.appeal_deadline(d.decision_sent, d.certificate, holidays=calendar)
    assert moved > before

    page = signed_in_page(world.officer)
    page.goto(case.get_absolute_url())
    appeal = clock_row(page, "Tribunal must receive the appeal")
    expect(appeal).to_contain_text(long_day(moved))
    expect(appeal).to_contain_text("by 5pm")
    expect(appeal).not_to_contain_text(long_day(before))
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        f"Tribunal must receive the appeal: moved from {long_day(before)} to {long_day(moved)}"
    )
    expect(
        page.get_by_role("region", name="Mediation").get_by_role("row").filter(has_text=f"CERT-{case.reference}-1")
    ).to_contain_text("Mediation concluded (s.55(5))")
    screenshot(page, "case-appeal-moved")
    assert_accessible(page)

    page.get_by_role("link", name=f"View referral to {SUGGESTED}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral for case {case.reference}")
    actions = page.get_by_role("region", name="Agreed actions")
    expect(actions).to_contain_text("No agreed actions recorded.")
    screenshot(page, "referral-concluded")
    assert_accessible(page)

    # Without saying what was agreed, the action is refused.
    actions.get_by_text("Add an agreed action").click()
    actions.get_by_role("radio", name="The LA", exact=True).check()
    actions.get_by_role("radio", name="Other matter: 2 weeks (reg 42(3))").check()
    submit_refused(
        page,
        browser_errors,
        actions.get_by_role("button", name="Add the action"),
        re.compile(r"^Error: Referral"),
        "Enter what was agreed.",
    )
    assert not referral.actions.exists()
    screenshot(page, "referral-action-refused")
    assert_accessible(page)

    actions = page.get_by_role("region", name="Agreed actions")
    actions.get_by_label("What was agreed").fill(ACTION)
    expect(actions.get_by_role("radio", name="Other matter: 2 weeks (reg 42(3))")).to_be_checked()
    actions.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("status")).to_have_text("Agreed action added")
    due = deadlines.agreement_action_deadline(d.agreement)
    assert due == d.agreement + timedelta(weeks=2)
    row = page.get_by_role("region", name="Agreed actions").get_by_role("row").filter(has_text=ACTION)
    expect(row).to_contain_text("Other matter: 2 weeks (reg 42(3))")
    expect(row).to_contain_text("The LA")
    expect(row).to_contain_text(long_day(due))
    expect(row).to_contain_text(deadlines.relative_label(due, d.today, holidays=calendar))
    expect(clock_row(page, ACTION)).to_contain_text(long_day(due))
    screenshot(page, "referral-action-added")
    assert_accessible(page)
