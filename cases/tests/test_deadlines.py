"""Specification of the statutory clock engine (docs/rules.md §3, §4 and §8; the worked examples).

Pure tests: no database, no settings, no clock. Hand-written calendars sit next to the default
England calendar (the holidays package) so a package upgrade that changes a date is caught here.
"""

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases import deadlines
from cases.deadlines import (
    CLOCKS,
    AppealDeadline,
    Clock,
    EnglandBankHolidaysPlus,
    OrderKind,
    UnopposedAppealKind,
    add_days,
    add_months,
    add_weeks,
    add_working_days,
    adviser_contact_deadline,
    agreement_action_deadline,
    appeal_deadline,
    appeal_deadline_detail,
    certificate_deadline,
    england_bank_holidays,
    first_working_day_on_or_after,
    health_body_notice_deadline,
    health_notification_deadline,
    is_working_day,
    last_working_day_on_or_before,
    mediation_deadline,
    mediation_notice_deadline,
    non_working_day_warning,
    recommendation_response_deadline,
    relative_label,
    subtract_working_days,
    tribunal_order_deadlines,
    unopposed_appeal_deadlines,
    working_days_between,
)

D = date

# England and Wales bank holidays 2025-2028 as listed in docs/rules.md §3 (weekday dates only).
ENGLAND_2025_2028 = frozenset(
    {
        D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26), D(2025, 8, 25),
        D(2025, 12, 25), D(2025, 12, 26),
        D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31),
        D(2026, 12, 25), D(2026, 12, 28),
        D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30),
        D(2027, 12, 27), D(2027, 12, 28),
        D(2028, 1, 3), D(2028, 4, 14), D(2028, 4, 17), D(2028, 5, 1), D(2028, 5, 29), D(2028, 8, 28),
        D(2028, 12, 25), D(2028, 12, 26),
    }
)  # fmt: skip
ENGLAND_2026 = frozenset(day for day in ENGLAND_2025_2028 if day.year == 2026)

# Each worked example must hold with the default calendar and with the hand-written one.
CALENDARS = pytest.mark.parametrize("calendar", [None, ENGLAND_2025_2028], ids=["package", "hand-table"])


# ---------------------------------------------------------------------------------------------------------
# The calendar
# ---------------------------------------------------------------------------------------------------------


def test_default_calendar_matches_the_published_2025_to_2028_table():
    package_weekdays = {d for d in england_bank_holidays(range(2025, 2029)) if d.weekday() < 5}
    assert package_weekdays == ENGLAND_2025_2028


@pytest.mark.parametrize(
    "day",
    [
        D(2022, 9, 19),  # state funeral of Queen Elizabeth II (one-off)
        D(2023, 5, 8),  # coronation of King Charles III (one-off)
        D(2020, 5, 8),  # early May bank holiday moved to VE Day
        D(2022, 6, 2),  # spring bank holiday moved for the Platinum Jubilee
        D(2022, 6, 3),  # Platinum Jubilee (one-off)
        D(2026, 12, 28),  # Boxing Day substitute
        D(2027, 12, 27),  # Christmas Day substitute
        D(2027, 12, 28),  # Boxing Day substitute
        D(2028, 1, 3),  # New Year substitute
        D(2023, 1, 2),  # New Year substitute (1 January 2023 was a Sunday)
    ],
)
def test_one_off_and_substitute_bank_holidays_are_not_working_days(day):
    assert day in england_bank_holidays(day.year)
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 1, 2),  # 2 January: Scotland only
        D(2027, 1, 4),  # Scottish substitute for 2 January 2027 does not apply in England
        D(2026, 11, 30),  # St Andrew's Day: Scotland only
        D(2026, 3, 17),  # St Patrick's Day: Northern Ireland only
        D(2027, 7, 12),  # Battle of the Boyne: Northern Ireland only
        D(2020, 5, 4),  # the first Monday of May 2020 was not a holiday (moved to 8 May)
        D(2022, 5, 30),  # the last Monday of May 2022 was not a holiday (moved to 2 June)
        D(2026, 12, 24),  # Christmas Eve
        D(2026, 12, 29),
        D(2026, 12, 31),
        D(2026, 8, 3),  # August weekdays are working days under the SEND Regulations
        D(2026, 8, 28),
    ],
)
def test_days_that_are_not_england_bank_holidays_are_working_days(day):
    assert day not in england_bank_holidays(day.year)
    assert is_working_day(day)


@pytest.mark.parametrize(
    "day", [D(2026, 6, 13), D(2026, 6, 14), D(2026, 8, 1), D(2026, 12, 26), D(2027, 1, 2), D(2027, 1, 3)]
)
def test_saturdays_and_sundays_are_never_working_days(day):
    assert not is_working_day(day)
    assert not is_working_day(day, holidays=set())


def test_england_bank_holidays_accepts_one_year_or_many():
    assert england_bank_holidays(2026) >= ENGLAND_2026
    assert england_bank_holidays([2026, 2027]) == england_bank_holidays(2026) | england_bank_holidays(2027)
    assert isinstance(england_bank_holidays(range(2026, 2028)), frozenset)


def test_england_bank_holidays_are_cached_per_year():
    assert england_bank_holidays(2026) is england_bank_holidays(2026)


# ---------------------------------------------------------------------------------------------------------
# Working days forwards, by holiday type
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(D(2026, 6, 12), 1, D(2026, 6, 15), id="friday-to-monday"),
        pytest.param(D(2026, 6, 13), 1, D(2026, 6, 15), id="saturday-counts-from-actual-date"),
        pytest.param(D(2026, 6, 14), 3, D(2026, 6, 17), id="sunday-counts-from-actual-date"),
        pytest.param(D(2026, 6, 15), 5, D(2026, 6, 22), id="five-days-is-one-week"),
        pytest.param(D(2025, 12, 31), 1, D(2026, 1, 2), id="new-year"),
        pytest.param(D(2026, 4, 2), 1, D(2026, 4, 7), id="good-friday-weekend-easter-monday"),
        pytest.param(D(2026, 4, 3), 1, D(2026, 4, 7), id="from-good-friday-itself"),
        pytest.param(D(2027, 3, 26), 1, D(2027, 3, 30), id="easter-monday-2027"),
        pytest.param(D(2026, 5, 1), 1, D(2026, 5, 5), id="early-may"),
        pytest.param(D(2026, 5, 22), 1, D(2026, 5, 26), id="spring"),
        pytest.param(D(2026, 8, 28), 1, D(2026, 9, 1), id="summer"),
        pytest.param(D(2024, 12, 24), 1, D(2024, 12, 27), id="christmas-and-boxing-day-midweek"),
        pytest.param(D(2025, 12, 24), 1, D(2025, 12, 29), id="christmas-thursday-boxing-friday"),
        pytest.param(D(2026, 12, 24), 1, D(2026, 12, 29), id="boxing-day-substitute-2026"),
        pytest.param(D(2027, 12, 24), 1, D(2027, 12, 29), id="christmas-substitutes-2027"),
        pytest.param(D(2027, 12, 31), 1, D(2028, 1, 4), id="new-year-substitute-2028"),
        pytest.param(D(2022, 9, 16), 1, D(2022, 9, 20), id="queens-funeral-2022"),
        pytest.param(D(2023, 5, 5), 1, D(2023, 5, 9), id="coronation-2023"),
        pytest.param(D(2020, 5, 7), 1, D(2020, 5, 11), id="ve-day-2020"),
        pytest.param(D(2020, 5, 1), 1, D(2020, 5, 4), id="first-monday-of-may-2020-was-a-working-day"),
        pytest.param(D(2022, 6, 1), 1, D(2022, 6, 6), id="platinum-jubilee-2022"),
        pytest.param(D(2026, 3, 27), 1, D(2026, 3, 30), id="across-start-of-bst"),
        pytest.param(D(2026, 10, 23), 1, D(2026, 10, 26), id="across-end-of-bst"),
        pytest.param(D(2028, 2, 28), 1, D(2028, 2, 29), id="leap-day-is-a-working-day"),
    ],
)
def test_add_working_days_skips_weekends_and_every_kind_of_bank_holiday(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize("day", [D(2026, 6, 13), D(2026, 4, 3), D(2026, 6, 15)])
def test_adding_zero_working_days_returns_the_start_even_on_a_non_working_day(day):
    assert add_working_days(day, 0) == day
    assert subtract_working_days(day, 0) == day


def test_certificate_due_skips_good_friday_weekend_and_easter_monday():
    assert add_working_days(D(2026, 4, 2), 2, holidays=ENGLAND_2026) == D(2026, 4, 8)
    assert certificate_deadline(D(2026, 4, 2), holidays=ENGLAND_2026) == D(2026, 4, 9)


# ---------------------------------------------------------------------------------------------------------
# Worked examples (worked-examples.md)
# ---------------------------------------------------------------------------------------------------------


@CALENDARS
def test_e1_plain_two_month_limb_for_a_placement_only_appeal(calendar):
    detail = appeal_deadline_detail(D(2026, 3, 27), holidays=calendar)
    assert detail.due == D(2026, 5, 27)
    assert detail.raw_end == D(2026, 5, 27)
    assert detail.due_time == time(17, 0)
    assert detail.limb == "decision"
    assert detail.adjustment == ""
    assert not detail.needs_legal_review
    assert adviser_contact_deadline(D(2026, 3, 27)) == D(2026, 5, 27)


@CALENDARS
def test_e2_certificate_due_over_easter_and_the_later_decision_limb_wins(calendar):
    assert certificate_deadline(D(2026, 4, 1), holidays=calendar) == D(2026, 4, 8)
    detail = appeal_deadline_detail(D(2026, 3, 27), D(2026, 4, 8), holidays=calendar)
    assert detail.certificate_limb_end == D(2026, 5, 8)
    assert detail.decision_limb_end == D(2026, 5, 27)
    assert detail.due == D(2026, 5, 27)
    assert detail.limb == "decision"


@CALENDARS
def test_e4_thirty_first_december_plus_two_months_is_end_of_february_rolled_to_monday(calendar):
    detail = appeal_deadline_detail(D(2025, 12, 31), holidays=calendar)
    assert detail.raw_end == D(2026, 2, 28)
    assert detail.due == D(2026, 3, 2)
    assert "next working day" in detail.adjustment
    assert "r.12(2)" in detail.adjustment
    assert not detail.needs_legal_review


@CALENDARS
def test_e7_appeal_period_ending_in_august_moves_to_first_working_day_of_september(calendar):
    detail = appeal_deadline_detail(D(2026, 6, 15), holidays=calendar)
    assert detail.raw_end == D(2026, 8, 15)
    assert detail.due == D(2026, 9, 1)
    expected = "ended in August: moved to the first working day after 31 August (HESC r.12(3))"
    assert detail.adjustment == expected
    assert not detail.needs_legal_review


@CALENDARS
def test_e9_certificate_limb_ending_in_christmas_window_moves_past_new_year(calendar):
    detail = appeal_deadline_detail(D(2026, 10, 1), D(2026, 11, 27), holidays=calendar)
    assert detail.decision_limb_end == D(2026, 12, 1)
    assert detail.raw_end == D(2026, 12, 27)
    assert detail.limb == "certificate"
    assert detail.due == D(2027, 1, 4)
    assert "1 January" in detail.adjustment
    assert "r.12(3)" in detail.adjustment


@CALENDARS
def test_e12_period_ending_on_good_friday_rolls_past_easter_monday(calendar):
    detail = appeal_deadline_detail(D(2026, 1, 20), D(2026, 3, 3), holidays=calendar)
    assert detail.raw_end == D(2026, 4, 3)
    assert detail.limb == "certificate"
    assert detail.due == D(2026, 4, 7)


@CALENDARS
def test_e14_certificate_after_mediation_skips_early_may_bank_holiday(calendar):
    assert certificate_deadline(D(2026, 5, 1), holidays=calendar) == D(2026, 5, 7)


@CALENDARS
def test_e15_certificate_after_decline_skips_spring_bank_holiday(calendar):
    assert certificate_deadline(D(2026, 5, 22), holidays=calendar) == D(2026, 5, 28)


@CALENDARS
@pytest.mark.parametrize(
    ("declined", "due"),
    [
        pytest.param(D(2026, 12, 23), D(2026, 12, 30), id="2026-boxing-day-substitute"),
        pytest.param(D(2027, 12, 23), D(2027, 12, 30), id="2027-both-substitutes"),
    ],
)
def test_e17_certificate_over_christmas_counts_christmas_eve_skips_substitute_days(calendar, declined, due):
    assert certificate_deadline(declined, holidays=calendar) == due


@CALENDARS
def test_e19_health_only_route_notifies_icb_then_thirty_calendar_days_without_roll_forward(calendar):
    told_icb_by = health_notification_deadline(D(2026, 4, 2), holidays=calendar)
    assert told_icb_by == D(2026, 4, 9)
    mediation_by = mediation_deadline(told_icb_by)
    assert mediation_by == D(2026, 5, 9)  # a Saturday: calendar days never roll forward
    assert not is_working_day(mediation_by, holidays=calendar)
    assert last_working_day_on_or_before(mediation_by, holidays=calendar) == D(2026, 5, 8)
    assert "Friday 8 May 2026" in non_working_day_warning(mediation_by, holidays=calendar)


@CALENDARS
@pytest.mark.parametrize(
    ("mediation_day", "notice_by"),
    [
        pytest.param(D(2026, 4, 9), D(2026, 3, 31), id="backwards-over-easter"),
        pytest.param(D(2026, 6, 18), D(2026, 6, 11), id="no-holidays"),
    ],
)
def test_e20_notice_of_mediation_counts_five_working_days_back(calendar, mediation_day, notice_by):
    assert mediation_notice_deadline(mediation_day, holidays=calendar) == notice_by


def test_e22_appealable_agreement_follows_the_reg_44_assessment_timetable():
    assert tribunal_order_deadlines(OrderKind.ASSESS, D(2026, 3, 27)) == {
        "tell_parent": D(2026, 4, 10),
        "no_plan_decision": D(2026, 6, 5),
        "final_plan": D(2026, 7, 3),
    }


def test_e24_order_to_make_and_maintain_a_plan_gives_draft_at_five_and_final_at_eleven_weeks():
    assert tribunal_order_deadlines(OrderKind.MAKE_AND_MAINTAIN_PLAN, D(2026, 9, 10)) == {
        "draft_plan": D(2026, 10, 15),
        "final_plan": D(2026, 11, 26),
    }


@CALENDARS
def test_e25_period_ending_sunday_before_christmas_shows_strict_date_and_needs_legal_review(calendar):
    detail = appeal_deadline_detail(D(2028, 10, 24), holidays=calendar)
    assert detail.raw_end == D(2028, 12, 24)
    assert detail.due == D(2028, 12, 27)
    assert appeal_deadline(D(2028, 10, 24), holidays=calendar) == D(2028, 12, 27)
    assert detail.needs_legal_review
    assert detail.alternative_due == D(2029, 1, 2)
    assert "legal review" in detail.review_reason
    assert "r.12(2)" in detail.adjustment


# ---------------------------------------------------------------------------------------------------------
# Months (corresponding-date rule)
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(D(2026, 1, 31), 1, D(2026, 2, 28), id="31-jan-plus-1-non-leap"),
        pytest.param(D(2028, 1, 31), 1, D(2028, 2, 29), id="31-jan-plus-1-leap-2028"),
        pytest.param(D(2024, 1, 31), 1, D(2024, 2, 29), id="31-jan-plus-1-leap-2024"),
        pytest.param(D(2025, 12, 31), 2, D(2026, 2, 28), id="31-dec-plus-2"),
        pytest.param(D(2027, 12, 31), 2, D(2028, 2, 29), id="31-dec-plus-2-into-leap-year"),
        pytest.param(D(2026, 10, 31), 2, D(2026, 12, 31), id="31-oct-plus-2"),
        pytest.param(D(2026, 11, 30), 1, D(2026, 12, 30), id="30-nov-plus-1-keeps-the-30th"),
        pytest.param(D(2026, 11, 30), 2, D(2027, 1, 30), id="30-nov-plus-2"),
        pytest.param(D(2026, 12, 30), 2, D(2027, 2, 28), id="30-dec-plus-2"),
        pytest.param(D(2026, 3, 31), 1, D(2026, 4, 30), id="31-mar-plus-1"),
        pytest.param(D(2028, 2, 29), 1, D(2028, 3, 29), id="leap-day-plus-1"),
        pytest.param(D(2028, 2, 29), 12, D(2029, 2, 28), id="leap-day-plus-12"),
        pytest.param(D(2024, 2, 29), 48, D(2028, 2, 29), id="leap-day-plus-48"),
        pytest.param(D(2100, 1, 31), 1, D(2100, 2, 28), id="2100-is-not-a-leap-year"),
        pytest.param(D(2000, 1, 31), 1, D(2000, 2, 29), id="2000-is-a-leap-year"),
        pytest.param(D(2026, 5, 15), 0, D(2026, 5, 15), id="zero-months"),
        pytest.param(D(2026, 5, 15), 14, D(2027, 7, 15), id="across-a-year"),
    ],
)
def test_add_months_uses_corresponding_date_and_last_day_of_short_months(start, n, expected):
    assert add_months(start, n) == expected


def test_two_months_is_never_sixty_days():
    assert add_months(D(2026, 1, 1), 2) == D(2026, 3, 1)
    assert D(2026, 1, 1) + timedelta(days=60) == D(2026, 3, 2)


@pytest.mark.parametrize(
    ("decision_sent", "expected"),
    [
        (D(2025, 12, 31), D(2026, 2, 28)),  # C1 is not moved by the Tribunal's rule 12
        (D(2026, 6, 15), D(2026, 8, 15)),  # nor by the August rule
        (D(2026, 10, 25), D(2026, 12, 25)),  # nor by the Christmas rule
    ],
)
def test_adviser_contact_deadline_is_two_calendar_months_without_adjustment(decision_sent, expected):
    assert adviser_contact_deadline(decision_sent) == expected


# ---------------------------------------------------------------------------------------------------------
# Appeal deadline: rule 12 windows
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision_sent", "certificate_issued", "raw_end", "due"),
    [
        pytest.param(D(2026, 6, 1), None, D(2026, 8, 1), D(2026, 9, 1), id="1-aug-saturday"),
        pytest.param(D(2026, 6, 30), None, D(2026, 8, 30), D(2026, 9, 1), id="30-aug"),
        pytest.param(D(2026, 5, 31), D(2026, 7, 31), D(2026, 8, 31), D(2026, 9, 1), id="31-aug-bank-holiday"),
        pytest.param(D(2025, 6, 29), None, D(2025, 8, 29), D(2025, 9, 1), id="2025-friday"),
        pytest.param(D(2027, 6, 2), None, D(2027, 8, 2), D(2027, 9, 1), id="2027-monday"),
        pytest.param(D(2029, 6, 15), None, D(2029, 8, 15), D(2029, 9, 3), id="1-sep-2029-is-saturday"),
        pytest.param(D(2026, 5, 1), D(2026, 7, 10), D(2026, 8, 10), D(2026, 9, 1), id="certificate-limb"),
    ],
)
def test_appeal_period_ending_in_august_moves_to_first_working_day_after_31_august(
    decision_sent, certificate_issued, raw_end, due
):
    detail = appeal_deadline_detail(decision_sent, certificate_issued)
    assert detail.raw_end == raw_end
    assert detail.due == due
    assert detail.adjustment.startswith("ended in August")
    assert not detail.needs_legal_review


@pytest.mark.parametrize(
    ("decision_sent", "raw_end", "due"),
    [
        pytest.param(D(2026, 10, 25), D(2026, 12, 25), D(2027, 1, 4), id="christmas-day"),
        pytest.param(D(2026, 10, 31), D(2026, 12, 31), D(2027, 1, 4), id="31-dec-working-day-still-moves"),
        pytest.param(D(2026, 11, 1), D(2027, 1, 1), D(2027, 1, 4), id="1-jan"),
        pytest.param(D(2027, 10, 29), D(2027, 12, 29), D(2028, 1, 4), id="past-new-year-substitute"),
        pytest.param(D(2027, 11, 1), D(2028, 1, 1), D(2028, 1, 4), id="1-jan-saturday"),
        pytest.param(D(2025, 10, 25), D(2025, 12, 25), D(2026, 1, 2), id="2-jan-is-an-england-working-day"),
        pytest.param(D(2029, 10, 25), D(2029, 12, 25), D(2030, 1, 2), id="2029"),
    ],
)
def test_appeal_period_ending_25_december_to_1_january_moves_past_1_january(decision_sent, raw_end, due):
    detail = appeal_deadline_detail(decision_sent)
    assert detail.raw_end == raw_end
    assert detail.due == due
    assert detail.adjustment.startswith("ended between 25 December and 1 January")
    assert not detail.needs_legal_review


@pytest.mark.parametrize(
    ("decision_sent", "due"),
    [
        pytest.param(D(2026, 10, 24), D(2026, 12, 24), id="christmas-eve-working-day-is-not-moved"),
        pytest.param(D(2026, 5, 31), D(2026, 7, 31), id="31-july-working-day-is-not-moved"),
        pytest.param(D(2026, 7, 1), D(2026, 9, 1), id="1-september-is-not-moved"),
    ],
)
def test_appeal_period_ending_on_a_working_day_just_outside_the_windows_is_not_moved(decision_sent, due):
    detail = appeal_deadline_detail(decision_sent)
    assert detail.raw_end == detail.due == due
    assert detail.adjustment == ""


def test_appeal_period_ending_saturday_2_january_rolls_forward_without_review():
    detail = appeal_deadline_detail(D(2026, 11, 2))
    assert detail.raw_end == D(2027, 1, 2)
    assert detail.due == D(2027, 1, 4)
    assert not detail.needs_legal_review


@pytest.mark.parametrize(
    ("decision_sent", "raw_end", "strict_due", "alternative"),
    [
        pytest.param(D(2028, 10, 24), D(2028, 12, 24), D(2028, 12, 27), D(2029, 1, 2), id="e25-sunday"),
        pytest.param(D(2028, 10, 23), D(2028, 12, 23), D(2028, 12, 27), D(2029, 1, 2), id="saturday-23-dec"),
        pytest.param(D(2027, 5, 31), D(2027, 7, 31), D(2027, 8, 2), D(2027, 9, 1), id="saturday-31-july"),
        pytest.param(D(2026, 5, 30), D(2026, 7, 30), D(2026, 7, 30), None, id="thursday-is-not-flagged"),
    ],
)
def test_roll_forward_into_a_window_shows_the_strict_date_and_flags_legal_review(
    decision_sent, raw_end, strict_due, alternative
):
    detail = appeal_deadline_detail(decision_sent)
    assert detail.raw_end == raw_end
    assert detail.due == strict_due
    assert detail.needs_legal_review is (alternative is not None)
    assert detail.alternative_due == alternative


def test_appeal_deadline_is_five_pm_london_in_gmt_and_bst():
    winter = appeal_deadline_detail(D(2025, 12, 31))  # due Monday 2 March 2026, GMT
    summer = appeal_deadline_detail(D(2026, 3, 27))  # due Wednesday 27 May 2026, BST
    assert winter.due_at.astimezone(UTC) == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert summer.due_at.astimezone(UTC) == datetime(2026, 5, 27, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("decision_sent", "certificate_issued", "due"),
    [
        pytest.param(D(2026, 2, 27), D(2026, 3, 27), D(2026, 4, 27), id="limbs-tie"),
        pytest.param(D(2026, 3, 1), D(2026, 3, 1), D(2026, 5, 1), id="certificate-same-day-as-decision"),
    ],
)
def test_appeal_deadline_when_limbs_tie_reports_the_decision_limb(decision_sent, certificate_issued, due):
    detail = appeal_deadline_detail(decision_sent, certificate_issued)
    assert detail.due == due
    assert detail.limb == "decision"


def test_appeal_deadline_detail_is_a_frozen_dataclass():
    detail = appeal_deadline_detail(D(2026, 3, 27))
    assert isinstance(detail, AppealDeadline)
    with pytest.raises(dataclasses.FrozenInstanceError):
        detail.due = D(2030, 1, 1)  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------------------
# Custom holiday collections
# ---------------------------------------------------------------------------------------------------------


def test_extra_non_working_day_in_the_collection_moves_the_certificate_deadline():
    admin_closure = D(2026, 6, 16)
    assert certificate_deadline(D(2026, 6, 15), holidays=ENGLAND_2026) == D(2026, 6, 18)
    assert certificate_deadline(D(2026, 6, 15), holidays=ENGLAND_2026 | {admin_closure}) == D(2026, 6, 19)


def test_extra_non_working_day_on_the_raw_appeal_end_date_moves_the_appeal_deadline():
    assert appeal_deadline(D(2026, 3, 27), holidays=ENGLAND_2026 | {D(2026, 5, 27)}) == D(2026, 5, 28)


def test_empty_holiday_collection_ignores_bank_holidays():
    assert certificate_deadline(D(2026, 4, 1), holidays=set()) == D(2026, 4, 6)
    assert appeal_deadline(D(2026, 1, 20), D(2026, 3, 3), holidays=set()) == D(2026, 4, 3)
    assert is_working_day(D(2026, 12, 25), holidays=[])
    assert working_days_between(D(2026, 4, 1), D(2026, 4, 8), holidays=()) == 5


@pytest.mark.parametrize("container", [set, frozenset, list, tuple, sorted])
def test_any_collection_of_dates_is_accepted_as_holidays(container):
    calendar = container(ENGLAND_2026)
    assert certificate_deadline(D(2026, 4, 1), holidays=calendar) == D(2026, 4, 8)
    assert appeal_deadline(D(2026, 1, 20), D(2026, 3, 3), holidays=calendar) == D(2026, 4, 7)
    assert working_days_between(D(2026, 4, 1), D(2026, 4, 8), holidays=calendar) == 3


def test_custom_holidays_allow_years_the_package_does_not_cover():
    assert add_working_days(D(2150, 1, 1), 1, holidays=frozenset()) == D(2150, 1, 2)
    with pytest.raises(ValueError, match="only known for"):
        add_working_days(D(2150, 1, 1), 1)


# ---------------------------------------------------------------------------------------------------------
# Counting backwards, last working day, working days between, labels
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "n", "expected"),
    [
        pytest.param(D(2026, 6, 15), 1, D(2026, 6, 12), id="monday-back-to-friday"),
        pytest.param(D(2026, 4, 7), 1, D(2026, 4, 2), id="back-over-easter"),
        pytest.param(D(2027, 1, 4), 3, D(2026, 12, 29), id="back-over-new-year"),
        pytest.param(D(2027, 12, 29), 1, D(2027, 12, 24), id="back-over-christmas-substitutes"),
        pytest.param(D(2026, 3, 30), 1, D(2026, 3, 27), id="back-across-start-of-bst"),
    ],
)
def test_subtract_working_days_counts_back_over_weekends_and_holidays(end, n, expected):
    assert subtract_working_days(end, n) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 5, 9), D(2026, 5, 8)),
        (D(2026, 4, 6), D(2026, 4, 2)),
        (D(2026, 12, 28), D(2026, 12, 24)),
        (D(2026, 6, 17), D(2026, 6, 17)),
    ],
)
def test_last_working_day_on_or_before_steps_back_only_from_non_working_days(day, expected):
    assert last_working_day_on_or_before(day) == expected


def test_first_working_day_on_or_after_rolls_forward_from_non_working_days():
    assert first_working_day_on_or_after(D(2026, 4, 3)) == D(2026, 4, 7)
    assert first_working_day_on_or_after(D(2026, 4, 8)) == D(2026, 4, 8)


def test_non_working_day_warning_is_empty_for_a_working_day():
    assert non_working_day_warning(D(2026, 5, 8)) == ""


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 4, 1), D(2026, 4, 8), 3),
        (D(2026, 4, 8), D(2026, 4, 1), -3),
        (D(2026, 6, 15), D(2026, 6, 15), 0),
        (D(2026, 6, 12), D(2026, 6, 13), 0),
        (D(2026, 6, 12), D(2026, 6, 15), 1),
        (D(2026, 12, 23), D(2027, 1, 4), 5),
        (D(2025, 1, 1), D(2026, 1, 1), 253),  # 261 weekdays less 8 bank holidays
    ],
)
def test_working_days_between_counts_days_after_start_up_to_and_including_end(start, end, expected):
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("due", "today", "label"),
    [
        (D(2026, 6, 15), D(2026, 6, 15), "due today"),
        (D(2026, 6, 16), D(2026, 6, 15), "in 1 working day"),
        (D(2026, 6, 19), D(2026, 6, 15), "in 4 working days"),
        (D(2026, 6, 15), D(2026, 6, 12), "in 1 working day"),
        (D(2026, 4, 7), D(2026, 4, 2), "in 1 working day"),
        (D(2026, 5, 9), D(2026, 5, 8), "in 1 day (no working days left)"),
        (D(2026, 5, 10), D(2026, 5, 8), "in 2 days (no working days left)"),
        (D(2026, 6, 14), D(2026, 6, 15), "1 day overdue"),
        (D(2026, 6, 12), D(2026, 6, 15), "3 days overdue"),
    ],
)
def test_relative_label_counts_working_days_ahead_and_calendar_days_overdue(due, today, label):
    assert relative_label(due, today) == label


# ---------------------------------------------------------------------------------------------------------
# Calendar-day and week clocks (no roll-forward)
# ---------------------------------------------------------------------------------------------------------


def test_mediation_within_thirty_calendar_days_is_not_moved_off_a_bank_holiday():
    assert mediation_deadline(D(2026, 3, 26)) == D(2026, 4, 25)
    assert mediation_deadline(D(2026, 3, 4)) == D(2026, 4, 3)  # Good Friday stays


def test_agreement_actions_are_due_in_two_weeks_and_health_body_notice_in_one():
    assert agreement_action_deadline(D(2026, 12, 11)) == D(2026, 12, 25)
    assert health_body_notice_deadline(D(2026, 12, 11)) == D(2026, 12, 18)


def test_recommendation_response_is_due_in_five_weeks():
    assert recommendation_response_deadline(D(2026, 3, 27)) == D(2026, 5, 1)


def test_add_days_and_weeks_are_plain_calendar_arithmetic():
    assert add_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert add_weeks(D(2026, 3, 27), 2) == D(2026, 4, 10)


# ---------------------------------------------------------------------------------------------------------
# Tribunal orders (reg 44) and unopposed appeals (reg 45 as substituted in 2015)
# ---------------------------------------------------------------------------------------------------------

ORDER = D(2026, 9, 10)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (OrderKind.CEASE_APPEAL_DISMISSED, {"cease": ORDER}),
        (
            OrderKind.ASSESS,
            {
                "tell_parent": D(2026, 9, 24),
                "no_plan_decision": D(2026, 11, 19),
                "final_plan": D(2026, 12, 17),
            },
        ),
        (
            OrderKind.REASSESS,
            {
                "tell_parent": D(2026, 9, 24),
                "no_plan_decision": D(2026, 11, 19),
                "final_plan": D(2026, 12, 17),
            },
        ),
        (OrderKind.MAKE_AND_MAINTAIN_PLAN, {"draft_plan": D(2026, 10, 15), "final_plan": D(2026, 11, 26)}),
        (OrderKind.AMEND_CONTENTS, {"amended_plan": D(2026, 10, 15)}),
        (OrderKind.CHANGE_NAMED_SCHOOL, {"amended_plan": D(2026, 9, 24)}),
        (OrderKind.CONTINUE_TO_MAINTAIN, {"continue_maintaining": ORDER}),
        (OrderKind.RECONSIDER, {"reconsidered_decision": D(2026, 9, 24)}),
    ],
)
def test_tribunal_order_timetables_follow_reg_44(kind, expected):
    assert tribunal_order_deadlines(kind, ORDER) == expected


def test_every_order_kind_has_a_timetable_and_accepts_its_string_value():
    for kind in OrderKind:
        assert tribunal_order_deadlines(str(kind), ORDER) == tribunal_order_deadlines(kind, ORDER)


NOTIFIED = D(2026, 3, 27)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            UnopposedAppealKind.ASSESS,
            {"tell_parent": D(2026, 4, 10), "no_plan_decision": D(2026, 6, 5), "final_plan": D(2026, 7, 3)},
        ),
        (
            UnopposedAppealKind.REASSESS,
            {"tell_parent": D(2026, 4, 10), "no_plan_decision": D(2026, 6, 5), "final_plan": D(2026, 7, 3)},
        ),
        (UnopposedAppealKind.CONTENT, {"amended_plan": D(2026, 5, 1)}),
        (UnopposedAppealKind.REFUSAL_TO_AMEND, {"amended_plan": D(2026, 5, 1)}),
        (UnopposedAppealKind.PLACEMENT_ONLY, {"amended_plan": D(2026, 4, 10)}),
        (UnopposedAppealKind.CONTENT_AND_PLACEMENT, {"amended_plan": D(2026, 5, 1)}),
        (UnopposedAppealKind.REFUSAL_TO_ISSUE, {"draft_plan": D(2026, 5, 1), "final_plan": D(2026, 6, 12)}),
        (UnopposedAppealKind.CEASE, {"continue_maintaining": NOTIFIED}),
    ],
)
def test_unopposed_appeal_timetables_follow_reg_45_as_substituted_in_2015(kind, expected):
    assert unopposed_appeal_deadlines(kind, NOTIFIED) == expected


def test_unopposed_appeals_never_use_the_repealed_four_week_period():
    four_weeks = NOTIFIED + timedelta(weeks=4)
    for kind in UnopposedAppealKind:
        assert four_weeks not in unopposed_appeal_deadlines(kind, NOTIFIED).values()


def test_every_timetable_key_has_a_label():
    keys = {key for kind in OrderKind for key in tribunal_order_deadlines(kind, ORDER)}
    keys |= {key for kind in UnopposedAppealKind for key in unopposed_appeal_deadlines(kind, ORDER)}
    assert keys <= set(deadlines.DEADLINE_LABELS)


# ---------------------------------------------------------------------------------------------------------
# Statutory constants and the clock registry
# ---------------------------------------------------------------------------------------------------------


def test_statutory_periods_match_send_rules():
    assert deadlines.ADVISER_CONTACT_MONTHS == 2
    assert deadlines.CERTIFICATE_WORKING_DAYS == 3
    assert deadlines.HEALTH_NOTIFICATION_WORKING_DAYS == 3
    assert deadlines.MEDIATION_CALENDAR_DAYS == 30
    assert deadlines.MEDIATION_NOTICE_WORKING_DAYS == 5
    assert deadlines.APPEAL_DECISION_MONTHS == 2
    assert deadlines.APPEAL_CERTIFICATE_MONTHS == 1
    assert time(17, 0) == deadlines.APPEAL_DEADLINE_TIME
    assert deadlines.AGREEMENT_ACTION_WEEKS == 2
    assert deadlines.HEALTH_BODY_NOTICE_WEEKS == 1
    assert deadlines.RECOMMENDATION_RESPONSE_WEEKS == 5


def test_clock_registry_covers_c1_to_c17_with_tooltips():
    assert list(CLOCKS) == [f"C{i}" for i in range(1, 18)]
    units = {"working days", "calendar days", "weeks", "months", "as agreed in writing"}
    for code, clock in CLOCKS.items():
        assert isinstance(clock, Clock)
        assert clock.code == code
        assert clock.title and clock.rule and clock.source
        assert clock.unit in units
    assert CLOCKS["C2"].rule == (
        "3 working days after the parent or young person told the adviser they do not want mediation "
        "(SEND Regs 2014 reg 34)"
    )
    assert CLOCKS["C4"].unit == "calendar days"
    assert CLOCKS["C9"].unit == "months"


def test_clock_registry_entries_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CLOCKS["C1"].title = "changed"  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------------------
# Input checking: nonsense in, ValueError out
# ---------------------------------------------------------------------------------------------------------

NOT_DATES = [
    pytest.param(None, id="none"),
    pytest.param("2026-04-01", id="string"),
    pytest.param(datetime(2026, 4, 1, 9, 30, tzinfo=UTC), id="aware-datetime"),
    pytest.param(datetime(2026, 4, 1, 9, 30), id="naive-datetime"),  # noqa: DTZ001
    pytest.param(20260401, id="int"),
]

SINGLE_DATE_FUNCTIONS = [
    is_working_day,
    adviser_contact_deadline,
    certificate_deadline,
    health_notification_deadline,
    mediation_deadline,
    mediation_notice_deadline,
    agreement_action_deadline,
    health_body_notice_deadline,
    appeal_deadline,
    appeal_deadline_detail,
    recommendation_response_deadline,
    last_working_day_on_or_before,
    first_working_day_on_or_after,
    non_working_day_warning,
]


@pytest.mark.parametrize("function", SINGLE_DATE_FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", NOT_DATES)
def test_every_clock_rejects_values_that_are_not_plain_dates(function, value):
    with pytest.raises(ValueError):
        function(value)


@pytest.mark.parametrize("value", NOT_DATES)
def test_two_date_functions_reject_values_that_are_not_plain_dates(value):
    good = D(2026, 4, 1)
    for call in (
        lambda: working_days_between(value, good),
        lambda: working_days_between(good, value),
        lambda: relative_label(value, good),
        lambda: relative_label(good, value),
        lambda: tribunal_order_deadlines(OrderKind.ASSESS, value),
        lambda: unopposed_appeal_deadlines(UnopposedAppealKind.CONTENT, value),
        lambda: add_working_days(value, 1),
        lambda: subtract_working_days(value, 1),
        lambda: add_months(value, 1),
    ):
        with pytest.raises(ValueError):
            call()


@pytest.mark.parametrize("value", [p for p in NOT_DATES if p.values[0] is not None])
def test_certificate_issued_must_be_a_plain_date_when_given(value):
    with pytest.raises(ValueError):
        appeal_deadline(D(2026, 4, 1), value)


def test_datetime_is_rejected_with_a_message_about_converting_to_a_london_date():
    with pytest.raises(ValueError, match="not a datetime"):
        certificate_deadline(datetime(2026, 4, 1, 23, 30, tzinfo=UTC))


PERIOD_FUNCTIONS = [add_working_days, subtract_working_days, add_months, add_days, add_weeks]


@pytest.mark.parametrize("function", PERIOD_FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "n", [pytest.param(-1, id="negative"), True, False, 1.5, 2.0, "3", None], ids=lambda v: repr(v)
)
def test_period_must_be_a_non_negative_whole_number(function, n):
    with pytest.raises(ValueError):
        function(D(2026, 4, 1), n)


@pytest.mark.parametrize("kind", ["appeal", "ASSESS ", "", None, 42, OrderKind])
def test_unknown_order_kind_is_rejected(kind):
    with pytest.raises(ValueError, match="unknown"):
        tribunal_order_deadlines(kind, D(2026, 4, 1))
    with pytest.raises(ValueError, match="unknown"):
        unopposed_appeal_deadlines(kind, D(2026, 4, 1))


def test_order_kind_from_the_other_enum_is_not_silently_accepted():
    with pytest.raises(ValueError, match="unknown"):
        unopposed_appeal_deadlines(OrderKind.MAKE_AND_MAINTAIN_PLAN, D(2026, 4, 1))


def test_certificate_before_the_decision_is_rejected():
    with pytest.raises(ValueError, match="before decision_sent"):
        appeal_deadline(D(2026, 4, 1), D(2026, 3, 31))


@pytest.mark.parametrize(
    "holidays",
    [
        pytest.param("2026-12-25", id="string"),
        pytest.param(20261225, id="int"),
        pytest.param(["2026-12-25"], id="list-of-strings"),
        pytest.param({datetime(2026, 12, 25, tzinfo=UTC)}, id="set-of-datetimes"),
        pytest.param(frozenset({D(2026, 12, 25), None}), id="frozenset-with-none"),
    ],
)
def test_holidays_must_be_a_collection_of_dates(holidays):
    with pytest.raises(ValueError, match="holidays"):
        certificate_deadline(D(2026, 4, 1), holidays=holidays)


@pytest.mark.parametrize("years", [None, True, "2026", [2026, "2027"], 2026.0])
def test_england_bank_holidays_rejects_nonsense_years(years):
    with pytest.raises(ValueError):
        england_bank_holidays(years)


def test_results_beyond_year_9999_are_refused_not_crashed():
    with pytest.raises(ValueError, match="supported date range"):
        add_months(D(9999, 12, 1), 1)
    with pytest.raises(ValueError, match="supported date range"):
        add_working_days(D(9999, 12, 31), 1, holidays=set())
    with pytest.raises(ValueError, match="supported date range"):
        add_days(D(9999, 12, 31), 1)
    with pytest.raises(ValueError, match="supported date range"):
        appeal_deadline(D(9999, 10, 31), holidays=set())


# ---------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------

DATES = st.dates(min_value=D(2000, 1, 1), max_value=D(2035, 12, 31))
COUNTS = st.integers(min_value=0, max_value=40)
GAPS = st.integers(min_value=0, max_value=400)
FAST = settings(max_examples=200, deadline=None)


def _in_christmas_window(day):
    return (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day == 1)


@FAST
@given(start=DATES, n=st.integers(min_value=1, max_value=40))
def test_property_add_working_days_lands_on_a_working_day(start, n):
    assert is_working_day(add_working_days(start, n))


@FAST
@given(start=DATES, n=COUNTS)
def test_property_working_days_between_inverts_add_working_days(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@FAST
@given(start=DATES, gap=GAPS, n=COUNTS)
def test_property_add_working_days_is_monotonic_in_the_trigger(start, gap, n):
    assert add_working_days(start, n) <= add_working_days(start + timedelta(days=gap), n)


@FAST
@given(start=DATES, n=COUNTS)
def test_property_subtracting_after_adding_never_lands_after_the_start(start, n):
    assert subtract_working_days(add_working_days(start, n), n) <= start


@FAST
@given(start=DATES, gap=GAPS, n=st.integers(min_value=0, max_value=24))
def test_property_add_months_is_monotonic_and_never_before_the_start(start, gap, n):
    later = start + timedelta(days=gap)
    assert start <= add_months(start, n) <= add_months(later, n)


@FAST
@given(decision=DATES, gap=GAPS, certificate_gap=st.none() | GAPS)
def test_property_appeal_deadline_is_monotonic_in_the_decision_date(decision, gap, certificate_gap):
    later = decision + timedelta(days=gap)
    certificate = None if certificate_gap is None else later + timedelta(days=certificate_gap)
    assert appeal_deadline(decision, certificate) <= appeal_deadline(later, certificate)


@FAST
@given(decision=DATES, gap=GAPS, more=GAPS)
def test_property_appeal_deadline_is_monotonic_in_the_certificate_date(decision, gap, more):
    certificate = decision + timedelta(days=gap)
    later = certificate + timedelta(days=more)
    assert appeal_deadline(decision, certificate) <= appeal_deadline(decision, later)


@FAST
@given(decision=DATES, certificate_gap=st.none() | GAPS)
def test_property_appeal_deadline_respects_both_limbs_and_the_windows(decision, certificate_gap):
    certificate = None if certificate_gap is None else decision + timedelta(days=certificate_gap)
    detail = appeal_deadline_detail(decision, certificate)
    assert detail.due >= add_months(decision, 2)
    if certificate is not None:
        assert detail.due >= add_months(certificate, 1)
    assert detail.due >= detail.raw_end
    assert is_working_day(detail.due)
    if not detail.needs_legal_review:
        assert detail.due.month != 8
        assert not _in_christmas_window(detail.due)
    assert detail.due == appeal_deadline(decision, certificate)


@FAST
@given(start=DATES, end=DATES)
def test_property_working_days_between_is_antisymmetric(start, end):
    assert working_days_between(start, end) == -working_days_between(end, start)


@FAST
@given(start=DATES, n=COUNTS, extra=DATES)
def test_property_adding_a_holiday_never_makes_a_deadline_earlier(start, n, extra):
    calendar = england_bank_holidays(range(start.year, start.year + 2))
    before = add_working_days(start, n, holidays=calendar)
    assert before <= add_working_days(start, n, holidays=calendar | {extra})


# ---------------------------------------------------------------------------------------------------------
# Bank holidays plus the admin table of extra non-working days
# ---------------------------------------------------------------------------------------------------------


def test_extra_non_working_days_add_to_bank_holidays_of_every_year():
    calendar = EnglandBankHolidaysPlus({D(2026, 6, 16)})
    assert certificate_deadline(D(2026, 6, 15), holidays=calendar) == D(2026, 6, 19)
    assert certificate_deadline(D(2026, 4, 1), holidays=calendar) == D(2026, 4, 8)  # Easter still skipped
    assert certificate_deadline(D(2031, 4, 10), holidays=calendar) == D(2031, 4, 17)  # Easter 2031 too
    assert working_days_between(D(2026, 6, 12), D(2026, 6, 19), holidays=calendar) == 4


def test_bank_holidays_plus_nothing_behaves_like_the_default_calendar():
    calendar = EnglandBankHolidaysPlus()
    assert appeal_deadline(D(2028, 10, 24), holidays=calendar) == appeal_deadline(D(2028, 10, 24))
    assert working_days_between(D(2025, 1, 1), D(2026, 1, 1), holidays=calendar) == 253
    assert D(2026, 12, 28) in calendar
    assert D(2026, 12, 29) not in calendar


def test_newly_proclaimed_day_on_a_bank_holiday_is_not_counted_twice():
    calendar = EnglandBankHolidaysPlus({D(2026, 12, 25), D(2026, 12, 29)})
    assert working_days_between(D(2026, 12, 23), D(2026, 12, 31), holidays=calendar) == 3


@pytest.mark.parametrize("extra", ["2026-06-16", [datetime(2026, 6, 16, tzinfo=UTC)], [None], 5])
def test_extra_non_working_days_must_be_dates(extra):
    with pytest.raises(ValueError):
        EnglandBankHolidaysPlus(extra)


@FAST
@given(start=DATES, end=DATES, extra=st.frozensets(DATES, max_size=5))
def test_property_working_days_between_agrees_with_a_plain_set(start, end, extra):
    calendar = EnglandBankHolidaysPlus(extra)
    plain = england_bank_holidays(range(min(start, end).year, max(start, end).year + 1)) | extra
    expected = working_days_between(start, end, holidays=plain)
    assert working_days_between(start, end, holidays=calendar) == expected
