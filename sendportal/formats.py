"""How the portal writes dates and times in its own text (messages, timeline entries, clock explanations, letters,
certificates, emails): one function for each format, in English whatever the server's locale. Templates use
Django's `date` filter with the same formats ("D j M Y" is short_date's).

Only the standard library at import: the deadline engine (cases.deadlines) uses these too.
"""

from __future__ import annotations

from datetime import date, datetime

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def short_date(day: date) -> str:
    """The portal's usual date: "Tue 3 Mar 2026"."""
    return f"{DAY_NAMES[day.weekday()][:3]} {day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


def long_date(day: date | None) -> str:
    """A date in full, for letters, certificates and the clocks' explanations: "Tuesday 3 March 2026" ("" for
    none)."""
    if day is None:
        return ""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def day_month_year(day: date) -> str:
    """A date within a sentence where the weekday does not matter: "3 March 2026"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def short_day_month_year(day: date) -> str:
    """A date in a short label (a filter tag, a period): "3 Mar 2026"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


def _local(moment: datetime) -> datetime:
    from django.utils import timezone

    return timezone.localtime(moment)


def short_datetime(moment: datetime) -> str:
    """A time on a day, in the portal's time zone: "Tue 3 Mar 2026 at 14:30"."""
    local = _local(moment)
    return f"{short_date(local.date())} at {local:%H:%M}"


def long_datetime(moment: datetime) -> str:
    """A time on a day in full, in the portal's time zone (emails to mediators): "Tuesday 3 March 2026 at 14:30"."""
    local = _local(moment)
    return f"{long_date(local.date())} at {local:%H:%M}"


def short_timestamp(moment: datetime) -> str:
    """When something happened, in a table or on the timeline, in the portal's time zone: "Tue 3 Mar 2026 14:30"
    (the templates' "D j M Y H:i")."""
    local = _local(moment)
    return f"{short_date(local.date())} {local:%H:%M}"
