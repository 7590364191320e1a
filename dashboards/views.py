"""Dashboard pages and exports. Read-only: each view authorises, reads through a selector and renders; the only
writes are the audit records of an export."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from cases import clock_services
from cases.models import Case
from cases.models import Status as CaseStatus
from cases.selectors import officers_qs

from . import exports, figures, mediator_work, selectors
from .charts import Bar, bar_chart, column_chart
from .forms import PeriodForm, YearForm

logger = logging.getLogger("sendportal.exports")


# --- Text summaries (shown on the page and used as each chart's description) -------------------------------


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _sentence_case(label: str) -> str:
    """A label inside a sentence: lower-case its first word, keep abbreviations ("an EHC needs assessment")."""
    words = label.split(" ")
    if words and not words[0].isupper():
        words[0] = words[0].lower()
    return " ".join(words)


def _listing(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _counts_summary(what: tuple[str, str], rows: list[dict], total: int, *, none: str) -> str:
    """A chart's summary: "4 open cases. Intake: 1; Triaged: 1; Mediation: 2." (`what`: one, several)."""
    if not total:
        return none
    parts = [f"{row['label']}: {row['count']:,}" for row in rows if row["count"]]
    return f"{total:,} {what[0] if total == 1 else what[1]}. {'; '.join(parts)}."


def _counts_chart(chart_id: str, title: str, summary: str, rows: list[dict]):
    """A bar for each counted row (its label and count), the chart beside a _counts_summary."""
    return bar_chart(
        chart_id=chart_id, title=title, summary=summary, bars=[Bar(row["label"], row["count"]) for row in rows]
    )


def _compliance_summary(groups: list[dict]) -> str:
    parts = [
        f"{g['label']}: {g['percent']}% on time ({g['on_time']:,} of {g['total']:,})"
        if g["total"]
        else f"{g['label']}: no clocks due"
        for g in groups
    ]
    return ". ".join(parts) + "."


def _trend_summary(group: dict) -> str:
    months = [m for m in group["trend"] if m["total"]]
    if not months:
        return f"{group['label']}: no clocks were due in any month of the period."
    best = max(months, key=lambda m: (m["percent"], m["month"]))
    worst = min(months, key=lambda m: (m["percent"], m["month"]))
    latest = months[-1]
    return (
        f"{group['label']}, by month due: {len(months)} of {len(group['trend'])} months had clocks due. "
        f"Best {best['month']:%B %Y} at {best['percent']}%, worst {worst['month']:%B %Y} at {worst['percent']}%, "
        f"latest {latest['month']:%B %Y} at {latest['percent']}% ({latest['on_time']} of {latest['total']})."
    )


def _workload_summary(work: dict) -> str:
    people = work["officers"]
    totals = work["totals"]
    cases = totals["open_cases"]
    text = f"{cases:,} open {_plural(cases, 'case')}, {work['unassigned']['open_cases']:,} of them unassigned"
    if people and people[0]["open_cases"]:
        most = people[0]
        overdue = f"{most['overdue']:,} {_plural(most['overdue'], 'clock')} overdue"
        text += f"; most held by {most['name']} ({most['open_cases']:,}, {overdue})"
    return text + "."


def _mediator_summary(mediators: list[dict]) -> str:
    over = [m for m in mediators if m["over_capacity"]]
    if not mediators:
        return "No mediators are set up."
    if not over:
        if len(mediators) == 1:
            return "The one mediator is not over capacity."
        return f"None of the {len(mediators)} mediators is over capacity."
    names = _listing([f"{m['name']} ({m['active_cases']} of {m['capacity']})" for m in over])
    if len(mediators) == 1:
        return f"The one mediator is over capacity: {names}."
    return f"{len(over)} of {len(mediators)} mediators over capacity: {names}."


def _decisions_summary(decisions: dict) -> str:
    if not decisions["total"]:
        return "No decisions were changed at mediation or tribunal in the period."
    top = max(decisions["rows"], key=lambda r: r["total"])
    return (
        f"{decisions['total']:,} {_plural(decisions['total'], 'decision')} changed: "
        f"{decisions['at_mediation']:,} at mediation and "
        f"{decisions['at_tribunal']:,} at tribunal. Most often {_sentence_case(top['label'])} ({top['total']:,})."
    )


# --- Pages ---------------------------------------------------------------------------------------------------


# My work is a summary of what to do next: the first clocks of each group and of the queue, each with its full
# count; every clock group is one link away on the Deadlines page (?group=<key>) and the queue on the case list.
MY_WORK_LIMIT = 10


@permission_required("cases.view_case", raise_exception=True)
def my_work(request):
    today = timezone.localdate()
    calendar = clock_services.working_calendar()
    data = selectors.my_work(request.user, today=today, calendar=calendar, limit=MY_WORK_LIMIT)
    stage_summary = _counts_summary(
        ("open case", "open cases"), data["stages"], data["open_cases"], none="You have no open cases."
    )
    stage_chart = (
        _counts_chart("my-stages", "My open cases by stage", stage_summary, data["stages"]) if data["stages"] else None
    )
    return render(
        request,
        "dashboards/my_work.html",
        {"data": data, "stage_summary": stage_summary, "stage_chart": stage_chart, "working_calendar": calendar},
    )


def _key(value) -> str:
    return repr(sorted(value.items())) if isinstance(value, dict) else repr(value)


@permission_required("cases.view_team_work", raise_exception=True)
def management(request):
    today = timezone.localdate()
    officers = list(officers_qs())
    form = PeriodForm(request.GET or None, today=today, officers=officers)
    context = {"form": form, "today": today}
    if not form.is_bound or form.is_valid():
        choices = form.choices()
        # Management figures aggregate every case: they are worked out at most every few minutes for each choice
        # and shared by every app server (dashboards.figures). The page says when they were worked out.
        data, worked_out_at = figures.figures_for(
            choice=("management", _key(choices)),
            signature=(today, sorted(o.pk for o in officers)),
            compute=lambda: selectors.management_dashboard(today=today, officers=officers, **choices),
        )
        context.update(
            data=data,
            worked_out_at=worked_out_at,
            cache_minutes=int(figures.fresh_for().total_seconds()) // 60,
            **_management_charts(data),
        )
    return render(request, "dashboards/management.html", context)


def _trend_charts(groups: list[dict]) -> list[dict]:
    """Each clock's percentage on time by month, with its summary in words."""
    trends = []
    for group in groups:
        summary = _trend_summary(group)
        trends.append(
            {
                "group": group,
                "summary": summary,
                "chart": column_chart(
                    chart_id=f"trend-{group['key']}",
                    title=f"{group['label']}: percentage on time by month",
                    summary=summary,
                    columns=[(f"{m['month']:%b %y}", m["percent"]) for m in group["trend"]],
                ),
            }
        )
    return trends


def _compliance_chart(groups: list[dict], summary: str):
    return bar_chart(
        chart_id="compliance",
        title="Clock compliance in the period: percentage on time",
        summary=summary,
        max_value=100,
        bars=[
            Bar(g["short"], g["percent"] or 0, f"{g['percent']}%" if g["total"] else "no clocks due") for g in groups
        ],
    )


def _management_charts(data: dict) -> dict:
    groups = data["compliance"]
    compliance_summary = _compliance_summary(groups)
    outcomes = data["outcomes"]
    outcome_summary = _counts_summary(
        ("referral concluded", "referrals concluded"),
        outcomes["rows"],
        outcomes["total"],
        none="No referrals were concluded in the period.",
    )
    work = data["workload"]
    workload_summary = _workload_summary(work)
    mediator_summary = _mediator_summary(data["mediators"])
    decisions_summary = _decisions_summary(data["decisions"])
    return {
        "compliance_summary": compliance_summary,
        "compliance_chart": _compliance_chart(groups, compliance_summary),
        "trends": _trend_charts(groups),
        "outcome_summary": outcome_summary,
        "outcome_chart": _counts_chart(
            "outcomes", "Outcomes of referrals concluded in the period", outcome_summary, outcomes["rows"]
        ),
        "workload_summary": workload_summary,
        # The workload figures link to the lists they count: open cases (every status but closed) on the case
        # list, clocks on the Deadlines page.
        "open_statuses_query": urlencode([("status", v) for v, _ in CaseStatus.choices if v != CaseStatus.CLOSED]),
        "workload_chart": bar_chart(
            chart_id="workload",
            title="Open cases per officer",
            summary=workload_summary,
            bars=[
                *[Bar(p["name"], p["open_cases"]) for p in work["officers"]],
                Bar("Unassigned", work["unassigned"]["open_cases"], css_class="bar-muted"),
            ],
        ),
        "mediator_summary": mediator_summary,
        "mediator_chart": bar_chart(
            chart_id="mediators",
            title="Active referrals per mediator against capacity",
            summary=mediator_summary,
            bars=[
                Bar(
                    m["name"],
                    m["active_cases"],
                    f"{m['active_cases']} of {m['capacity']}" + (" (over capacity)" if m["over_capacity"] else ""),
                    css_class="bar-alt" if m["over_capacity"] else "bar",
                )
                for m in data["mediators"]
            ],
        )
        if data["mediators"]
        else None,
        "decisions_summary": decisions_summary,
        "decisions_chart": bar_chart(
            chart_id="decisions",
            title="Decisions changed at mediation or tribunal, by decision type",
            summary=decisions_summary,
            bars=[Bar(row["code"], row["total"]) for row in data["decisions"]["rows"]],
        )
        if data["decisions"]["rows"]
        else None,
    }


@permission_required("referrals.act_as_mediator", raise_exception=True)
def mediator(request):
    data = selectors.mediator_dashboard(
        request.user, now=timezone.now(), today=timezone.localdate(), calendar=clock_services.working_calendar()
    )
    stage_summary = _counts_summary(
        ("referral", "referrals"), data["stages"], data["referral_total"], none="No referrals are assigned to you."
    )
    outcome_summary = _counts_summary(
        ("referral with an outcome", "referrals with an outcome"),
        data["outcomes"],
        data["outcome_total"],
        none="None of your referrals has an outcome yet.",
    )
    return render(
        request,
        "dashboards/mediator.html",
        {
            "data": data,
            "work": mediator_work.mediator_work(request.user, now=timezone.now()),
            "stage_summary": stage_summary,
            "stage_chart": _counts_chart("mediator-stages", "My referrals by stage", stage_summary, data["stages"])
            if data["stages"]
            else None,
            "outcome_summary": outcome_summary,
            "outcome_chart": _counts_chart(
                "mediator-outcomes", "Outcomes of my referrals", outcome_summary, data["outcomes"]
            )
            if data["outcomes"]
            else None,
        },
    )


# --- Exports -------------------------------------------------------------------------------------------------


def _reserve_or_refuse(request, *, what: str, model, description: str, details: dict):
    """(audit entry, None) for an allowed export, recorded under the person's lock; or (None, a 429 with a clear
    message) once the person has made EXPORTS_PER_HOUR exports in the last hour."""
    now = timezone.now()
    entry, allowed_at = exports.export_reserve(
        user=request.user,
        now=now,
        model=model,
        description=description,
        details=details,
        remote_addr=_remote_addr(request),
    )
    if entry is not None:
        return entry, None
    logger.warning("export refused: rate limit reached user=%s export=%s", request.user.pk, what)
    response = render(
        request,
        "dashboards/export_refused.html",
        {
            "title": "Too many exports",
            "message": (
                f"You have made {exports.EXPORTS_PER_HOUR} exports in the last hour, the most allowed. You can export "
                f"again from {timezone.localtime(allowed_at):%H:%M}."
            ),
        },
        status=429,
    )
    response["Retry-After"] = str(max(int((allowed_at - now).total_seconds()), 1))
    return None, response


def _remote_addr(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@permission_required("cases.export_cases", raise_exception=True)
def export_cases(request):
    """The current filtered case list (the same query string as /cases/) as CSV."""
    case_filter, qs, details = exports.case_export_filter(request)
    if case_filter.form.errors:
        return render(
            request,
            "dashboards/export_refused.html",
            {
                "title": "Error: the case list filters have a problem",
                "message": "Nothing was exported. Go back to the case list and fix the filters first.",
                "errors": case_filter.form.errors,
            },
            status=400,
        )
    count = qs.count()
    entry, refused = _reserve_or_refuse(
        request,
        what="cases",
        model=Case,
        description=f"Case list export: {count:,} cases",
        details={"export": "cases", "rows": count, **details},
    )
    if refused:
        return refused
    response = StreamingHttpResponse(
        exports.case_export_stream(qs, actor=request.user, log_entry=entry), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="cases-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@permission_required("cases.export_cases", raise_exception=True)
def export_sen2(request):
    """SEN2-style mediation figures for ?year=YYYY (calendar year, plus the academic year ending in it)."""
    today = timezone.localdate()
    form = YearForm(request.GET or None, today=today)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "dashboards/export_refused.html",
            {
                "title": "Error: choose a year",
                "message": "Nothing was exported.",
                "errors": form.errors,
            },
            status=400,
        )
    year = form.cleaned_data["year"] if form.is_bound else today.year
    _entry, refused = _reserve_or_refuse(
        request,
        what="sen2",
        model=exports.SEN2_MODEL,
        description=f"SEN2 mediation figures export: {year}",
        details={"export": "sen2", "year": year},
    )
    if refused:
        return refused
    figures = selectors.sen2_figures(year=year)
    response = StreamingHttpResponse(
        exports.sen2_stream(exports.sen2_rows(figures)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sen2-mediation-{year}.csv"'
    return response
