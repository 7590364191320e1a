"""What the dashboards' figures share: the clock groups and outcome sets the definitions count, the database
functions they are computed with, the period and percentage helpers, and a clock row as a dashboard shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DateField, F, Func, IntegerField, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.deadlines import ClockCode
from cases.models import Deadline, Decision
from referrals.models import MediationSession, Referral, TribunalAppeal
from sendportal.formats import short_day_month_year

LIST_LIMIT = 20
"""Rows shown per list on a dashboard; the totals are always counted in full."""


MAX_PERIOD_DAYS = 5 * 366
"""Longest period the management dashboard accepts: 5 years (60 monthly trend columns)."""

FIRST_SEN2_YEAR = 2014
"""The Children and Families Act 2014 mediation duties started in September 2014."""

# Clock groups for compliance (docs/rules.md §7, provider and service figures).
# The LA's own clocks first, then the provider's (decision 12: certificates are the mediation adviser's duty,
# counted in provider performance apart from the LA's compliance). Notice that the family agreed to shorten is on
# time (the clock's due date is the notice they agreed to).
CLOCK_GROUPS: list[dict] = [
    {
        "key": "mediation",
        "label": "Mediation held within 30 days",
        "short": "Mediation in 30 days",
        "who": "The LA (or the ICB for health-only mediation)",
        "clocks": [ClockCode.C4, ClockCode.C5],
    },
    {
        "key": "notice",
        "label": "Notice of the mediation at least 5 working days before (or as the family agreed)",
        "short": "Notice",
        "who": "The LA (or the ICB)",
        "clocks": [ClockCode.C7],
    },
    {
        "key": "actions",
        "label": "Agreed actions done on time (SEND Regs 2014 reg 42)",
        "short": "Agreed actions",
        "who": "The LA or the ICB",
        "clocks": [ClockCode.C10, ClockCode.C11, ClockCode.C12, ClockCode.C13],
    },
    {
        "key": "certificates",
        "label": "Certificates issued within 3 working days",
        "short": "Certificates",
        "who": "The provider (mediation adviser)",
        "clocks": [ClockCode.C2, ClockCode.C6, ClockCode.C8],
    },
]
CERTIFICATE_CLOCKS = next(group["clocks"] for group in CLOCK_GROUPS if group["key"] == "certificates")


def certificate_clock() -> Q:
    """The certificate clocks (C2, C6, C8) written as the condition of their partial index
    (cases_deadline_certificate_idx): one comparison each, joined by OR. SQLite uses a partial index only when the
    query's condition is written alike, and never for an IN list of bound parameters."""
    condition = Q()
    for code in CERTIFICATE_CLOCKS:
        condition |= Q(clock=code)
    return condition


AGREED_OUTCOMES = [Referral.Outcome.FULL, Referral.Outcome.PARTIAL]
CHANGED_AT_MEDIATION = [Referral.Outcome.FULL, Referral.Outcome.PARTIAL, Referral.Outcome.LA_CONCEDED]
CHANGED_AT_TRIBUNAL = [
    TribunalAppeal.Outcome.UPHELD,
    TribunalAppeal.Outcome.PARTLY_UPHELD,
    TribunalAppeal.Outcome.CONCEDED,
]
HELD = MediationSession.SessionStatus.HELD
NO_DECISION = ("", "No decision recorded")


class MonthStart(Func):
    """The first day of a date's month, as a date. TruncMonth does this too, but on SQLite it calls a Python
    function for every row; strftime and date_trunc are the databases' own."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="DATE_TRUNC('month', %(expressions)s)::date")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="strftime('%%%%Y-%%%%m-01', %(expressions)s)")


class DaysBetween(Func):
    """Whole days from the date `start` to the date `end` (negative when end is earlier), in the database's own
    date arithmetic. A DurationField subtraction would do on PostgreSQL, but on SQLite it calls a Python function
    for every row; and an integer sum divided in Python gives means with no rounding on the way."""

    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


# --- Small pure helpers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A period of whole days, both ends included."""

    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{short_day_month_year(self.start)} to {short_day_month_year(self.end)}"

    def months(self) -> list[date]:
        """The first day of each calendar month the period touches, in order."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


def default_period(today: date) -> Period:
    """The last 12 calendar months including this one: 1 June 2025 to 20 May 2026 when today is 20 May 2026."""
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return Period(start, today)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole * 100 to one decimal place, halves rounded up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent_text(part: int, whole: int) -> str:
    """'1 of 3: 33.3%' (the SEN2 4864 style), or '0 of 0: no figure' when there is nothing to count."""
    value = percent(part, whole)
    return f"{part:,} of {whole:,}: " + (f"{value}%" if value is not None else "no figure")


def mean_days(total_days: int | None, count: int) -> Decimal | None:
    """The mean of `count` whole-day differences summing to `total_days`, to one decimal place, halves up."""
    if total_days is None or not count:
        return None
    return (Decimal(total_days) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def person_name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or (username or "")


def case_url(pk: int) -> str:
    return reverse("cases:detail", args=[pk])


def referral_url(pk: int) -> str:
    """The referral's page, when the referral pages are installed (they live in the referrals app)."""
    try:
        return reverse("referrals:detail", args=[pk])
    except NoReverseMatch:
        return ""


def counted_clocks(today: date, prefix: str = "") -> Q:
    """Clocks that count towards compliance: met, missed, or still open and already overdue (due before today)."""
    return Q(**{f"{prefix}state__in": [Deadline.State.MET, Deadline.State.MISSED]}) | Q(
        **{f"{prefix}state": Deadline.State.OPEN, f"{prefix}due_on__lt": today}
    )


def met_on_time(prefix: str = "") -> Q:
    """Met on or before the due date."""
    return Q(**{f"{prefix}state": Deadline.State.MET, f"{prefix}met_on__lte": F(f"{prefix}due_on")})


def decision_rows(values: dict[str, dict]) -> list[dict]:
    """Rows in the order of the Decision choices, then 'no decision', for the decision types present."""
    return [
        {"code": value or "none", "label": label, **values[value]}
        for value, label in [*Decision.choices, NO_DECISION]
        if value in values
    ]


def clock_dict(row) -> dict:
    deadline = row.deadline
    return {
        "reference": deadline.case.reference,
        "url": case_url(deadline.case_id),
        "title": deadline.title,
        "due_on": deadline.due_on,
        "due_time": deadline.due_time,
        "relative": row.relative,
        "urgency": row.urgency,
        "rule": row.rule,
        "binds": row.who,
    }
