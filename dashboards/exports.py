"""CSV exports (managers only): the current filtered case list, and the SEN2-style mediation figures for a year.

Security (security.md items 6 and 10):
- every cell goes through defusedcsv, and any text cell starting with = + - @ (or a tab or carriage return) is
  prefixed with a quote first, so a spreadsheet never runs it as a formula ("-2" included, which defusedcsv
  alone lets through as a number);
- exports are streamed (StreamingHttpResponse over .values_list().iterator()), so 100,000 rows never sit in
  memory;
- every export writes one django-auditlog LogEntry (action ACCESS) saying who exported what and with which
  filters: that entry is the export's one line in the managers' export history (export_history). A case-list
  export also records, per case, that the case was in it (a CaseEvent of kind EXPORTED, written in batches as
  the rows are streamed), which the DPO's access log for a case reads; those records are not shown on the
  case's timeline (cases.selectors.case_events_for leaves them out). The aggregate SEN2 figures name no case,
  so they go to the audit log only;
- at most EXPORTS_PER_HOUR exports per person per rolling hour, counted from those audit entries and recorded in
  the same step under a lock on the person's row (export_reserve), so parallel requests cannot pass the limit.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from defusedcsv import csv
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cases.filters import SORT, CaseFilter, search_cases
from cases.models import Case, CaseEvent, Decision, Route
from cases.models import Status as CaseStatus
from cases.selectors import case_list_for
from referrals.models import Referral
from sendportal.formats import day_month_year
from sendportal.web import saved_search

EXPORTS_PER_HOUR = 10
"""Bulk exfiltration control (security.md item 10): exports allowed per person in any rolling hour."""

CHUNK_SIZE = 2000
"""Rows fetched from the database, and timeline events written, per batch while streaming."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these could be read as a formula by a spreadsheet (OWASP CSV injection)."""

BOM = "\ufeff"
"""Lets Excel read the file as UTF-8, so names such as Zoë or Siân survive."""

CASE_FIELDS = [
    "pk",
    "reference",
    "child_first_name",
    "child_last_name",
    "route",
    "decision",
    "decision_sent_on",
    "next_deadline_title",
    "next_deadline_on",
    "status",
    "officer__first_name",
    "officer__last_name",
    "officer__username",
    "created_at",
]
CASE_HEADER = [
    "Reference",
    "Child's first name",
    "Child's last name",
    "Route",
    "Decision",
    "Decision description",
    "Decision letter sent",
    "Next deadline",
    "Next deadline date",
    "Status",
    "Officer",
    "Opened",
]
_ROUTES = dict(Route.choices)
_DECISIONS = dict(Decision.choices)
_STATUSES = dict(CaseStatus.choices)


def neutralise(value):
    """A cell a spreadsheet will show as text: formula-like text gets a leading quote; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _Line:
    """A file-like object that hands back what the csv writer writes, so rows can be yielded one by one."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Line())
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_block(rows: Iterable[Iterable]) -> str:
    """Many rows as one string (one write to the network per batch rather than per row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


# --- Rate limit and audit ----------------------------------------------------------------------------------


def _export_entries(user, *, now: datetime) -> QuerySet[LogEntry]:
    return LogEntry.objects.filter(
        actor=user,
        action=LogEntry.Action.ACCESS,
        additional_data__has_key="export",
        timestamp__gt=now - timedelta(hours=1),
    )


def next_export_allowed_at(user, *, now: datetime) -> datetime | None:
    """None when the person may export now; otherwise when their oldest export of the last hour drops out."""
    recent = list(
        _export_entries(user, now=now).order_by("-timestamp").values_list("timestamp", flat=True)[:EXPORTS_PER_HOUR]
    )
    if len(recent) < EXPORTS_PER_HOUR:
        return None
    return recent[-1] + timedelta(hours=1)


@transaction.atomic
def export_reserve(*, user, now: datetime, model, description: str, details: dict, remote_addr: str | None = None):
    """Count the person's exports of the last hour and record this one as one step, under a lock on the person's
    own row, so parallel requests cannot all see room for one more: (entry, None) when allowed, else (None, when
    the next export is allowed)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
    allowed_at = next_export_allowed_at(user, now=now)
    if allowed_at is not None:
        return None, allowed_at
    return log_export(user=user, model=model, description=description, details=details, remote_addr=remote_addr), None


def log_export(*, user, model, description: str, details: dict, remote_addr: str | None = None) -> LogEntry:
    """One audit entry (django-auditlog LogEntry, action ACCESS) for one export. The object is the kind of
    record exported (Case or Referral) since an export covers many; `details` says what was in it."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="export",
        object_repr=description,
        action=LogEntry.Action.ACCESS,
        actor=user,
        actor_email=getattr(user, "email", None) or None,
        changes_text=description,
        additional_data=details,
        remote_addr=remote_addr,
        cid=get_cid(),
    )


def export_history() -> QuerySet[LogEntry]:
    """Every export, one row each, newest first: the managers' export history."""
    return (
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__has_key="export")
        .select_related("actor")
        .only(
            "timestamp", "changes_text", "additional_data", "actor__username", "actor__first_name", "actor__last_name"
        )
        .order_by("-timestamp", "-pk")
    )


# --- The case list export -----------------------------------------------------------------------------------


def case_export_filter(request) -> tuple[CaseFilter, QuerySet[Case], dict]:
    """Exactly the case list's queryset for this request (cases.views.case_list): the same selector, filters,
    saved search (the `s` token, looked up in the session) and sort; every page of it, not one page."""
    token, term = saved_search(request)
    case_filter = CaseFilter(request.GET or None, queryset=case_list_for(request.user), user=request.user)
    sort, ordering = SORT.ordering(request.GET.get("sort"))
    qs = search_cases(case_filter.qs, term).order_by(*ordering)
    # Only the list's own filters and sort are recorded: anything else in the query string is ignored by the
    # export and kept out of the audit entry (it could carry a name).
    known = {*case_filter.form.fields, "sort"}
    filters = {k: v for k, v in request.GET.lists() if k in known}
    return case_filter, qs, {"filters": filters, "sort": sort, "searched": bool(term)}


def _case_row(values: tuple) -> list:
    (
        _pk,
        reference,
        first,
        last,
        route,
        decision,
        sent_on,
        next_title,
        next_on,
        status,
        o_first,
        o_last,
        o_user,
        created_at,
    ) = values
    officer = f"{o_first or ''} {o_last or ''}".strip() or (o_user or "")
    return [
        reference,
        first,
        last,
        _ROUTES.get(route, route),
        decision,
        _DECISIONS.get(decision, ""),
        sent_on.isoformat() if sent_on else "",
        next_title,
        next_on.isoformat() if next_on else "",
        _STATUSES.get(status, status),
        officer,
        timezone.localdate(created_at).isoformat(),
    ]


def case_export_stream(qs: QuerySet[Case], *, actor, log_entry: LogEntry) -> Iterator[str]:
    """The CSV, batch by batch. Each batch's timeline events are written before its rows leave the server, so
    no case is sent without a record on its timeline (a download cut short records only what was sent)."""
    who = actor.display_name
    description = f"Included in a case list export by {who}"
    yield BOM + csv_block([CASE_HEADER])
    batch: list[tuple] = []
    for values in qs.values_list(*CASE_FIELDS).iterator(chunk_size=CHUNK_SIZE):
        batch.append(values)
        if len(batch) >= CHUNK_SIZE:
            yield _flush(batch, actor=actor, description=description, log_entry=log_entry)
            batch = []
    if batch:
        yield _flush(batch, actor=actor, description=description, log_entry=log_entry)


def _flush(batch: list[tuple], *, actor, description: str, log_entry: LogEntry) -> str:
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case_id=values[0],
                actor=actor,
                kind=CaseEvent.Kind.EXPORTED,
                description=description,
                data={"audit_entry": log_entry.pk},
                created_at=now,
            )
            for values in batch
        ],
        batch_size=CHUNK_SIZE,
    )
    return csv_block(_case_row(values) for values in batch)


# --- SEN2-style mediation figures ---------------------------------------------------------------------------


def sen2_rows(figures: dict) -> list[list]:
    """The SEN2 mediation measures for the calendar year, the same for the academic year, and the Tribunal
    appeals registered in the academic year by decision type and by outcome."""
    cal, acad = figures["calendar"], figures["academic"]
    rows = [["Section", "Measure", "Description", "Value"]]
    for label, block in ((f"Calendar year {cal['label']}", cal), (f"Academic year {acad['label']}", acad)):
        period = f"{day_month_year(block['start'])} to {day_month_year(block['end'])}"
        rows += [
            [label, "4862", f"Mediation cases held ({period})", block["held"]],
            [label, "4863", "Of those, followed by an appeal to the Tribunal", block["appealed"]],
            [
                label,
                "4864",
                "Percentage followed by an appeal (4863 / 4862 x 100)",
                "" if block["percent"] is None else f"{block['percent']}",
            ],
            [label, "", "As text", block["text"]],
        ]
    section = f"Tribunal appeals registered in academic year {acad['label']}"
    rows.append([section, "", "All appeals registered", acad["appeals_total"]])
    for row in acad["appeals_by_decision"]:
        rows.append([section, row["code"], f"Decision type: {row['label']}", row["count"]])
    for row in acad["appeals_by_outcome"]:
        rows.append([section, row["code"], f"Outcome: {row['label']}", row["count"]])
    return rows


def sen2_stream(rows: list[list]) -> Iterator[str]:
    yield BOM
    yield from csv_lines(rows)


SEN2_MODEL = Referral
