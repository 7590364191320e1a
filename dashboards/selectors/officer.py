"""My work, the officer's home page: their own clocks by urgency, their cases by stage and whose move it is,
and the unassigned intake queue."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Q

from cases.clock_display import clock_rows
from cases.models import Case, Decision, NextStepBy
from cases.models import Status as CaseStatus
from cases.selectors import open_deadline_group, open_deadline_totals, open_deadlines_for
from cases.team_selectors import covers_held_by

from .common import LIST_LIMIT, case_url, clock_dict

CLOCK_BUCKETS = [
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("soon", "Due this week (next 7 days)"),
    ("later", "Later"),
]


def my_work(user, *, today: date, calendar, limit: int = LIST_LIMIT) -> dict:
    """The officer's own open clocks by urgency, their open cases by stage, and the unassigned intake queue.

    Clocks: open Deadline rows on cases assigned to the user. Overdue = due before today; due today; this week =
    due in the next 7 days after today; later = after that. Open cases: the user's cases whose status is not
    closed, counted by status. Intake queue: cases with no officer whose status is not closed, oldest first.
    My move: the user's open cases whose next step (cases.next_step) is the LA's, soonest first, and how many wait
    on the family, the provider, the mediator or the ICB.
    Eight queries (plus the working-day calendar): one counting every clock bucket, one for the first rows of
    each of the four buckets (the Deadlines page's selectors), one grouped count of cases (by status and whose move
    it is), the first rows of my move, one page of the queue.
    """
    groups, totals = _clock_groups(user, today=today, calendar=calendar, limit=limit)
    mine, moves, queue_total = _case_counts(user)
    my_move = _my_move(user, limit=limit)
    waiting = [
        {"by": value, "label": label, "count": moves[value]}
        for value, label in NextStepBy.choices
        if value != NextStepBy.LA and moves.get(value)
    ]
    stages = [
        {"status": value, "label": label, "count": mine[value]}
        for value, label in CaseStatus.choices
        if mine.get(value)
    ]
    queue_rows = _queue_rows(limit=limit)
    covering = _covering(user, today=today)
    return {
        "today": today,
        "covering": covering,
        "clock_groups": groups,
        "clock_total": sum(totals.values()),
        "stages": stages,
        "open_cases": sum(mine.values()),
        "queue": queue_rows,
        "queue_total": queue_total,
        "my_move": my_move,
        "my_move_total": moves.get(NextStepBy.LA, 0),
        "waiting": waiting,
        "limit": limit,
    }


def _clock_groups(user, *, today: date, calendar, limit: int) -> tuple[list[dict], dict[str, int]]:
    """The officer's own open clocks, bucketed and read as on the Deadlines page (cases.selectors): one query
    counting every bucket, then each bucket's first rows."""
    mine = open_deadlines_for(user, officer=user)
    totals = open_deadline_totals(user, officer=user, today=today)
    by_bucket = {key: list(open_deadline_group(mine, key, today=today)[:limit]) for key, _ in CLOCK_BUCKETS}
    groups = [
        {
            "key": key,
            "label": label,
            "total": totals[key],
            "rows": [clock_dict(row) for row in clock_rows(by_bucket[key], today=today, calendar=calendar)],
        }
        for key, label in CLOCK_BUCKETS
    ]
    return groups, totals


def case_count_rows(user):
    """The user's open cases and the unassigned open cases, counted by officer, status and whose move it is (from
    cases_case_open_officer_idx alone)."""
    return (
        Case.objects.filter(Q(officer=user) | Q(officer__isnull=True))
        .open()
        .values("officer", "status", "next_step_by")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _case_counts(user) -> tuple[dict[str, int], dict[str, int], int]:
    """The user's open cases by status and by whose move it is, and how many open cases have no officer: one
    grouped count."""
    counts = case_count_rows(user)
    mine: dict[str, int] = {}
    moves: dict[str, int] = {}
    queue_total = 0
    for row in counts:
        if row["officer"] is None:
            queue_total += row["n"]
        else:
            mine[row["status"]] = mine.get(row["status"], 0) + row["n"]
            moves[row["next_step_by"]] = moves.get(row["next_step_by"], 0) + row["n"]
    return mine, moves, queue_total


def _my_move(user, *, limit: int) -> list[dict]:
    """My open cases whose next step is the LA's, soonest due first (undated last), from the next-step index."""
    return [
        {**row, "url": case_url(row["pk"])}
        for row in Case.objects.filter(officer=user, next_step_by=NextStepBy.LA)
        .order_by(F("next_step_due_on").asc(nulls_last=True), "pk")
        .values("pk", "reference", "next_step", "next_step_by", "next_step_due_on")[:limit]
    ]


def _queue_rows(*, limit: int) -> list[dict]:
    """The first page of the intake queue: open cases with no officer, oldest first."""
    queue = Case.objects.filter(officer__isnull=True).open()
    return [
        {
            **row,
            "url": case_url(row["pk"]),
            "decision_label": Decision(row["decision"]).label if row["decision"] else "",
            "decision_short": Decision(row["decision"]).short_label if row["decision"] else "",
            "status_label": CaseStatus(row["status"]).label,
        }
        for row in queue.order_by("created_at", "pk").values(
            "pk",
            "reference",
            "status",
            "decision",
            "first_contact_on",
            "next_deadline_on",
            "next_deadline_title",
            "next_step",
            "next_step_by",
            "next_step_due_on",
        )[:limit]
    ]


def _covering(user, *, today: date) -> list[dict]:
    """Colleagues away whose work the user covers today (cases.models.Cover): their clocks, counted per group."""
    return [
        {
            "officer": cover.officer,
            "name": cover.officer.display_name,
            "ends_on": cover.ends_on,
            "totals": open_deadline_totals(user, officer=cover.officer, today=today),
        }
        for cover in covers_held_by(user, today=today)
    ]
