"""The retention rules, pure: no database, no clock."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacy.rules import (
    RetentionPolicy,
    Step,
    add_years,
    anonymise_due_on,
    delete_due_on,
    latest_start_on,
    step_due,
)

POLICY = RetentionPolicy(anonymise_after_years=6, keep_until_age=25, delete_after_years=4)


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2026, 6, 17), 6, date(2032, 6, 17)),
        (date(2024, 2, 29), 1, date(2025, 3, 1)),  # no 29 February in 2025: the whole year has passed on 1 March
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2026, 12, 31), 0, date(2026, 12, 31)),
    ],
)
def test_add_years_keeps_the_day_and_moves_29_february_to_1_march(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    ("today", "years", "expected"),
    [
        (date(2032, 6, 17), 6, date(2026, 6, 17)),
        (date(2025, 2, 28), 1, date(2024, 2, 28)),  # born 29 Feb 2024: not 1 until 1 March 2025
        (date(2025, 3, 1), 1, date(2024, 3, 1)),
        (date(2028, 2, 29), 4, date(2024, 2, 29)),
        (date(2028, 2, 29), 3, date(2025, 2, 28)),  # today is 29 February, three years back has none
        (date(2026, 1, 1), 0, date(2026, 1, 1)),
    ],
)
def test_latest_start_on(today, years, expected):
    assert latest_start_on(today, years) == expected


@given(
    day=st.dates(min_value=date(1950, 1, 1), max_value=date(2080, 12, 31)),
    today=st.dates(min_value=date(1960, 1, 1), max_value=date(2100, 12, 31)),
    years=st.integers(min_value=0, max_value=40),
)
def test_a_comparison_with_latest_start_on_says_exactly_whether_the_years_have_passed(day, today, years):
    """What lets the database select due cases with `closed_on <= latest_start_on(today, years)`."""
    assert (add_years(day, years) <= today) == (day <= latest_start_on(today, years))


def test_anonymise_waits_for_the_later_of_six_years_after_closing_and_the_25th_birthday():
    # Closed at 19: six years after closing comes after the 25th birthday.
    assert anonymise_due_on(closed_on=date(2026, 6, 17), date_of_birth=date(2007, 3, 1), policy=POLICY) == date(
        2032, 6, 17
    )
    # Closed at 10: kept until the 25th birthday.
    assert anonymise_due_on(closed_on=date(2026, 6, 17), date_of_birth=date(2016, 5, 14), policy=POLICY) == date(
        2041, 5, 14
    )


def test_delete_comes_four_years_after_anonymisation_is_due():
    assert delete_due_on(closed_on=date(2026, 6, 17), date_of_birth=date(2007, 3, 1), policy=POLICY) == date(
        2036, 6, 17
    )
    assert delete_due_on(closed_on=date(2026, 6, 17), date_of_birth=date(2016, 5, 14), policy=POLICY) == date(
        2045, 5, 14
    )


def test_no_age_rule_when_keep_until_age_is_zero():
    policy = RetentionPolicy(anonymise_after_years=2, keep_until_age=0, delete_after_years=1)
    assert anonymise_due_on(closed_on=date(2026, 6, 17), date_of_birth=date(2020, 1, 1), policy=policy) == date(
        2028, 6, 17
    )


@pytest.mark.parametrize("bad", [-1, "6", 2.5, None])
def test_policy_refuses_anything_but_whole_years(bad):
    with pytest.raises(ValueError, match="whole number of years"):
        RetentionPolicy(anonymise_after_years=bad, keep_until_age=25, delete_after_years=4)


CLOSED = date(2026, 6, 17)
BORN = date(2007, 3, 1)  # 25 on 1 Mar 2032: the six years after closing decide


def _step(today, **overrides):
    facts = {
        "today": today,
        "is_closed": True,
        "closed_on": CLOSED,
        "date_of_birth": BORN,
        "anonymised": False,
        "stored_delete_due_on": None,
        "legal_hold": False,
        "policy": POLICY,
    }
    return step_due(**{**facts, **overrides})


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2032, 6, 16), None),
        (date(2032, 6, 17), Step.ANONYMISE),
        (date(2036, 6, 16), Step.ANONYMISE),
        (date(2036, 6, 17), Step.DELETE),  # never anonymised (the schedule came late): deleted directly
    ],
)
def test_step_due_on_the_day(today, expected):
    assert _step(today) == expected


def test_nothing_happens_to_an_open_case_an_undated_one_or_one_on_legal_hold():
    late = date(2060, 1, 1)
    assert _step(late, is_closed=False) is None
    assert _step(late, closed_on=None) is None
    assert _step(late, legal_hold=True) is None


def test_an_anonymised_case_is_deleted_on_the_date_stored_when_it_was_anonymised():
    stored = date(2045, 5, 14)
    assert _step(stored - timedelta(days=1), anonymised=True, stored_delete_due_on=stored) is None
    assert _step(stored, anonymised=True, stored_delete_due_on=stored) == Step.DELETE
