"""The accessibility statement's dates and known issues (GOV.UK model accessibility statement).

Tested on TESTED_ON: axe-core, in Chromium, on every page and state the browser tests visit (about thirty: sign-in,
the case list and case pages, intake, deadlines, referrals and the mediator's pages, the dashboards, the data
protection pages, the footer pages and the subject-access summary). The test suite fails on any "serious" or
"critical" finding; on that run axe reported no finding at any level on the portal's pages. The issues below are
the ones automated checks cannot see, found by checking the pages and files by hand. Update them, and the dates,
whenever the portal is tested again."""

from datetime import date

PREPARED_ON = date(2026, 12, 5)
TESTED_ON = date(2026, 12, 5)

KNOWN_ISSUES: list[dict] = [
    {
        "summary": "you are signed out after 30 minutes without using the portal, with no warning and no way to "
        "ask for more time",
        "detail": "The portal signs you out after 30 minutes without activity (to protect children's information on "
        "shared computers) without warning you first or letting you extend the time, so unsaved form entries can "
        "be lost.",
        "criterion": "2.2.1 (timing adjustable)",
        "plan": "We plan to add a warning, two minutes before the time runs out, with a button to stay signed in.",
    },
    {
        "summary": "mediation certificates (PDF files) are not tagged, so screen readers cannot tell their headings "
        "and lists apart from other text",
        "detail": "Mediation certificate PDFs have no tags (no document structure), so assistive technology reads "
        "them as plain text.",
        "criterion": "1.3.1 (info and relationships)",
        "plan": "We plan to produce tagged PDF/UA certificates. Until then, the same information is on the case "
        "page, and we will send a certificate in another format on request.",
    },
    {
        "summary": "date fields use your browser's own date picker, which can show dates month first and is hard to "
        "use with some screen readers and speech recognition software",
        "detail": "",
        "criterion": "",
        "plan": "",
    },
]
