"""The statutory clock engine: pure date arithmetic for SEND mediation and appeal deadlines.

Every function here is pure. It receives dates (never datetimes) and, where working days matter, an
optional collection of non-working days. It never reads the clock, settings or the database, so callers
convert instants to London dates at the edge and pass ``today`` in explicitly.

Calendars
---------
* Working day (SEND Regulations 2014 and the HESC Tribunal rules): any day except Saturday, Sunday and the
  days in ``holidays``. ``holidays=None`` means England and Wales bank holidays from the ``holidays``
  package (Christmas Day, Good Friday, statutory and proclaimed bank holidays, substitute days and
  one-off days). Any other collection *replaces* that calendar: services pass
  ``EnglandBankHolidaysPlus(extra_days)`` (the bank holidays of every year plus the admin-maintained extra
  days); tests may pass their own set, or an empty set to ignore bank holidays.
* "Within N working days of X": X never counts; the Nth working day strictly after X is the deadline
  (docs/rules.md §8 D2).
* Calendar-day and week clocks never roll forward (§8 D3). Month clocks use the corresponding-date
  rule with the short-month fallback (Dodds v Walker [1981] 1 WLR 1027; §8 D4).
* The appeal deadline (C9) applies HESC rule 12 (§8 D5), see ``appeal_deadline_detail``.

Statutory periods are the module-level constants below, each citing its source and the clock code in
docs/rules.md §4; a change in the law is a one-line change here plus its tests.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays as holidays_package

from sendportal.formats import long_date

__all__ = [
    "ADVISER_CONTACT_MONTHS",
    "AGREEMENT_ACTION_WEEKS",
    "APPEAL_CERTIFICATE_MONTHS",
    "APPEAL_DEADLINE_TIME",
    "APPEAL_DEADLINE_TIME_ZONE",
    "APPEAL_DECISION_MONTHS",
    "CERTIFICATE_WORKING_DAYS",
    "CLOCKS",
    "ClockCode",
    "DONE_ON_CASE_PAGE",
    "DEADLINE_LABELS",
    "HEALTH_BODY_NOTICE_WEEKS",
    "HEALTH_NOTIFICATION_WORKING_DAYS",
    "MEDIATION_CALENDAR_DAYS",
    "MEDIATION_NOTICE_WORKING_DAYS",
    "RECOMMENDATION_RESPONSE_WEEKS",
    "AppealDeadline",
    "Clock",
    "EnglandBankHolidaysPlus",
    "OrderKind",
    "UnopposedAppealKind",
    "add_days",
    "add_months",
    "add_weeks",
    "add_working_days",
    "adviser_contact_deadline",
    "agreement_action_deadline",
    "appeal_deadline",
    "appeal_deadline_detail",
    "certificate_deadline",
    "england_bank_holidays",
    "first_working_day_on_or_after",
    "health_body_notice_deadline",
    "health_notification_deadline",
    "is_working_day",
    "last_working_day_on_or_before",
    "mediation_deadline",
    "mediation_notice_deadline",
    "non_working_day_warning",
    "recommendation_response_deadline",
    "relative_label",
    "subtract_working_days",
    "tribunal_order_deadlines",
    "unopposed_appeal_deadlines",
    "working_days_between",
]

# ---------------------------------------------------------------------------------------------------------
# Statutory periods
# ---------------------------------------------------------------------------------------------------------

# Mediation (SEND Regulations 2014, SI 2014/1530, Part 2 "Mediation", regs 32-42)
ADVISER_CONTACT_MONTHS = 2  # SEND Regs 2014 reg 33; docs/rules.md §4 C1
CERTIFICATE_WORKING_DAYS = 3  # SEND Regs 2014 reg 34 and later certificate rules; docs/rules.md §4 C2, C6, C8
HEALTH_NOTIFICATION_WORKING_DAYS = 3  # SEND Regs 2014 (believed reg 35/36, UNVERIFIED); docs/rules.md §4 C3
MEDIATION_CALENDAR_DAYS = 30  # SEND Regs 2014 (believed reg 37, UNVERIFIED); docs/rules.md §4 C4, C5
MEDIATION_NOTICE_WORKING_DAYS = 5  # notice of mediation date and place (reg UNVERIFIED); docs/rules.md §4 C7
AGREEMENT_ACTION_WEEKS = 2  # SEND Regs 2014 reg 42(3): non-appealable agreement; docs/rules.md §4 C11
HEALTH_BODY_NOTICE_WEEKS = 1  # SEND Regs 2014 reg 42(4): health body tells the LA; docs/rules.md §4 C12

# Appeal time limit (Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008, SI 2008/2699)
APPEAL_DECISION_MONTHS = 2  # HESC r.20(1)(c)(i): after the decision notice was sent; docs/rules.md §4 C9
APPEAL_CERTIFICATE_MONTHS = 1  # HESC r.20(1)(c)(ii): after the certificate was issued; docs/rules.md §4 C9
APPEAL_DEADLINE_TIME = time(17, 0)  # HESC r.12(1): an act due on a day must be done by 5pm; docs/rules.md §4 C9
APPEAL_DEADLINE_TIME_ZONE = "Europe/London"  # docs/rules.md §8 D5
APPEAL_AUGUST_MONTH = 8  # HESC r.12(3)(a) as amended 21 July 2020: period ending in August; docs/rules.md §4 C9
APPEAL_CHRISTMAS_WINDOW_FIRST_DAY = 25  # HESC r.12(3)(a): 25 Dec to 1 Jan inclusive; docs/rules.md §4 C9

# Compliance with a Tribunal order (SEND Regs 2014 reg 44); also mediation agreements on appealable
# matters (reg 42(2)). Periods run from the order (HMCTS: the day the order is sent out).
# docs/rules.md §4 C10, C14
ORDER_ASSESS_TELL_PARENT_WEEKS = 2  # reg 44(2)(b): notify the decision to assess / re-assess
ORDER_ASSESS_NO_PLAN_WEEKS = 10  # reg 44(2)(b): decision that no plan is needed
ORDER_ASSESS_FINAL_PLAN_WEEKS = 14  # reg 44(2)(b): final plan after the assessment
ORDER_PLAN_DRAFT_WEEKS = 5  # reg 44(2)(c): draft plan after an order to make and maintain a plan
ORDER_PLAN_FINAL_WEEKS = 11  # reg 44(2)(c): final plan after an order to make and maintain a plan
ORDER_AMEND_CONTENTS_WEEKS = 5  # reg 44(2) (letter UNVERIFIED; HMCTS SEND18): amend the plan contents
ORDER_CHANGE_SCHOOL_WEEKS = 2  # reg 44(2) (letter UNVERIFIED; HMCTS SEND18): change the named school
ORDER_RECONSIDER_WEEKS = 2  # reg 44(2) (letter UNVERIFIED; HMCTS SEND18): reconsider a referred-back decision

# Unopposed appeals (SEND Regs 2014 reg 45 as substituted by SI 2015/359 reg 8; NOT the original 4 weeks).
# Periods run from the day the LA notified the Tribunal that it will not oppose; docs/rules.md §4 C15
UNOPPOSED_ASSESS_TELL_PARENT_WEEKS = 2  # reg 45(2): notify the decision to assess / re-assess
UNOPPOSED_ASSESS_NO_PLAN_WEEKS = 10  # reg 45(2): decision that no plan is needed
UNOPPOSED_ASSESS_FINAL_PLAN_WEEKS = 14  # reg 45(2): final plan after the assessment
UNOPPOSED_AMEND_CONTENTS_WEEKS = 5  # reg 45(3): content (B/F) or refusal to amend: amended plan
UNOPPOSED_PLACEMENT_ONLY_WEEKS = 2  # reg 45(3A): only the school or institution named in section I
UNOPPOSED_CONTENT_AND_PLACEMENT_WEEKS = 5  # reg 45(3A): placement appealed together with content
UNOPPOSED_REFUSAL_TO_ISSUE_DRAFT_WEEKS = 5  # reg 45(4): refusal to issue a plan: draft plan
UNOPPOSED_REFUSAL_TO_ISSUE_FINAL_WEEKS = 11  # reg 45(4): refusal to issue a plan: final plan

# Tribunal health and social care recommendations (SI 2017/1306 reg 6); docs/rules.md §4 C16
RECOMMENDATION_RESPONSE_WEEKS = 5

_SATURDAY = 5  # date.weekday() of Saturday; Saturday and Sunday are never working days

_ONE_DAY = timedelta(days=1)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# ---------------------------------------------------------------------------------------------------------
# Input checking
# ---------------------------------------------------------------------------------------------------------


def _check_date(value: object, name: str) -> date:
    """Return ``value`` if it is a plain date; datetimes are ambiguous (which day in London?) and rejected."""
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        hint = "convert the instant to a London date first"
        raise ValueError(f"{name} must be a date, not a datetime: {hint} (got {value!r})")
    if isinstance(value, date):
        return value
    if value is None:
        raise ValueError(f"{name} is required (got None)")
    raise ValueError(f"{name} must be a date (got {type(value).__name__}: {value!r})")


def _check_count(value: object, name: str) -> int:
    """Return ``value`` if it is a non-negative integer (bool is rejected: True is not a period)."""
    if type(value) is int:
        if value < 0:
            raise ValueError(f"{name} must not be negative (got {value})")
        return value
    if value is None:
        raise ValueError(f"{name} is required (got None)")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number of days (got {type(value).__name__}: {value!r})")
    if value < 0:
        raise ValueError(f"{name} must not be negative (got {value})")
    return int(value)


def _out_of_range(what: str) -> ValueError:
    return ValueError(f"{what} falls outside the supported date range (years 1 to 9999)")


# ---------------------------------------------------------------------------------------------------------
# Holiday calendars
# ---------------------------------------------------------------------------------------------------------


@functools.cache
def _england_supported_years() -> tuple[int, int]:
    calendar = holidays_package.country_holidays("GB", subdiv="ENG")
    return calendar.start_year, calendar.end_year


@functools.lru_cache(maxsize=512)
def _england_year(year: int) -> frozenset[date]:
    """England and Wales non-working days (besides weekends) in ``year``, from the holidays package."""
    first, last = _england_supported_years()
    if not first <= year <= last:
        raise ValueError(
            f"England and Wales bank holidays are only known for {first} to {last} (asked for {year}); "
            "pass holidays= explicitly for other years"
        )
    return frozenset(holidays_package.country_holidays("GB", subdiv="ENG", years=year))


def england_bank_holidays(years: int | Iterable[int]) -> frozenset[date]:
    """England and Wales bank holidays (including Christmas Day, Good Friday, substitute and one-off days).

    ``years`` is one year or several (for example ``range(2026, 2029)``). Source: the ``holidays``
    package, ``country_holidays("GB", subdiv="ENG")``; docs/rules.md §3.
    """
    if isinstance(years, bool) or years is None:
        raise ValueError(f"years must be a year or a collection of years (got {years!r})")
    if isinstance(years, int):
        return _england_year(years)
    if isinstance(years, str | bytes) or not isinstance(years, Iterable):
        raise ValueError(f"years must be a year or a collection of years (got {years!r})")
    result: set[date] = set()
    for year in years:
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"years must contain whole years (got {year!r})")
        result |= _england_year(year)
    return frozenset(result)


def _check_holiday_items(days: Iterable[object]) -> None:
    for day in days:
        if type(day) is not date and (isinstance(day, datetime) or not isinstance(day, date)):
            raise ValueError(f"holidays must contain only dates (found {type(day).__name__}: {day!r})")


@functools.lru_cache(maxsize=64)
def _checked_frozenset(days: frozenset[object]) -> frozenset[date]:
    # Frozensets cache their hash, so a caller reusing one calendar pays for the item check only once.
    _check_holiday_items(days)
    return days  # type: ignore[return-value]


class EnglandBankHolidaysPlus(Collection[date]):
    """England and Wales bank holidays for every year the ``holidays`` package knows, plus extra days.

    Pass it as ``holidays=`` when some days besides the bank holidays are not working days (the
    admin-maintained table of extra non-working days, or a newly proclaimed bank holiday not yet in
    the package: docs/rules.md §8 D1). Unlike a plain set it needs no list of years.
    """

    __slots__ = ("extra",)

    def __init__(self, extra: Iterable[date] = ()) -> None:
        if isinstance(extra, str | bytes) or not isinstance(extra, Iterable):
            raise ValueError(f"extra must be a collection of dates (got {type(extra).__name__})")
        days = tuple(extra)
        _check_holiday_items(days)
        self.extra: frozenset[date] = frozenset(days)

    def __contains__(self, day: object) -> bool:
        if day in self.extra:
            return True
        return isinstance(day, date) and day in _england_year(day.year)

    def __iter__(self) -> Iterator[date]:
        first, last = _england_supported_years()
        return iter(sorted(self.extra | england_bank_holidays(range(first, last + 1))))

    def __len__(self) -> int:
        first, last = _england_supported_years()
        return len(self.extra | england_bank_holidays(range(first, last + 1)))

    def __repr__(self) -> str:
        return f"EnglandBankHolidaysPlus({sorted(self.extra)!r})"

    def between(self, low: date, high: date) -> frozenset[date]:
        """The non-working days from ``low`` to ``high`` inclusive (any weekday)."""
        days = england_bank_holidays(range(low.year, high.year + 1)) | self.extra
        return frozenset(day for day in days if low <= day <= high)


def _resolve_holidays(holidays: Collection[date] | None) -> Collection[date] | None:
    """None (the England calendar, looked up per year) or a collection supporting fast ``in``."""
    if holidays is None:
        return None
    if type(holidays) is frozenset:
        return _checked_frozenset(holidays)
    if type(holidays) is EnglandBankHolidaysPlus:
        return holidays  # items were checked when it was built
    if isinstance(holidays, str | bytes) or not isinstance(holidays, Collection):
        raise ValueError(
            f"holidays must be a collection of dates such as a set or list (got {type(holidays).__name__})"
        )
    _check_holiday_items(holidays)
    if isinstance(holidays, set | frozenset):
        return holidays
    return frozenset(holidays)


def _is_working(day: date, hols: Collection[date] | None) -> bool:
    if day.weekday() >= _SATURDAY:
        return False
    if hols is None:
        return day not in _england_year(day.year)
    return day not in hols


def _next_working_on_or_after(day: date, hols: Collection[date] | None) -> date:
    try:
        while not _is_working(day, hols):
            day += _ONE_DAY
    except OverflowError:
        raise _out_of_range("The next working day") from None
    return day


# ---------------------------------------------------------------------------------------------------------
# Working days
# ---------------------------------------------------------------------------------------------------------


def is_working_day(day: date, *, holidays: Collection[date] | None = None) -> bool:
    """True unless ``day`` is a Saturday, a Sunday or one of ``holidays`` (default: England bank holidays)."""
    return _is_working(_check_date(day, "day"), _resolve_holidays(holidays))


def add_working_days(start: date, n: int, *, holidays: Collection[date] | None = None) -> date:
    """The ``n``th working day strictly after ``start``; ``start`` never counts; ``n == 0`` gives ``start``.

    docs/rules.md §3 ("within N working days of X") and §8 D2: an event on a
    non-working day counts from that actual date.
    """
    day = _check_date(start, "start")
    remaining = _check_count(n, "n")
    hols = _resolve_holidays(holidays)
    try:
        while remaining:
            day += _ONE_DAY
            if _is_working(day, hols):
                remaining -= 1
    except OverflowError:
        raise _out_of_range(f"{n} working days after {start}") from None
    return day


def subtract_working_days(end: date, n: int, *, holidays: Collection[date] | None = None) -> date:
    """The ``n``th working day strictly before ``end``; ``end`` never counts and ``n == 0`` gives ``end``."""
    day = _check_date(end, "end")
    remaining = _check_count(n, "n")
    hols = _resolve_holidays(holidays)
    try:
        while remaining:
            day -= _ONE_DAY
            if _is_working(day, hols):
                remaining -= 1
    except OverflowError:
        raise _out_of_range(f"{n} working days before {end}") from None
    return day


def first_working_day_on_or_after(day: date, *, holidays: Collection[date] | None = None) -> date:
    """``day`` if it is a working day, otherwise the next working day (HESC r.12(2) roll-forward)."""
    return _next_working_on_or_after(_check_date(day, "day"), _resolve_holidays(holidays))


def last_working_day_on_or_before(day: date, *, holidays: Collection[date] | None = None) -> date:
    """``day`` if it is a working day, otherwise the last working day before it.

    Used for the warning shown when a calendar-day or week clock ends on a non-working day
    (docs/rules.md §8 D3): the deadline itself does not move.
    """
    current = _check_date(day, "day")
    hols = _resolve_holidays(holidays)
    try:
        while not _is_working(current, hols):
            current -= _ONE_DAY
    except OverflowError:
        raise _out_of_range(f"The last working day on or before {day}") from None
    return current


def _weekdays_up_to(day: date) -> int:
    """Number of Mondays-to-Fridays from a fixed origin up to and including ``day`` (an offset count)."""
    ordinal = day.toordinal()  # ordinal 1 (0001-01-01) is a Monday
    weeks, rest = divmod(ordinal - 1, 7)
    return weeks * 5 + min(rest + 1, 5)


def working_days_between(start: date, end: date, *, holidays: Collection[date] | None = None) -> int:
    """Signed count of working days after ``start`` up to and including ``end``.

    ``working_days_between(d, add_working_days(d, n)) == n``; swapping the arguments flips the sign.
    """
    start = _check_date(start, "start")
    end = _check_date(end, "end")
    hols = _resolve_holidays(holidays)
    if end < start:
        low, high, sign = end, start, -1
    else:
        low, high, sign = start, end, 1
    count = _weekdays_up_to(high) - _weekdays_up_to(low)
    if count:
        if hols is None:
            years = range(low.year, high.year + 1)
            candidates: Collection[date] = [h for year in years for h in _england_year(year)]
        elif isinstance(hols, EnglandBankHolidaysPlus):
            candidates = hols.between(low, high)
        else:
            candidates = hols
        count -= sum(1 for h in candidates if low < h <= high and h.weekday() < _SATURDAY)
    return sign * count


# ---------------------------------------------------------------------------------------------------------
# Calendar arithmetic (no roll-forward)
# ---------------------------------------------------------------------------------------------------------


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def _add_months(start: date, n: int) -> date:
    months = start.month - 1 + n
    year = start.year + months // 12
    month = months % 12 + 1
    if year > 9999:
        raise _out_of_range(f"{n} months after {start}")
    day = start.day
    if day > 28:
        day = min(day, _days_in_month(year, month))
    return date(year, month, day)


def add_months(start: date, n: int) -> date:
    """``n`` calendar months after ``start`` by the corresponding-date rule.

    Same day-number ``n`` months later; if that month is too short, its last day (31 January + 1 month is
    28 or 29 February). Never 30 or 60 days. Dodds v Walker [1981] 1 WLR 1027 (HL); docs/rules.md §3, §8 D4.
    """
    return _add_months(_check_date(start, "start"), _check_count(n, "n"))


def add_days(start: date, n: int) -> date:
    """``n`` calendar days after ``start``; never rolled forward (docs/rules.md §8 D3)."""
    start = _check_date(start, "start")
    n = _check_count(n, "n")
    try:
        return start + timedelta(days=n)
    except OverflowError:
        raise _out_of_range(f"{n} days after {start}") from None


def add_weeks(start: date, n: int) -> date:
    """``n`` weeks (7n calendar days) after ``start``; never rolled forward (docs/rules.md §8 D3)."""
    n = _check_count(n, "n")
    return add_days(start, 7 * n)


def non_working_day_warning(due: date, *, holidays: Collection[date] | None = None) -> str:
    """Warning for a calendar-day or week clock that ends on a non-working day ("" when it does not).

    The deadline does not move (docs/rules.md §8 D3); the page shows the last working day.
    """
    due = _check_date(due, "due")
    hols = _resolve_holidays(holidays)
    if _is_working(due, hols):
        return ""
    last = long_date(last_working_day_on_or_before(due, holidays=hols))
    return f"Due {long_date(due)}, which is not a working day: the last working day before it is {last}."


# ---------------------------------------------------------------------------------------------------------
# Mediation clocks (C1-C8, C11, C12)
# ---------------------------------------------------------------------------------------------------------


def adviser_contact_deadline(decision_sent: date) -> date:
    """C1: the parent or young person must contact the mediation adviser within 2 calendar months of the
    date the written notice of the decision was sent (SEND Regs 2014 reg 33). Not moved by HESC r.12."""
    return _add_months(_check_date(decision_sent, "decision_sent"), ADVISER_CONTACT_MONTHS)


def certificate_deadline(trigger_day: date, *, holidays: Collection[date] | None = None) -> date:
    """C2, C6, C8: the mediation certificate is due 3 working days after the trigger.

    The trigger is the day the adviser was told the parent or young person does not want mediation (C2),
    was told mediation cannot be held within 30 days (C6), or the day mediation concluded (C8).
    """
    return add_working_days(trigger_day, CERTIFICATE_WORKING_DAYS, holidays=holidays)


def health_notification_deadline(told_day: date, *, holidays: Collection[date] | None = None) -> date:
    """C3: the LA tells each relevant ICB the mediation issues within 3 working days of being told they are
    or include health care provision."""
    return add_working_days(told_day, HEALTH_NOTIFICATION_WORKING_DAYS, holidays=holidays)


def mediation_deadline(la_told_day: date) -> date:
    """C4, C5: mediation must take place within 30 calendar days (no roll-forward).

    C4 runs from the day the LA was told the parent or young person wants mediation (the earlier of the
    family's and the provider's notification: docs/rules.md §8 D6); C5 from the day the ICB
    received the LA's notification.
    """
    return add_days(la_told_day, MEDIATION_CALENDAR_DAYS)


def mediation_notice_deadline(mediation_day: date, *, holidays: Collection[date] | None = None) -> date:
    """C7: notice of the mediation date and place must reach the parent or young person at least 5 working
    days before the mediation (counted back from, and excluding, the mediation day), unless they agree
    to shorter notice."""
    return subtract_working_days(mediation_day, MEDIATION_NOTICE_WORKING_DAYS, holidays=holidays)


def agreement_action_deadline(agreement_day: date) -> date:
    """C11: an agreed action on a non-appealable matter must be taken within 2 weeks of the mediation
    agreement (SEND Regs 2014 reg 42(3)), unless other dates were agreed in writing (reg 42(5))."""
    return add_weeks(agreement_day, AGREEMENT_ACTION_WEEKS)


def health_body_notice_deadline(agreement_day: date) -> date:
    """C12: a commissioning body that reached an agreement without the LA tells the LA within 1 week
    (SEND Regs 2014 reg 42(4))."""
    return add_weeks(agreement_day, HEALTH_BODY_NOTICE_WEEKS)


# ---------------------------------------------------------------------------------------------------------
# Appeal deadline (C9)
# ---------------------------------------------------------------------------------------------------------

_ADJUST_NONE = 0
_ADJUST_AUGUST = 1
_ADJUST_CHRISTMAS = 2
_ADJUST_NON_WORKING = 3

ADJUSTMENT_AUGUST = "ended in August: moved to the first working day after 31 August (HESC r.12(3))"
ADJUSTMENT_CHRISTMAS = (
    "ended between 25 December and 1 January: moved to the first working day after 1 January (HESC r.12(3))"
)
ADJUSTMENT_NON_WORKING = "ended on a non-working day: moved to the next working day (HESC r.12(2))"
_ADJUSTMENT_TEXT = {
    _ADJUST_NONE: "",
    _ADJUST_AUGUST: ADJUSTMENT_AUGUST,
    _ADJUST_CHRISTMAS: ADJUSTMENT_CHRISTMAS,
    _ADJUST_NON_WORKING: ADJUSTMENT_NON_WORKING,
}

LIMB_DECISION = "decision"
LIMB_CERTIFICATE = "certificate"


def _in_christmas_window(day: date) -> bool:
    if day.month == 12:
        return day.day >= APPEAL_CHRISTMAS_WINDOW_FIRST_DAY
    return day.month == 1 and day.day == 1


def _first_working_after_window(day: date, hols: Collection[date] | None) -> date:
    """First working day after 31 August (for an August day) or after 1 January (for a window day)."""
    if day.month == APPEAL_AUGUST_MONTH:
        return _next_working_on_or_after(date(day.year, 9, 1), hols)
    year = day.year + 1 if day.month == 12 else day.year
    if year > 9999:
        raise _out_of_range(f"The appeal deadline for a period ending {day}")
    return _next_working_on_or_after(date(year, 1, 2), hols)


def _appeal(
    decision_sent: date, certificate_issued: date | None, holidays: Collection[date] | None
) -> tuple[date, date, date | None, date, int]:
    """(raw end, decision limb, certificate limb, strict due date, adjustment code)."""
    decision_sent = _check_date(decision_sent, "decision_sent")
    hols = _resolve_holidays(holidays)
    decision_end = _add_months(decision_sent, APPEAL_DECISION_MONTHS)
    certificate_end = None
    raw = decision_end
    if certificate_issued is not None:
        certificate_issued = _check_date(certificate_issued, "certificate_issued")
        if certificate_issued < decision_sent:
            raise ValueError(
                f"certificate_issued ({certificate_issued}) is before decision_sent ({decision_sent}): "
                "a mediation certificate follows the decision it relates to"
            )
        certificate_end = _add_months(certificate_issued, APPEAL_CERTIFICATE_MONTHS)
        if certificate_end > raw:
            raw = certificate_end
    if raw.month == APPEAL_AUGUST_MONTH:
        return raw, decision_end, certificate_end, _first_working_after_window(raw, hols), _ADJUST_AUGUST
    if _in_christmas_window(raw):
        return raw, decision_end, certificate_end, _first_working_after_window(raw, hols), _ADJUST_CHRISTMAS
    if _is_working(raw, hols):
        return raw, decision_end, certificate_end, raw, _ADJUST_NONE
    due = _next_working_on_or_after(raw, hols)
    return raw, decision_end, certificate_end, due, _ADJUST_NON_WORKING


@dataclass(frozen=True, slots=True)
class AppealDeadline:
    """The C9 appeal deadline with the reasoning the case page shows.

    ``due`` is always the strict reading of HESC r.12. When the raw end date is a non-working day just
    outside the August or Christmas window and the r.12(2) roll-forward lands inside it (worked example
    E25), ``needs_legal_review`` is set and ``alternative_due`` holds the more generous reading.
    """

    raw_end: date
    due: date
    due_time: time
    limb: str
    adjustment: str
    needs_legal_review: bool
    decision_limb_end: date
    certificate_limb_end: date | None
    alternative_due: date | None
    review_reason: str

    @property
    def due_at(self) -> datetime:
        """The deadline as an aware instant: 17:00 Europe/London (GMT or BST as applies on the day)."""
        return datetime.combine(self.due, self.due_time, tzinfo=ZoneInfo(APPEAL_DEADLINE_TIME_ZONE))


def appeal_deadline(
    decision_sent: date, certificate_issued: date | None = None, *, holidays: Collection[date] | None = None
) -> date:
    """C9: last day (by 5pm) for the Tribunal to receive the appeal; see ``appeal_deadline_detail``."""
    return _appeal(decision_sent, certificate_issued, holidays)[3]


def appeal_deadline_detail(
    decision_sent: date, certificate_issued: date | None = None, *, holidays: Collection[date] | None = None
) -> AppealDeadline:
    """C9: the appeal must be received by 5pm on the returned ``due`` date.

    HESC r.20(1)(c): the later of 2 months after the decision notice was sent and 1 month after the
    mediation certificate was issued. Then HESC r.12: a period ending on any day in August ends on the
    first working day after 31 August; one ending on 25 December to 1 January ends on the first working
    day after 1 January; one ending on any other non-working day ends on the next working day.
    docs/rules.md §4 C9 and §8 D5. When the two limbs end on the same day, ``limb`` is
    "decision".
    """
    raw, decision_end, certificate_end, due, code = _appeal(decision_sent, certificate_issued, holidays)
    certificate_later = certificate_end is not None and certificate_end > decision_end
    limb = LIMB_CERTIFICATE if certificate_later else LIMB_DECISION
    needs_review = False
    alternative = None
    reason = ""
    if code == _ADJUST_NON_WORKING:
        if due.month == APPEAL_AUGUST_MONTH:
            window = "August"
        elif _in_christmas_window(due):
            window = "the 25 December to 1 January window"
        else:
            window = ""
        if window:
            needs_review = True
            alternative = _first_working_after_window(due, _resolve_holidays(holidays))
            reason = (
                f"The period ended on {long_date(raw)}, a non-working day just before {window}; the next "
                f"working day falls inside it. The strict reading (r.12(2)) gives {long_date(due)}; "
                f"reading r.12(3) generously would give {long_date(alternative)}. Needs legal review."
            )
    return AppealDeadline(
        raw_end=raw,
        due=due,
        due_time=APPEAL_DEADLINE_TIME,
        limb=limb,
        adjustment=_ADJUSTMENT_TEXT[code],
        needs_legal_review=needs_review,
        decision_limb_end=decision_end,
        certificate_limb_end=certificate_end,
        alternative_due=alternative,
        review_reason=reason,
    )


# ---------------------------------------------------------------------------------------------------------
# Tribunal orders, appealable mediation agreements and unopposed appeals (C10, C14, C15, C16)
# ---------------------------------------------------------------------------------------------------------

# Keys of the timetables returned by tribunal_order_deadlines and unopposed_appeal_deadlines.
CEASE = "cease"
TELL_PARENT = "tell_parent"
NO_PLAN_DECISION = "no_plan_decision"
DRAFT_PLAN = "draft_plan"
FINAL_PLAN = "final_plan"
AMENDED_PLAN = "amended_plan"
CONTINUE_MAINTAINING = "continue_maintaining"
RECONSIDERED_DECISION = "reconsidered_decision"

DEADLINE_LABELS = {
    CEASE: "Cease to maintain the plan",
    TELL_PARENT: "Tell the parent or young person that the assessment will be carried out",
    NO_PLAN_DECISION: "Tell the parent or young person if no EHC plan is needed",
    DRAFT_PLAN: "Issue the draft EHC plan",
    FINAL_PLAN: "Issue the final EHC plan",
    AMENDED_PLAN: "Issue the amended EHC plan",
    CONTINUE_MAINTAINING: "Continue to maintain the plan",
    RECONSIDERED_DECISION: "Reconsider the decision and tell the parent or young person",
}


class OrderKind(StrEnum):
    """What a Tribunal order (or a reg 42(2) mediation agreement on an appealable matter) requires."""

    CEASE_APPEAL_DISMISSED = "cease_appeal_dismissed"  # reg 44(2)(a): appeal against ceasing dismissed
    ASSESS = "assess"  # reg 44(2)(b)
    REASSESS = "reassess"  # reg 44(2)(b)
    MAKE_AND_MAINTAIN_PLAN = "make_and_maintain_plan"  # reg 44(2)(c)
    AMEND_CONTENTS = "amend_contents"  # reg 44(2), letter UNVERIFIED
    CHANGE_NAMED_SCHOOL = "change_named_school"  # reg 44(2), letter UNVERIFIED
    CONTINUE_TO_MAINTAIN = "continue_to_maintain"  # reg 44(2), letter UNVERIFIED
    RECONSIDER = "reconsider"  # reg 44(2), letter UNVERIFIED


class UnopposedAppealKind(StrEnum):
    """The decision under appeal when the LA tells the Tribunal it will not oppose (reg 45)."""

    ASSESS = "assess"
    REASSESS = "reassess"
    CONTENT = "content"  # sections B and/or F
    REFUSAL_TO_AMEND = "refusal_to_amend"
    PLACEMENT_ONLY = "placement_only"  # section I only
    CONTENT_AND_PLACEMENT = "content_and_placement"
    REFUSAL_TO_ISSUE = "refusal_to_issue"
    CEASE = "cease"


_ASSESSMENT_ORDER = (
    (TELL_PARENT, ORDER_ASSESS_TELL_PARENT_WEEKS),
    (NO_PLAN_DECISION, ORDER_ASSESS_NO_PLAN_WEEKS),
    (FINAL_PLAN, ORDER_ASSESS_FINAL_PLAN_WEEKS),
)
_ORDER_TIMETABLES: dict[OrderKind, tuple[tuple[str, int], ...]] = {
    OrderKind.CEASE_APPEAL_DISMISSED: ((CEASE, 0),),
    OrderKind.ASSESS: _ASSESSMENT_ORDER,
    OrderKind.REASSESS: _ASSESSMENT_ORDER,
    OrderKind.MAKE_AND_MAINTAIN_PLAN: (
        (DRAFT_PLAN, ORDER_PLAN_DRAFT_WEEKS),
        (FINAL_PLAN, ORDER_PLAN_FINAL_WEEKS),
    ),
    OrderKind.AMEND_CONTENTS: ((AMENDED_PLAN, ORDER_AMEND_CONTENTS_WEEKS),),
    OrderKind.CHANGE_NAMED_SCHOOL: ((AMENDED_PLAN, ORDER_CHANGE_SCHOOL_WEEKS),),
    OrderKind.CONTINUE_TO_MAINTAIN: ((CONTINUE_MAINTAINING, 0),),
    OrderKind.RECONSIDER: ((RECONSIDERED_DECISION, ORDER_RECONSIDER_WEEKS),),
}

_UNOPPOSED_ASSESSMENT = (
    (TELL_PARENT, UNOPPOSED_ASSESS_TELL_PARENT_WEEKS),
    (NO_PLAN_DECISION, UNOPPOSED_ASSESS_NO_PLAN_WEEKS),
    (FINAL_PLAN, UNOPPOSED_ASSESS_FINAL_PLAN_WEEKS),
)
_UNOPPOSED_TIMETABLES: dict[UnopposedAppealKind, tuple[tuple[str, int], ...]] = {
    UnopposedAppealKind.ASSESS: _UNOPPOSED_ASSESSMENT,
    UnopposedAppealKind.REASSESS: _UNOPPOSED_ASSESSMENT,
    UnopposedAppealKind.CONTENT: ((AMENDED_PLAN, UNOPPOSED_AMEND_CONTENTS_WEEKS),),
    UnopposedAppealKind.REFUSAL_TO_AMEND: ((AMENDED_PLAN, UNOPPOSED_AMEND_CONTENTS_WEEKS),),
    UnopposedAppealKind.PLACEMENT_ONLY: ((AMENDED_PLAN, UNOPPOSED_PLACEMENT_ONLY_WEEKS),),
    UnopposedAppealKind.CONTENT_AND_PLACEMENT: ((AMENDED_PLAN, UNOPPOSED_CONTENT_AND_PLACEMENT_WEEKS),),
    UnopposedAppealKind.REFUSAL_TO_ISSUE: (
        (DRAFT_PLAN, UNOPPOSED_REFUSAL_TO_ISSUE_DRAFT_WEEKS),
        (FINAL_PLAN, UNOPPOSED_REFUSAL_TO_ISSUE_FINAL_WEEKS),
    ),
    UnopposedAppealKind.CEASE: ((CONTINUE_MAINTAINING, 0),),
}


def _check_kind[K: StrEnum](value: object, enum: type[K], name: str) -> K:
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    valid = ", ".join(member.value for member in enum)
    raise ValueError(f"unknown {name} {value!r}; expected one of: {valid}")


def _timetable(start: date, rows: tuple[tuple[str, int], ...]) -> dict[str, date]:
    return {key: add_weeks(start, weeks) for key, weeks in rows}


def tribunal_order_deadlines(order_kind: OrderKind | str, order_day: date) -> dict[str, date]:
    """C10, C14: the LA's compliance timetable under SEND Regs 2014 reg 44, keyed by action.

    All periods run from ``order_day`` (for a Tribunal order, the day it was sent out; for a reg 42(2)
    mediation agreement on an appealable matter, the agreement date). "Immediately" is the same day.
    """
    kind = _check_kind(order_kind, OrderKind, "order kind")
    return _timetable(_check_date(order_day, "order_day"), _ORDER_TIMETABLES[kind])


def unopposed_appeal_deadlines(appeal_kind: UnopposedAppealKind | str, notified_day: date) -> dict[str, date]:
    """C15: the LA's timetable after telling the Tribunal it will not oppose an appeal (SEND Regs 2014
    reg 45 as substituted by SI 2015/359 reg 8), keyed by action and counted from ``notified_day``."""
    kind = _check_kind(appeal_kind, UnopposedAppealKind, "unopposed appeal kind")
    return _timetable(_check_date(notified_day, "notified_day"), _UNOPPOSED_TIMETABLES[kind])


def recommendation_response_deadline(recommendation_day: date) -> date:
    """C16: the ICB and/or LA social care respond in writing to Tribunal health and social care
    recommendations within 5 weeks (SI 2017/1306 reg 6; trigger date UNVERIFIED)."""
    return add_weeks(recommendation_day, RECOMMENDATION_RESPONSE_WEEKS)


# ---------------------------------------------------------------------------------------------------------
# Labels for the interface
# ---------------------------------------------------------------------------------------------------------


def relative_label(due: date, today: date, *, holidays: Collection[date] | None = None) -> str:
    """Short label for a due date seen from ``today``.

    "due today"; "in 1 working day" / "in N working days" (working days after today up to and including
    the due date); "in N days (no working days left)" when only non-working days remain;
    "1 day overdue" / "N days overdue" (calendar days).
    """
    due = _check_date(due, "due")
    today = _check_date(today, "today")
    if due == today:
        return "due today"
    if due < today:
        late = (today - due).days
        return f"{late} day overdue" if late == 1 else f"{late} days overdue"
    left = working_days_between(today, due, holidays=holidays)
    if left == 0:
        days = (due - today).days
        return f"in {days} day{'' if days == 1 else 's'} (no working days left)"
    return f"in {left} working day" if left == 1 else f"in {left} working days"


# ---------------------------------------------------------------------------------------------------------
# Registry of clocks (tooltips, reports)
# ---------------------------------------------------------------------------------------------------------

UNIT_WORKING_DAYS = "working days"
UNIT_CALENDAR_DAYS = "calendar days"
UNIT_WEEKS = "weeks"
UNIT_MONTHS = "months"
UNIT_AS_AGREED = "as agreed in writing"


class ClockCode(StrEnum):
    """The statutory clocks of docs/rules.md §4. The only spelling of a clock code: the
    clock registry (cases.clock_registry) is keyed by it and stored rows hold its value."""

    C1 = "C1"  # the family contacts the mediation adviser
    C2 = "C2"  # certificate after mediation is declined (or the family withdrew)
    C3 = "C3"  # the LA tells the ICB about health issues
    C4 = "C4"  # LA-arranged mediation held
    C5 = "C5"  # health-only mediation held (ICB arranges)
    C6 = "C6"  # certificate when mediation cannot be held in time
    C7 = "C7"  # notice of the mediation date and place
    C8 = "C8"  # certificate after mediation
    C9 = "C9"  # the Tribunal must receive the appeal
    C10 = "C10"  # agreement on an appealable matter
    C11 = "C11"  # agreement on a non-appealable matter
    C12 = "C12"  # health body tells the LA of an agreement
    C13 = "C13"  # timescales agreed in writing
    C14 = "C14"  # Tribunal order
    C15 = "C15"  # unopposed appeal
    C16 = "C16"  # response to health and social care recommendations
    C17 = "C17"  # dates the Tribunal directs (the LA's response)


@dataclass(frozen=True, slots=True)
class Clock:
    """One statutory clock from docs/rules.md §4."""

    code: ClockCode
    title: str
    rule: str
    unit: str
    source: str
    done_on_case_page: bool = False  # the LA records it done on the case's clock list (Tribunal compliance steps)


CLOCKS: dict[ClockCode, Clock] = {
    clock.code: clock
    for clock in (
        Clock(
            ClockCode.C1,
            "Contact the mediation adviser",
            f"{ADVISER_CONTACT_MONTHS} calendar months after the written notice of the decision was sent "
            "(SEND Regs 2014 reg 33)",
            UNIT_MONTHS,
            "SEND Regs 2014 reg 33",
        ),
        Clock(
            ClockCode.C2,
            "Certificate after mediation is declined",
            f"{CERTIFICATE_WORKING_DAYS} working days after the parent or young person told the adviser they "
            "do not want mediation (SEND Regs 2014 reg 34)",
            UNIT_WORKING_DAYS,
            "SEND Regs 2014 reg 34",
        ),
        Clock(
            ClockCode.C3,
            "Tell the ICB about health issues",
            f"{HEALTH_NOTIFICATION_WORKING_DAYS} working days after the parent or young person told the LA "
            "the mediation issues are or include health care provision (SEND Regs 2014; regulation number "
            "unverified)",
            UNIT_WORKING_DAYS,
            "SEND Regs 2014 (believed reg 35/36)",
        ),
        Clock(
            ClockCode.C4,
            "Hold the mediation (LA-arranged)",
            f"{MEDIATION_CALENDAR_DAYS} calendar days after the LA was told the parent or young person wants "
            "mediation; not moved for weekends or bank holidays (SEND Regs 2014)",
            UNIT_CALENDAR_DAYS,
            "SEND Regs 2014 (believed reg 37)",
        ),
        Clock(
            ClockCode.C5,
            "Hold the mediation (health-only, ICB-arranged)",
            f"{MEDIATION_CALENDAR_DAYS} calendar days after the ICB received the LA's notification; not "
            "moved for weekends or bank holidays (SEND Regs 2014)",
            UNIT_CALENDAR_DAYS,
            "SEND Regs 2014 (believed reg 37)",
        ),
        Clock(
            ClockCode.C6,
            "Certificate when mediation cannot be held in time",
            f"{CERTIFICATE_WORKING_DAYS} working days after the adviser was told mediation cannot take place "
            f"within {MEDIATION_CALENDAR_DAYS} days (SEND Regs 2014)",
            UNIT_WORKING_DAYS,
            "SEND Regs 2014 (regulation number unverified)",
        ),
        Clock(
            ClockCode.C7,
            "Notice of the mediation date and place",
            f"At least {MEDIATION_NOTICE_WORKING_DAYS} working days before the mediation, unless the parent "
            "or young person agrees to shorter notice",
            UNIT_WORKING_DAYS,
            "SEND Regs 2014 / SEND Code of Practice (unverified)",
        ),
        Clock(
            ClockCode.C8,
            "Certificate after mediation",
            f"{CERTIFICATE_WORKING_DAYS} working days after the mediation concluded (SEND Regs 2014)",
            UNIT_WORKING_DAYS,
            "SEND Regs 2014 (believed reg 39)",
        ),
        Clock(
            ClockCode.C9,
            "Tribunal must receive the appeal",
            f"By 5pm on the later of {APPEAL_DECISION_MONTHS} months after the decision notice was sent and "
            f"{APPEAL_CERTIFICATE_MONTHS} month after the mediation certificate was issued; a period ending "
            "in August moves to the first working day after 31 August, one ending 25 December to 1 January "
            "to the first working day after 1 January, any other non-working day to the next working day "
            "(HESC Rules 2008 r.20(1)(c) and r.12)",
            UNIT_MONTHS,
            "HESC Rules 2008 r.20(1)(c), r.12",
        ),
        Clock(
            ClockCode.C10,
            "Carry out an agreement on an appealable matter",
            "The Tribunal order timetable (SEND Regs 2014 reg 44) counted from the date of the mediation "
            "agreement (SEND Regs 2014 reg 42(2))",
            UNIT_WEEKS,
            "SEND Regs 2014 reg 42(2)",
        ),
        Clock(
            ClockCode.C11,
            "Carry out an agreement on a non-appealable matter",
            f"{AGREEMENT_ACTION_WEEKS} weeks after the date of the mediation agreement, unless other dates "
            "were agreed in writing (SEND Regs 2014 reg 42(3), (5))",
            UNIT_WEEKS,
            "SEND Regs 2014 reg 42(3)",
        ),
        Clock(
            ClockCode.C12,
            "Health body tells the LA about an agreement",
            f"{HEALTH_BODY_NOTICE_WEEKS} week after the date of an agreement the health body reached without "
            "the LA (SEND Regs 2014 reg 42(4))",
            UNIT_WEEKS,
            "SEND Regs 2014 reg 42(4)",
        ),
        Clock(
            ClockCode.C13,
            "Other timescales agreed in writing",
            "The parties may agree other timescales in writing; the agreed dates then replace C10 and C11 "
            "(SEND Regs 2014 reg 42(5))",
            UNIT_AS_AGREED,
            "SEND Regs 2014 reg 42(5)",
        ),
        Clock(
            ClockCode.C14,
            "Carry out a Tribunal order",
            f"From the day the order is sent out: assess or re-assess, tell the parent within "
            f"{ORDER_ASSESS_TELL_PARENT_WEEKS} weeks, then a no-plan decision within "
            f"{ORDER_ASSESS_NO_PLAN_WEEKS} weeks or the final plan within {ORDER_ASSESS_FINAL_PLAN_WEEKS} "
            f"weeks; make a plan, draft within {ORDER_PLAN_DRAFT_WEEKS} weeks and final within "
            f"{ORDER_PLAN_FINAL_WEEKS} weeks; amend contents within {ORDER_AMEND_CONTENTS_WEEKS} weeks; "
            f"change the school within {ORDER_CHANGE_SCHOOL_WEEKS} weeks; reconsider within "
            f"{ORDER_RECONSIDER_WEEKS} weeks; cease or continue to maintain immediately "
            "(SEND Regs 2014 reg 44)",
            UNIT_WEEKS,
            "SEND Regs 2014 reg 44",
            done_on_case_page=True,
        ),
        Clock(
            ClockCode.C15,
            "Unopposed appeal",
            f"From the day the LA told the Tribunal it will not oppose: assess or re-assess, tell the parent "
            f"within {UNOPPOSED_ASSESS_TELL_PARENT_WEEKS} weeks; amended plan within "
            f"{UNOPPOSED_AMEND_CONTENTS_WEEKS} weeks ({UNOPPOSED_PLACEMENT_ONLY_WEEKS} weeks if only the "
            f"school is appealed); refusal to issue, draft within {UNOPPOSED_REFUSAL_TO_ISSUE_DRAFT_WEEKS} "
            f"weeks and final within {UNOPPOSED_REFUSAL_TO_ISSUE_FINAL_WEEKS} weeks "
            "(SEND Regs 2014 reg 45 as substituted by SI 2015/359)",
            UNIT_WEEKS,
            "SEND Regs 2014 reg 45 (SI 2015/359 reg 8)",
            done_on_case_page=True,
        ),
        Clock(
            ClockCode.C16,
            "Respond to Tribunal health and social care recommendations",
            f"{RECOMMENDATION_RESPONSE_WEEKS} weeks after the recommendation, with reasons if it is not "
            "followed (SI 2017/1306 reg 6)",
            UNIT_WEEKS,
            "SI 2017/1306 reg 6",
            done_on_case_page=True,
        ),
        Clock(
            ClockCode.C17,
            "LA response to the appeal (as directed)",
            "The date the Tribunal directs in its registration letter; no recalculation when a date is directed "
            "(HESC Rules 2008 r.12(4))",
            UNIT_AS_AGREED,
            "HESC Rules 2008 r.12(4); Tribunal directions",
            done_on_case_page=True,
        ),
    )
}


DONE_ON_CASE_PAGE = frozenset(code for code, clock in CLOCKS.items() if clock.done_on_case_page)
"""Clocks whose completion the LA records on the case's clock list (the Tribunal compliance steps)."""
