"""Pure retention rules: when a closed case is anonymised and when it is deleted (docs/retention.md).

No ORM, no clock, no settings: callers pass `today`, the case's facts and the policy (services read the policy
from settings with privacy.selectors.retention_policy()).

The schedule, for a case that is closed and not on legal hold:
- anonymise on the later of: `anonymise_after_years` after the day it was closed, and the child's
  `keep_until_age`th birthday;
- delete `delete_after_years` after that: the later of `anonymise_after_years + delete_after_years` after it was
  closed and the child's `keep_until_age + delete_after_years`th birthday. The deletion date is worked out (and
  stored) when the case is anonymised, because the date of birth it depends on is removed then.

Years are calendar years: the same day and month, and 29 February becomes 1 March in a year without one, so a
record is always kept for at least the whole period (a child born on 29 February 2008 turns 25 on 1 March 2033
for this purpose).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


class Step:
    """What the schedule does to a case today."""

    ANONYMISE = "anonymise"
    DELETE = "delete"


@dataclass(frozen=True)
class RetentionPolicy:
    """Retention periods in whole years (settings RETENTION_*; docs/retention.md gives the reasoning)."""

    anonymise_after_years: int
    keep_until_age: int
    delete_after_years: int

    def __post_init__(self) -> None:
        for name in ("anonymise_after_years", "keep_until_age", "delete_after_years"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of years, 0 or more, not {value!r}")

    @property
    def delete_after_closure_years(self) -> int:
        return self.anonymise_after_years + self.delete_after_years

    @property
    def delete_at_age(self) -> int:
        return self.keep_until_age + self.delete_after_years


def add_years(day: date, years: int) -> date:
    """The same day and month `years` later; 29 February becomes 1 March in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year that has none
        return date(day.year + years, 3, 1)


def latest_start_on(today: date, years: int) -> date:
    """The latest day `d` for which add_years(d, years) is on or before `today`: a case closed on or before it has
    been closed for `years` years; a child born on or before it has turned `years`. Lets the database select due
    cases with a plain comparison on an indexed date."""
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # today is 29 February; that year has none
        day = date(today.year - years, 2, 28)
    while add_years(day, years) > today:
        day -= timedelta(days=1)
    while add_years(day + timedelta(days=1), years) <= today:
        day += timedelta(days=1)
    return day


def anonymise_due_on(*, closed_on: date, date_of_birth: date, policy: RetentionPolicy) -> date:
    """The day a closed case is due to be anonymised."""
    return max(
        add_years(closed_on, policy.anonymise_after_years),
        add_years(date_of_birth, policy.keep_until_age),
    )


def delete_due_on(*, closed_on: date, date_of_birth: date, policy: RetentionPolicy) -> date:
    """The day a closed case is due to be deleted (`delete_after_years` after anonymisation is due)."""
    return max(
        add_years(closed_on, policy.delete_after_closure_years),
        add_years(date_of_birth, policy.delete_at_age),
    )


def step_due(
    *,
    today: date,
    is_closed: bool,
    closed_on: date | None,
    date_of_birth: date,
    anonymised: bool,
    stored_delete_due_on: date | None,
    legal_hold: bool,
    policy: RetentionPolicy,
) -> str | None:
    """The step the schedule takes on this case today: Step.DELETE, Step.ANONYMISE or None (nothing yet).

    Open cases, cases closed with no closing date and cases on legal hold are never touched. An anonymised case
    is deleted on the date stored when it was anonymised; a case that is due for deletion without having been
    anonymised (the schedule was switched on after its time) is deleted directly."""
    if not is_closed or closed_on is None or legal_hold:
        return None
    if anonymised:
        return Step.DELETE if stored_delete_due_on is not None and stored_delete_due_on <= today else None
    if delete_due_on(closed_on=closed_on, date_of_birth=date_of_birth, policy=policy) <= today:
        return Step.DELETE
    if anonymise_due_on(closed_on=closed_on, date_of_birth=date_of_birth, policy=policy) <= today:
        return Step.ANONYMISE
    return None
