"""How a stored clock reads on a page: pure formatting from a Deadline row, today and the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sendportal.formats import short_date

from . import deadlines
from .dates import CLOCK_ENGINE_ERRORS, in_range
from .models import Deadline

CLOCK_ROW_FIELDS = (
    "case_id",
    "case__reference",
    "clock",
    "title",
    "binds",
    "due_on",
    "due_time",
    "state",
    "met_on",
    "waived_reason",
)
"""The columns a clock row reads (clock_rows, and the dashboards' clock_dict), for a query's only(): the clock and its
case's reference, never the child's details."""

# Clocks whose due date is never moved for a weekend or holiday: warn when it lands on one (decision 3).
NOT_ROLLED_FORWARD_UNITS = {deadlines.UNIT_CALENDAR_DAYS, deadlines.UNIT_WEEKS, deadlines.UNIT_MONTHS}


# Who must act, as officers read it (decision 12): the LA's own work, what to chase from the provider or the
# ICB, and the family's windows (information, never the LA's overdue work).
WHO_MUST_ACT = {
    Deadline.Binds.LA: "The LA",
    Deadline.Binds.ADVISER: "The provider: chase them",
    Deadline.Binds.ICB: "The ICB: chase them",
    Deadline.Binds.FAMILY: "The family (their window)",
}


@dataclass(frozen=True)
class ClockRow:
    deadline: Deadline
    relative: str
    urgency: str  # overdue / today / soon / later / closed / window
    rule: str
    source: str
    warning: str
    action: str = ""  # the URL name of a step done from this row (cases.panels.ClockAction), when there is one

    @property
    def state_label(self) -> str:
        if self.deadline.met_late:
            return "Met late"
        if self.deadline.is_open and self.is_family_window:
            return "Window open" if self.urgency == "window" else "Window closed"
        return self.deadline.get_state_display()

    @property
    def who(self) -> str:
        return WHO_MUST_ACT.get(self.deadline.binds, self.deadline.get_binds_display())

    @property
    def is_family_window(self) -> bool:
        return self.deadline.binds == Deadline.Binds.FAMILY


def urgency_for(due: date, today: date) -> str:
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    if (due - today).days <= 7:
        return "soon"
    return "later"


# A stored date the engine cannot work with (a row saved before decision 16 was enforced, for example a response
# date typed as 2101): the page shows the raw date and asks for it to be checked, rather than failing.
CHECK_THIS_DATE = "check this date: it is outside 1900 to 2100"
CHECK_URGENCY = "check"


def relative_and_urgency(due: date, today: date, *, calendar) -> tuple[str, str]:
    """How far off `due` is and how urgent: the one way every page labels an open due date."""
    if not in_range(due):
        return CHECK_THIS_DATE, CHECK_URGENCY
    try:
        return deadlines.relative_label(due, today, holidays=calendar), urgency_for(due, today)
    except CLOCK_ENGINE_ERRORS:
        return CHECK_THIS_DATE, CHECK_URGENCY


def family_window_label(deadline: Deadline, today: date, calendar) -> tuple[str, str]:
    """How an open family clock reads: when the family's window closes, or that it has closed and what to do."""
    if deadline.due_on >= today:
        return f"the family's window closes {deadlines.relative_label(deadline.due_on, today, holidays=calendar)}", (
            "window"
        )
    if deadline.clock == deadlines.ClockCode.C9:
        prompt = "record the appeal if one was made, or move the case to 'appeal window expired'"
    else:
        prompt = "record the family's contact with the adviser if they made it"
    return f"the family's window has closed: {prompt}", "window_closed"


def clock_row(deadline: Deadline, *, today: date, calendar) -> ClockRow:
    clock = deadlines.CLOCKS.get(deadline.clock)
    rule = clock.rule if clock else ""
    source = clock.source if clock else ""
    warning = ""
    if deadline.is_open:
        if deadline.binds == Deadline.Binds.FAMILY and in_range(deadline.due_on):
            # The family's window: information, not overdue work. A passed window prompts the officer to record
            # the appeal or move the case on.
            relative, urgency = family_window_label(deadline, today, calendar)
        else:
            relative, urgency = relative_and_urgency(deadline.due_on, today, calendar=calendar)
        unit_warns = clock and clock.unit in NOT_ROLLED_FORWARD_UNITS and deadline.clock != deadlines.ClockCode.C9
        if urgency != CHECK_URGENCY and unit_warns:
            warning = deadlines.non_working_day_warning(deadline.due_on, holidays=calendar)
    elif deadline.state == Deadline.State.MET:
        late = (deadline.met_on - deadline.due_on).days
        relative = f"met on {short_date(deadline.met_on)}" + (f", {late} days late" if late > 0 else "")
        urgency = "closed"
    elif deadline.state == Deadline.State.WAIVED:
        relative, urgency = f"waived: {deadline.waived_reason}", "closed"
    else:
        relative, urgency = deadline.get_state_display().lower(), "closed"
    return ClockRow(deadline, relative, urgency, rule, source, warning)


def clock_rows(deadline_list, *, today: date, calendar) -> list[ClockRow]:
    return [clock_row(d, today=today, calendar=calendar) for d in deadline_list]
