"""The accessibility statement's dates and known issues (GOV.UK model accessibility statement).

KNOWN_ISSUES are what the automated checks (axe-core, run on every page the browser tests visit) report below
the "serious" level the test suite fails on, plus what we know axe cannot see. Update them, and the dates, when the
pages are tested again."""

from datetime import date

PREPARED_ON = date(2026, 12, 5)
TESTED_ON = date(2026, 12, 5)

KNOWN_ISSUES: list[dict] = []
