"""The management dashboard: workload per officer and the headline numbers, clock compliance, and the page as
a whole (management_dashboard)."""

from __future__ import annotations

from datetime import date

from django.db.models import CharField, Count, F, Q, Value

from cases.models import Case, Deadline
from cases.models import Status as CaseStatus
from cases.selectors import this_week

from .common import CLOCK_GROUPS, Period, counted_clocks, met_on_time, percent, percent_text, person_name
from .outcomes import appeal_counts, concluded_referral_counts, decisions_changed, outcome_mix
from .providers import mediator_workload, provider_performance
from .sen2 import academic_window, sen2_figures

# --- Management dashboard: workload and the headline numbers ------------------------------------------------


def workload(*, officers, today: date) -> dict:
    """Per officer: open cases (status not closed) and the open clocks on them that are overdue (due before
    today) or due this week (due today or in the next 7 days). Every officer who can hold cases is listed, even
    with none, plus anyone else still holding open cases; unassigned cases are a row of their own. The totals
    are the headline numbers. One query; `officers` is the list the period form already loaded."""
    _, week_end = this_week(today)
    names = ("officer__first_name", "officer__last_name", "officer__username")
    # Two grouped counts in one query (UNION ALL), each from its own index, rather than every open case joined to
    # its clocks: open cases per officer (cases_case_open_officer_idx), and the open clocks due by the end of the
    # week from the partial index of the LA's open clocks (the family's windows, C1 and C9, are never the LA's
    # overdue work: decision 12), each counted for its case's officer unless the case is closed.
    cases = (
        Case.objects.open()
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

    people = [{"pk": u.pk, "name": u.display_name, **figures(found.get(u.pk))} for u in officers]
    listed = {u.pk for u in officers}
    people += [
        {
            "pk": pk,
            "name": person_name(row["officer__first_name"], row["officer__last_name"], row["officer__username"]),
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
        counted_clocks(today)
    )
    if officer is not None:
        qs = qs.filter(case__officer=officer)
    # Counted by clock and due date, in the order of the (clock, due_on, state, met_on) index, so the database
    # reads the index alone and needs no sort; the few thousand (clock, day) rows are folded into groups and
    # months here. (COUNT(due_on) counts rows: due_on is never empty, and unlike the id it is in the index.)
    rows = (
        qs.values("clock", "due_on")
        .annotate(total=Count("due_on"), on_time=Count("due_on", filter=met_on_time()))
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


# --- The page as a whole ---------------------------------------------------------------------------------


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
