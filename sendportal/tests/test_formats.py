"""The portal's date and time formats (sendportal.formats): English whatever the locale, local time for moments."""

import locale
from datetime import UTC, date, datetime

import pytest

from sendportal.formats import (
    day_month_year,
    long_date,
    long_datetime,
    short_date,
    short_datetime,
    short_day_month_year,
    short_timestamp,
)


def test_dates_in_each_format():
    day = date(2026, 11, 27)
    assert short_date(day) == "Fri 27 Nov 2026"
    assert long_date(day) == "Friday 27 November 2026"
    assert day_month_year(day) == "27 November 2026"
    assert short_day_month_year(day) == "27 Nov 2026"
    assert long_date(date(2027, 1, 1)) == "Friday 1 January 2027"
    assert long_date(None) == ""


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2028, 2, 29), "Tue 29 Feb 2028"),  # a leap day
        (date(2026, 12, 24), "Thu 24 Dec 2026"),
        (date(2027, 8, 31), "Tue 31 Aug 2027"),
        (date(1900, 1, 1), "Mon 1 Jan 1900"),  # the first date the portal accepts
        (date(2100, 12, 31), "Fri 31 Dec 2100"),  # and the last
    ],
)
def test_short_dates_match_the_calendar(day, expected):
    assert short_date(day) == expected
    assert short_date(day) == f"{day:%a} {day.day} {day:%b %Y}"  # the C locale's names, which these match


def test_moments_are_written_in_uk_time_gmt_and_bst(settings):
    settings.TIME_ZONE = "Europe/London"
    winter = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)  # GMT: no change
    summer = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # BST: 00:30 the next day
    assert short_datetime(winter) == "Tue 1 Dec 2026 at 14:30"
    assert short_timestamp(winter) == "Tue 1 Dec 2026 14:30"
    assert long_datetime(winter) == "Tuesday 1 December 2026 at 14:30"
    assert short_datetime(summer) == "Thu 2 Jul 2026 at 00:30"
    assert long_datetime(summer) == "Thursday 2 July 2026 at 00:30"


def test_names_do_not_follow_the_servers_locale():
    try:
        previous = locale.setlocale(locale.LC_TIME)
        locale.setlocale(locale.LC_TIME, "fr_FR.UTF-8")
    except locale.Error:
        previous = None  # no French locale on this machine: the names are ours anyway, as checked below
    try:
        assert short_date(date(2026, 11, 27)) == "Fri 27 Nov 2026"
        assert long_date(date(2026, 11, 27)) == "Friday 27 November 2026"
    finally:
        if previous is not None:
            locale.setlocale(locale.LC_TIME, previous)
