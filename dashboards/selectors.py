"""Read-only figures for the dashboards, computed in the database.

Every function takes what it depends on (`today`, the period, the year, the officer) as arguments and returns
plain dicts and lists, so the figures can be checked against hand-built data and the pages cost the same number
of queries at any size: figures come from aggregate()/annotate() with conditional Count, grouped queries
(values().annotate()), window functions and TruncMonth, never from Python loops over cases. Python only reshapes
the handful of aggregated rows (one per month, outcome, decision type, officer, mediator or provider).

Page budgets (a signed-in request costs 4 queries first: the session, the user, their permissions in one query,
and the session save as one UPDATE): my work 8 queries, mediator dashboard 4, management dashboard 9 (with the
officer list), plus the cache read and, when the figures are worked out, the cache write.

The definitions are the business rules: each page repeats them under "How these figures are worked out".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Least
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.clock_display import clock_rows
from cases.deadlines import ClockCode
from cases.models import Case, Deadline, Decision, NextStepBy
from cases.models import Status as CaseStatus
from cases.selectors import SOON_DAYS, open_deadline_group, open_deadline_totals, open_deadlines_for
from cases.team_selectors import covers_held_by
from referrals.models import MediationSession, Mediator, Referral, TribunalAppeal
from referrals.selectors import MEDIATOR_CASELOAD_STATUSES, referral_list_for

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
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"

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


def _mean_days(total_days: int | None, count: int) -> Decimal | None:
    """The mean of `count` whole-day differences summing to `total_days`, to one decimal place, halves up."""
    if total_days is None or not count:
        return None
    return (Decimal(total_days) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _person(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or (username or "")


def _case_url(pk: int) -> str:
    return reverse("cases:detail", args=[pk])


def referral_url(pk: int) -> str:
    """The referral's page, when the referral pages are installed (they live in the referrals app)."""
    try:
        return reverse("referrals:detail", args=[pk])
    except NoReverseMatch:
        return ""


def _counted(today: date, prefix: str = "") -> Q:
    """Clocks that count towards compliance: met, missed, or still open and already overdue (due before today)."""
    return Q(**{f"{prefix}state__in": [Deadline.State.MET, Deadline.State.MISSED]}) | Q(
        **{f"{prefix}state": Deadline.State.OPEN, f"{prefix}due_on__lt": today}
    )


def _on_time(prefix: str = "") -> Q:
    """Met on or before the due date."""
    return Q(**{f"{prefix}state": Deadline.State.MET, f"{prefix}met_on__lte": F(f"{prefix}due_on")})


def _decision_rows(values: dict[str, dict]) -> list[dict]:
    """Rows in the order of the Decision choices, then 'no decision', for the decision types present."""
    return [
        {"code": value or "none", "label": label, **values[value]}
        for value, label in [*Decision.choices, NO_DECISION]
        if value in values
    ]


# --- My work (the officer's home page) -------------------------------------------------------------------

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
"""What a clock row on the mediator dashboard shows (cases.clock_display and _clock_dict): not the child's
details, nor the officer (which the Deadlines page's rows, cases.selectors.DEADLINE_ROW_FIELDS, add)."""

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
    # The officer's own open clocks, bucketed and read as on the Deadlines page (cases.selectors): one query
    # counting every bucket, then each bucket's first rows.
    mine = open_deadlines_for(user, officer=user)
    totals = open_deadline_totals(user, officer=user, today=today)
    by_bucket = {key: list(open_deadline_group(mine, key, today=today)[:limit]) for key, _ in CLOCK_BUCKETS}
    groups = [
        {
            "key": key,
            "label": label,
            "total": totals[key],
            "rows": [_clock_dict(row) for row in clock_rows(by_bucket[key], today=today, calendar=calendar)],
        }
        for key, label in CLOCK_BUCKETS
    ]

    counts = (
        Case.objects.filter(Q(officer=user) | Q(officer__isnull=True))
        .exclude(status=CaseStatus.CLOSED)
        .values("officer", "status", "next_step_by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    mine: dict[str, int] = {}
    moves: dict[str, int] = {}
    queue_total = 0
    for row in counts:
        if row["officer"] is None:
            queue_total += row["n"]
        else:
            mine[row["status"]] = mine.get(row["status"], 0) + row["n"]
            moves[row["next_step_by"]] = moves.get(row["next_step_by"], 0) + row["n"]

    # My move: my open cases whose next step is the LA's, soonest due first (undated last), from the next-step
    # index; then how many of my cases wait on someone else, by who.
    my_move = [
        {**row, "url": _case_url(row["pk"])}
        for row in Case.objects.filter(officer=user, next_step_by=NextStepBy.LA)
        .order_by(F("next_step_due_on").asc(nulls_last=True), "pk")
        .values("pk", "reference", "next_step", "next_step_by", "next_step_due_on")[:limit]
    ]
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

    queue = Case.objects.filter(officer__isnull=True).exclude(status=CaseStatus.CLOSED)
    queue_rows = [
        {
            **row,
            "url": _case_url(row["pk"]),
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
    # Colleagues away whose work the user covers today (cases.models.Cover): their clocks, counted per group.
    covering = [
        {
            "officer": cover.officer,
            "name": cover.officer.get_full_name() or cover.officer.get_username(),
            "ends_on": cover.ends_on,
            "totals": open_deadline_totals(user, officer=cover.officer, today=today),
        }
        for cover in covers_held_by(user, today=today)
    ]
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


def _clock_dict(row) -> dict:
    deadline = row.deadline
    return {
        "reference": deadline.case.reference,
        "url": _case_url(deadline.case_id),
        "title": deadline.title,
        "due_on": deadline.due_on,
        "due_time": deadline.due_time,
        "relative": row.relative,
        "urgency": row.urgency,
        "rule": row.rule,
        "binds": row.who,
    }


# --- Management dashboard: workload and the headline numbers ------------------------------------------------


def workload(*, officers, today: date) -> dict:
    """Per officer: open cases (status not closed) and the open clocks on them that are overdue (due before
    today) or due this week (due today or in the next 7 days). Every officer who can hold cases is listed, even
    with none, plus anyone else still holding open cases; unassigned cases are a row of their own. The totals
    are the headline numbers. One query; `officers` is the list the period form already loaded."""
    week_end = today + timedelta(days=SOON_DAYS)
    names = ("officer__first_name", "officer__last_name", "officer__username")
    # Two grouped counts in one query (UNION ALL), each from its own index, rather than every open case joined to
    # its clocks: open cases per officer (cases_case_open_officer_idx), and the open clocks due by the end of the
    # week from the partial index of the LA's open clocks (the family's windows, C1 and C9, are never the LA's
    # overdue work: decision 12), each counted for its case's officer unless the case is closed.
    cases = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .values("officer", *names)
        .annotate(open_cases=Count("pk"), overdue=Value(0), due_this_week=Value(0))
        .order_by()
    )
    clocks = (
        Deadline.objects.filter(state=Deadline.State.OPEN, due_on__lte=week_end)
        .exclude(binds=Deadline.Binds.FAMILY)
        .exclude(case__status=CaseStatus.CLOSED)
        .values(officer_of_case=F("case__officer"))
        .annotate(
            **{name: Value(None, output_field=CharField()) for name in names},
            open_cases=Value(0),
            overdue=Count("due_on", filter=Q(due_on__lt=today)),
            due_this_week=Count("due_on", filter=Q(due_on__gte=today)),
        )
        .order_by()
    )
    zero = {"open_cases": 0, "overdue": 0, "due_this_week": 0}
    found: dict = {}
    for row in cases.union(clocks, all=True).order_by():
        entry = found.setdefault(row["officer"], {**row, **zero})
        if row["officer__username"] is not None:
            entry.update({name: row[name] for name in names})
        for key in zero:
            entry[key] += row[key]

    def figures(row):
        return {key: row[key] for key in zero} if row else dict(zero)

    people = [{"pk": u.pk, "name": u.get_full_name() or u.get_username(), **figures(found.get(u.pk))} for u in officers]
    listed = {u.pk for u in officers}
    people += [
        {
            "pk": pk,
            "name": _person(row["officer__first_name"], row["officer__last_name"], row["officer__username"]),
            **figures(row),
        }
        for pk, row in found.items()
        if pk is not None and pk not in listed
    ]
    people.sort(key=lambda p: (-p["open_cases"], p["name"]))
    totals = {key: sum(row[key] for row in found.values()) for key in zero}
    return {"officers": people, "unassigned": figures(found.get(None)), "totals": totals}


def headline(work: dict, officer=None) -> dict:
    """Open cases, clocks overdue and clocks due this week: everyone's, or one officer's (from workload())."""
    if officer is None:
        return dict(work["totals"])
    row = next((p for p in work["officers"] if p["pk"] == officer.pk), None)
    return {key: row[key] if row else 0 for key in work["totals"]}


# --- Clock compliance ---------------------------------------------------------------------------------------


def clock_compliance(*, period: Period, today: date, officer=None) -> list[dict]:
    """Compliance with each statutory clock group over a period, with a month-by-month trend.

    Among the Deadline rows of a group whose due date is in the period and that are met, missed, or still open
    and already overdue (due before today): on time = met on or before the due date; percentage = on time /
    that total. Waived clocks, superseded clocks and open clocks not yet due are left out. Groups: certificates
    C2+C6+C8; mediation within 30 days C4+C5; notice C7; agreed actions C10+C11+C12+C13. The trend buckets
    the same rows by the month of their due date. One grouped query.
    """
    group_of = {code: group["key"] for group in CLOCK_GROUPS for code in group["clocks"]}
    qs = Deadline.objects.filter(clock__in=list(group_of), due_on__gte=period.start, due_on__lte=period.end).filter(
        _counted(today)
    )
    if officer is not None:
        qs = qs.filter(case__officer=officer)
    # Counted by clock and due date, in the order of the (clock, due_on, state, met_on) index, so the database
    # reads the index alone and needs no sort; the few thousand (clock, day) rows are folded into groups and
    # months here. (COUNT(due_on) counts rows: due_on is never empty, and unlike the id it is in the index.)
    rows = (
        qs.values("clock", "due_on")
        .annotate(total=Count("due_on"), on_time=Count("due_on", filter=_on_time()))
        .order_by()
    )
    cells: dict[tuple[str, date], list[int]] = {}
    for row in rows:
        cell = cells.setdefault((group_of[row["clock"]], row["due_on"].replace(day=1)), [0, 0])
        cell[0] += row["on_time"]
        cell[1] += row["total"]
    result = []
    for group in CLOCK_GROUPS:
        trend = []
        for month in period.months():
            on_time, total = cells.get((group["key"], month), (0, 0))
            trend.append({"month": month, "on_time": on_time, "total": total, "percent": percent(on_time, total)})
        on_time = sum(m["on_time"] for m in trend)
        total = sum(m["total"] for m in trend)
        result.append(
            {
                **group,
                "on_time": on_time,
                "late": total - on_time,
                "total": total,
                "percent": percent(on_time, total),
                "text": percent_text(on_time, total),
                "trend": trend,
            }
        )
    return result


# --- Outcomes and decisions changed -------------------------------------------------------------------------


def concluded_referral_counts(*, period: Period, officer=None) -> dict[tuple[str, str], int]:
    """Referrals concluded in the period (concluded_on in it) with an outcome, counted by (the case's decision
    type, outcome). One grouped query behind both the outcome mix and the decisions changed at mediation."""
    qs = Referral.objects.filter(concluded_on__gte=period.start, concluded_on__lte=period.end).exclude(outcome="")
    if officer is not None:
        qs = qs.filter(case__officer=officer)
    # By the referral's copy of its case's decision (Referral.case_decision), counted from the index alone
    # (COUNT(outcome) counts rows: outcome is never NULL, and unlike the id it is in the index).
    return {
        (row["case_decision"], row["outcome"]): row["n"]
        for row in qs.values("case_decision", "outcome").annotate(n=Count("outcome")).order_by()
    }


def outcome_mix(*, period: Period, officer=None, counts: dict | None = None) -> dict:
    """Referrals concluded in the period (concluded_on), counted by Referral.outcome."""
    counts = counts if counts is not None else concluded_referral_counts(period=period, officer=officer)
    by_outcome: dict[str, int] = {}
    for (_decision, outcome), n in counts.items():
        by_outcome[outcome] = by_outcome.get(outcome, 0) + n
    total = sum(by_outcome.values())
    rows = [
        {
            "outcome": value,
            "label": label,
            "count": by_outcome.get(value, 0),
            "percent": percent(by_outcome.get(value, 0), total),
        }
        for value, label in Referral.Outcome.choices
    ]
    return {"rows": rows, "total": total}


def appeal_counts(
    *, academic: tuple[date, date] | None = None, period: Period | None = None, officer=None
) -> list[dict]:
    """Tribunal appeals counted by (the case's decision type, outcome) in one grouped query, for the academic
    window, the period, or both:

    - `registered`: registered in the academic window (for the academic-year view; the whole authority);
    - `changed`: outcome upheld, partly upheld or conceded, dated (outcome_on) in the period, on the officer's
      cases when one is given (for decisions changed at tribunal);
    - `changed_also_at_mediation`: of those, appeals whose case also had a decision changed at mediation in the
      period, so a case changed at both is counted once in the total.
    """
    wanted = Q(pk__in=[])
    counts = {}
    qs = TribunalAppeal.objects.all()
    if academic is not None:
        registered = Q(registered_on__gte=academic[0], registered_on__lte=academic[1])
        wanted |= registered
        counts["registered"] = Count("registered_on", filter=registered)
    if period is not None:
        changed = Q(outcome__in=CHANGED_AT_TRIBUNAL, outcome_on__gte=period.start, outcome_on__lte=period.end)
        if officer is not None:
            changed &= Q(case__officer=officer)
        wanted |= changed
        qs = qs.alias(
            also_mediation=Exists(
                Referral.objects.filter(
                    case=OuterRef("case_id"),
                    outcome__in=CHANGED_AT_MEDIATION,
                    concluded_on__gte=period.start,
                    concluded_on__lte=period.end,
                )
            )
        )
        counts["changed"] = Count("registered_on", filter=changed)
        counts["changed_also_at_mediation"] = Count("registered_on", filter=changed & Q(also_mediation=True))
    # By the appeal's copy of its case's decision (TribunalAppeal.case_decision): no case looked up per appeal.
    # (COUNT(registered_on) counts rows: it is never NULL, and unlike the id it is in both indexes.)
    return list(qs.filter(wanted).values("case_decision", "outcome").annotate(**counts).order_by())


def decisions_changed(
    *, period: Period, officer=None, referral_counts: dict | None = None, appeals: list[dict] | None = None
) -> dict:
    """Cases whose decision was changed, by the decision under dispute (Case.decision).

    Changed at mediation: a referral concluded in the period (concluded_on) with full or partial agreement, or
    where the LA conceded. Changed at tribunal: a TribunalAppeal with an outcome dated in the period
    (outcome_on) of upheld, partly upheld or conceded. A case changed at both counts once in the total.
    """
    if referral_counts is None:
        referral_counts = concluded_referral_counts(period=period, officer=officer)
    if appeals is None:
        appeals = appeal_counts(period=period, officer=officer)
    values: dict[str, dict] = {}

    def row_for(decision):
        return values.setdefault(decision, {"at_mediation": 0, "at_tribunal": 0, "both": 0})

    for (decision, outcome), n in referral_counts.items():
        if outcome in CHANGED_AT_MEDIATION:
            row_for(decision)["at_mediation"] += n
    for row in appeals:
        if row.get("changed"):
            entry = row_for(row["case_decision"])
            entry["at_tribunal"] += row["changed"]
            entry["both"] += row["changed_also_at_mediation"]
    for entry in values.values():
        entry["total"] = entry["at_mediation"] + entry["at_tribunal"] - entry["both"]
    rows = _decision_rows(values)
    return {
        "rows": rows,
        "total": sum(r["total"] for r in rows),
        "at_mediation": sum(r["at_mediation"] for r in rows),
        "at_tribunal": sum(r["at_tribunal"] for r in rows),
    }


# --- SEN2 ---------------------------------------------------------------------------------------------------


def calendar_window(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def academic_window(year: int) -> tuple[date, date]:
    """The academic year ending in `year`: 1 September of the year before to 31 August."""
    return date(year - 1, 9, 1), date(year, 8, 31)


def academic_year_label(year: int) -> str:
    return f"{year - 1}/{str(year)[-2:]}"


def sen2_figures(*, year: int, appeals: list[dict] | None = None) -> dict:
    """SEN2 mediation measures (DfE SEN2; LG Inform metrics 4862, 4863, 4864) for calendar year `year`, and the
    same measures for the academic year ending in August of `year` (docs/rules.md §7, §8 D10).

    Mediations held (4862): referrals with at least one held MediationSession whose start (London time) falls
    in the window; a referral counts once however many sessions it had. Followed by an appeal (4863): of those,
    referrals whose case has a TribunalAppeal registered after the date of the referral's first held session in
    the window. Percentage (4864): appeals / held * 100 to one decimal place, "9 of 60: 15.0%".
    The academic-year view adds the tribunal appeals registered in that academic year by the case's decision
    type and by outcome. One query for both windows (plus appeal_counts() unless given).
    """
    windows = {"calendar": calendar_window(year), "academic": academic_window(year)}

    def within(start: date, end: date) -> Q:
        return Q(starts_at__gte=_london_midnight(start), starts_at__lt=_london_midnight(end + timedelta(days=1)))

    def on_dates(start: date, end: date) -> Q:  # the same sessions, by their date in England
        return Q(starts_on__gte=start, starts_on__lte=end)

    # Driven from the held sessions in either window (the (status, starts_at) index, which holds each session's
    # referral, date and copy of the case), one row per referral: the date of its first held session in each
    # window and the latest appeal on its case (the first entry for the case in the (case, registered_on) index of
    # appeals). "Followed by an appeal" is then: latest appeal registered after that date.
    first_start = min(w[0] for w in windows.values())
    last_end = max(w[1] for w in windows.values())
    latest_appeal = (
        TribunalAppeal.objects.filter(case=OuterRef("case_id")).order_by("-registered_on").values("registered_on")[:1]
    )
    per_referral = (
        MediationSession.objects.filter(within(first_start, last_end), status=HELD)
        .values("referral_id")
        .annotate(
            **{f"{name}_first": Min("starts_on", filter=on_dates(*window)) for name, window in windows.items()},
            # An aggregate over the sessions (all of a referral's are on one case), so the lookup is not grouped on.
            last_appeal=Max(Subquery(latest_appeal, output_field=DateField())),
        )
        .order_by()
    )
    aggregates = {}
    for name in windows:
        aggregates[f"{name}_held_count"] = Count(f"{name}_first")
        aggregates[f"{name}_appealed_count"] = Count(f"{name}_first", filter=Q(last_appeal__gt=F(f"{name}_first")))
    counts = per_referral.aggregate(**aggregates)

    result = {"year": year}
    for name, (start, end) in windows.items():
        held, appealed = counts[f"{name}_held_count"], counts[f"{name}_appealed_count"]
        result[name] = {
            "start": start,
            "end": end,
            "held": held,
            "appealed": appealed,
            "percent": percent(appealed, held),
            "text": percent_text(appealed, held),
        }
    result["calendar"]["label"] = str(year)
    result["academic"]["label"] = academic_year_label(year)

    if appeals is None:
        appeals = appeal_counts(academic=windows["academic"])
    by_decision: dict[str, int] = {}
    by_outcome: dict[str, int] = {}
    for row in appeals:
        if row.get("registered"):
            by_decision[row["case_decision"]] = by_decision.get(row["case_decision"], 0) + row["registered"]
            by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + row["registered"]
    result["academic"]["appeals_total"] = sum(by_decision.values())
    result["academic"]["appeals_by_decision"] = [
        {"code": value, "label": label, "count": by_decision[value]}
        for value, label in [*Decision.choices, NO_DECISION]
        if by_decision.get(value)
    ]
    result["academic"]["appeals_by_outcome"] = [
        {"code": value, "label": label, "count": by_outcome[value]}
        for value, label in [*TribunalAppeal.Outcome.choices, ("", "No outcome yet")]
        if by_outcome.get(value)
    ]
    return result


# --- Mediators and providers --------------------------------------------------------------------------------


def mediator_workload() -> list[dict]:
    """Active referrals per mediator (status in MEDIATOR_CASELOAD_STATUSES) against Mediator.max_active_cases.
    Over capacity: more active referrals than the maximum. Active mediators, and inactive ones still holding
    referrals. One query."""
    # Each mediator's active referrals counted from the (mediator, status, outcome) index, rather than joining
    # every referral any mediator ever had and grouping them.
    active = (
        Referral.objects.filter(mediator=OuterRef("pk"), status__in=MEDIATOR_CASELOAD_STATUSES)
        .values("mediator")
        .annotate(n=Count("status"))
        .values("n")
    )
    mediators = (
        Mediator.objects.select_related("user", "provider")
        .annotate(active_cases=Coalesce(Subquery(active, output_field=IntegerField()), 0))
        .filter(Q(active=True) | Q(active_cases__gt=0))
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return [
        {
            "name": str(m),
            "provider": m.provider.name,
            "active_cases": m.active_cases,
            "capacity": m.max_active_cases,
            "free": max(m.max_active_cases - m.active_cases, 0),
            "over_by": max(m.active_cases - m.max_active_cases, 0),
            "over_capacity": m.active_cases > m.max_active_cases,
            "active": m.active,
        }
        for m in mediators
    ]


def provider_certificate_counts(*, period: Period, today: date) -> dict[int, dict[str, int]]:
    """Per provider: the certificate clocks (C2, C6, C8) that count towards compliance on the cases of the
    referrals referred to it in the period (declined referrals left out), and how many were met on time. A clock
    counts once for each such referral on its case. One grouped query, driven from the certificate clocks."""
    rows = (
        Deadline.objects.filter(certificate_clock())
        .filter(_counted(today))
        .filter(  # one filter() call: the same referral meets all three conditions
            case__referrals__referred_on__gte=period.start,
            case__referrals__referred_on__lte=period.end,
            case__referrals__status__in=[v for v in Referral.Status.values if v != Referral.Status.DECLINED],
        )
        .values(provider=F("case__referrals__provider"))
        # COUNT(due_on) counts rows (due_on is never empty) from the certificate clocks' own index, which holds
        # the due date but not the id.
        .annotate(total=Count("due_on"), on_time=Count("due_on", filter=_on_time()))
        .order_by()
    )
    return {row["provider"]: {"total": row["total"], "on_time": row["on_time"]} for row in rows}


def provider_performance(*, period: Period, today: date) -> list[dict]:
    """For each provider, the referrals referred to it in the period (referred_on in it):

    - days to first contact: mean days from referred_on to responded_on (referrals with a response);
    - days to mediation: mean days from the C4 start (the earlier of the dates the family and the provider told
      the LA) to the first held session (London date), for referrals with a held session;
    - agreement rate: full or partial agreement / concluded referrals;
    - certificates on time: certificate clocks (C2, C6, C8) on the cases of those referrals (declined referrals
      left out), by the clock compliance rule.
    Means, not medians: a median needs database-specific functions (PostgreSQL percentile_cont) and SQLite has
    none. Two grouped queries: the referrals, and the certificate clocks (provider_certificate_counts).
    """
    # Each referral's first held session is on its own row (Referral.first_held_on, kept by MediationSession.save()).
    clock_start = Least("family_told_la_on", Coalesce("provider_told_la_on", "family_told_la_on"))
    rows = (
        Referral.objects.filter(referred_on__gte=period.start, referred_on__lte=period.end)
        .values("provider", "provider__name")
        .annotate(
            # COUNT(referred_on) counts rows (it is never empty) from the provider index, which holds every
            # column read here but not the id.
            referrals=Count("referred_on"),
            # COUNT and SUM skip NULLs: referrals with no response, or no held session, drop out by themselves.
            # Means are the whole-day sums divided here, exactly.
            responded=Count("responded_on"),
            contact_days=Sum(DaysBetween("responded_on", "referred_on")),
            mediated=Count("first_held_on"),
            mediation_days=Sum(DaysBetween("first_held_on", clock_start)),
            concluded=Count("referred_on", filter=Q(status=Referral.Status.CONCLUDED)),
            agreed=Count("referred_on", filter=Q(status=Referral.Status.CONCLUDED, outcome__in=AGREED_OUTCOMES)),
        )
        .order_by("provider__name")
    )
    certificates = provider_certificate_counts(period=period, today=today)
    none = {"total": 0, "on_time": 0}
    return [
        {
            "provider": row["provider__name"],
            "referrals": row["referrals"],
            "responded": row["responded"],
            "days_to_contact": _mean_days(row["contact_days"], row["responded"]),
            "mediated": row["mediated"],
            "days_to_mediation": _mean_days(row["mediation_days"], row["mediated"]),
            "concluded": row["concluded"],
            "agreed": row["agreed"],
            "agreement_rate": percent(row["agreed"], row["concluded"]),
            "agreement_text": percent_text(row["agreed"], row["concluded"]),
            "certificates_on_time": (c := certificates.get(row["provider"], none))["on_time"],
            "certificates_total": c["total"],
            "certificates_percent": percent(c["on_time"], c["total"]),
            "certificates_text": percent_text(c["on_time"], c["total"]),
        }
        for row in rows
    ]


def management_dashboard(*, today: date, period: Period, year: int, officer=None, officers) -> dict:
    """Everything on the management dashboard (see each function for its definition): 9 queries including the
    officer list the caller loaded."""
    work = workload(officers=officers, today=today)
    referral_counts = concluded_referral_counts(period=period, officer=officer)
    appeals = appeal_counts(academic=academic_window(year), period=period, officer=officer)
    return {
        "today": today,
        "period": period,
        "officer": officer,
        "headline": headline(work, officer),
        "compliance": clock_compliance(period=period, today=today, officer=officer),
        "outcomes": outcome_mix(period=period, counts=referral_counts),
        "sen2": sen2_figures(year=year, appeals=appeals),
        "workload": work,
        "mediators": mediator_workload(),
        "providers": provider_performance(period=period, today=today),
        "decisions": decisions_changed(period=period, referral_counts=referral_counts, appeals=appeals),
    }


# --- Mediator dashboard ------------------------------------------------------------------------------------


def mediator_dashboard(user, *, now: datetime, today: date, calendar, limit: int = LIST_LIMIT) -> dict:
    """The signed-in mediator's own referrals only (assigned to them): counts by stage and by outcome, planned
    sessions from now on, and open certificate clocks (C2, C6, C8) on their referrals' cases. Three queries
    (plus the working-day calendar): lists carry their full count in a window function."""
    mine = referral_list_for(user).filter(mediator__user=user)
    stage_counts: dict[str, int] = {}
    outcome_counts: dict[str, int] = {}
    for row in mine.values("status", "outcome").annotate(n=Count("pk")).order_by():
        stage_counts[row["status"]] = stage_counts.get(row["status"], 0) + row["n"]
        if row["outcome"]:
            outcome_counts[row["outcome"]] = outcome_counts.get(row["outcome"], 0) + row["n"]
    stages = [
        {"status": value, "label": label, "count": stage_counts[value]}
        for value, label in Referral.Status.choices
        if stage_counts.get(value)
    ]
    outcomes = [
        {"outcome": value, "label": label, "count": outcome_counts[value]}
        for value, label in Referral.Outcome.choices
        if outcome_counts.get(value)
    ]
    sessions = list(
        MediationSession.objects.filter(
            referral__in=mine.values("pk"), status=MediationSession.SessionStatus.PLANNED, starts_at__gte=now
        )
        .annotate(total=Window(Count("pk")))
        .select_related("referral__case")
        .order_by("starts_at", "pk")[:limit]
    )
    upcoming = [
        {
            "starts_at": s.starts_at,
            "mode": s.get_mode_display(),
            "venue": s.venue,
            "reference": s.referral.case.reference,
            "referral_url": referral_url(s.referral_id),
        }
        for s in sessions
    ]
    # The open certificate clocks are few (a few hundred across the authority): go through them and keep those
    # on a case one of the mediator's referrals is about (EXISTS), rather than through the clocks of every case
    # the mediator ever had a referral on.
    certs = list(
        Deadline.objects.filter(state=Deadline.State.OPEN, clock__in=CERTIFICATE_CLOCKS)
        .filter(Exists(mine.filter(case_id=OuterRef("case_id"))))
        .annotate(
            total=Window(Count("pk")),
            referral_pk=Subquery(mine.filter(case_id=OuterRef("case_id")).order_by("-pk").values("pk")[:1]),
        )
        .select_related("case")
        .only(*CLOCK_ROW_FIELDS)
        .order_by("due_on", "pk")[:limit]
    )
    # The link is to the certificate form of the mediator's referral on the case (a mediator cannot open the LA's
    # case page).
    cert_rows = [
        {**_clock_dict(row), "url": reverse("referrals:certificate", args=[cert.referral_pk])}
        for cert, row in zip(certs, clock_rows(certs, today=today, calendar=calendar), strict=True)
    ]
    return {
        "stages": stages,
        "referral_total": sum(stage_counts.values()),
        "upcoming": upcoming,
        "upcoming_total": sessions[0].total if sessions else 0,
        "outcomes": outcomes,
        "outcome_total": sum(outcome_counts.values()),
        "certificates": cert_rows,
        "certificates_total": certs[0].total if certs else 0,
        "limit": limit,
    }
