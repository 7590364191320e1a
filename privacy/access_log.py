"""The access log the DPO reads: who viewed, changed or exported a case, and what one member of staff viewed.

Built on what the portal already records:
- django-auditlog LogEntry rows: ACCESS entries for every view of a case page, referral page or certificate
  download (cases.views, referrals.views), create/update/delete entries for every registered model, and one
  entry per export (dashboards.exports.log_export; a subject-access export adds one on each case);
- the case timeline's "exported" entries (CaseEvent kind EXPORTED), which is where a case-list export says which
  cases it held (its audit entry names only the filters).

A case's log is the union of the two, newest first, read a page at a time in the database: the page costs the
same queries however long the log grows (a count for each source, then one page of the union). A person's log is
their audit entries alone (their case-list exports are single entries there, with the number of cases).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    BigIntegerField,
    F,
    GenericIPAddressField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.utils import timezone

from cases.models import Case, CaseEvent

from .anonymisation import CASE_ROWS

A = LogEntry.Action
EXPORT_KEYS = ("export", "subject_access_export")
TIMELINE_EXPORT = 9
"""The action code a timeline 'exported' entry takes in the union (auditlog's own codes are 0-3)."""

COLUMNS = (
    "w_when",
    "w_id",
    "w_source",
    "w_actor",
    "w_first",
    "w_last",
    "w_username",
    "w_action",
    "w_type",
    "w_object",
    "w_case",
    "w_repr",
    "w_changes",
    "w_extra",
    "w_addr",
)


class What:
    """The log's "what happened" filter."""

    ALL = ""
    VIEWED = "viewed"
    CHANGED = "changed"
    EXPORTED = "exported"

    choices = [
        (ALL, "Everything"),
        (VIEWED, "Viewed"),
        (CHANGED, "Created, changed or deleted"),
        (EXPORTED, "Exported"),
    ]


@dataclass(frozen=True)
class AccessRow:
    when: datetime
    who: str
    username: str
    action: str
    what: str
    case_id: int | None
    case_reference: str
    detail: str
    address: str


# --- Which records -------------------------------------------------------------------------------------------


def _exported() -> Q:
    keys = Q(additional_data__has_key=EXPORT_KEYS[0]) | Q(additional_data__has_key=EXPORT_KEYS[1])
    return Q(action=A.ACCESS) & keys


def _audit_filter(what: str) -> Q:
    if what == What.VIEWED:
        return Q(action=A.ACCESS) & ~_exported()
    if what == What.CHANGED:
        return Q(action__in=[A.CREATE, A.UPDATE, A.DELETE])
    if what == What.EXPORTED:
        return _exported()
    return Q()


def _period(field: str, date_from: date | None, date_to: date | None) -> Q:
    """Both ends included, days in London time."""
    tz = timezone.get_current_timezone()
    q = Q()
    if date_from:
        q &= Q(**{f"{field}__gte": datetime.combine(date_from, time.min, tzinfo=tz)})
    if date_to:
        q &= Q(**{f"{field}__lt": datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)})
    return q


def case_records(case: Case) -> Q:
    """The audit entries about a case and the rows that belong to it (anonymisation.CASE_ROWS)."""
    q = Q()
    for model, path in CASE_ROWS.items():
        content_type = ContentType.objects.get_for_model(model)
        if not path:
            q |= Q(content_type=content_type, object_id=case.pk)
        else:
            q |= Q(content_type=content_type, object_id__in=model.objects.filter(**{path: case}).values("pk"))
    return q


def _case_of_entry():
    """The id of the case an audit entry is about (its own id for a case; looked up for a row of a case)."""
    branches = []
    for model, path in CASE_ROWS.items():
        content_type_id = ContentType.objects.get_for_model(model).pk
        if not path:
            branches.append(When(content_type_id=content_type_id, then=F("object_id")))
        else:
            found = model.objects.filter(pk=OuterRef("object_id")).values(f"{path}_id")[:1]
            branches.append(When(content_type_id=content_type_id, then=Subquery(found)))
    return CaseWhen(*branches, default=Value(None), output_field=BigIntegerField())


def _audit_columns(qs: QuerySet[LogEntry], *, case_id: int | None = None) -> QuerySet:
    return qs.annotate(
        w_when=F("timestamp"),
        w_id=F("pk"),
        w_source=Value("audit"),
        w_actor=F("actor_id"),
        w_first=F("actor__first_name"),
        w_last=F("actor__last_name"),
        w_username=F("actor__username"),
        w_action=F("action"),
        w_type=F("content_type_id"),
        w_object=F("object_id"),
        w_case=Value(case_id, output_field=BigIntegerField()) if case_id else _case_of_entry(),
        w_repr=F("object_repr"),
        w_changes=F("changes"),
        w_extra=F("additional_data"),
        w_addr=F("remote_addr"),
    ).values(*COLUMNS)


def _timeline_columns(qs: QuerySet[CaseEvent]) -> QuerySet:
    case_type = ContentType.objects.get_for_model(Case).pk
    return qs.annotate(
        w_when=F("created_at"),
        w_id=F("pk"),
        w_source=Value("timeline"),
        w_actor=F("actor_id"),
        w_first=F("actor__first_name"),
        w_last=F("actor__last_name"),
        w_username=F("actor__username"),
        w_action=Value(TIMELINE_EXPORT, output_field=IntegerField()),
        w_type=Value(case_type, output_field=IntegerField()),
        w_object=F("case_id"),
        w_case=F("case_id"),
        w_repr=F("description"),
        w_changes=F("data"),
        w_extra=F("data"),
        w_addr=Value(None, output_field=GenericIPAddressField()),
    ).values(*COLUMNS)


class CaseLog:
    """One case's log, filtered: counted from each source, read a page at a time from their union (Paginator
    calls count() and slices)."""

    def __init__(self, case: Case, *, date_from=None, date_to=None, what: str = What.ALL):
        self.case = case
        audit = LogEntry.objects.filter(case_records(case)).filter(_period("timestamp", date_from, date_to))
        self.audit = audit.filter(_audit_filter(what))
        timeline = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.EXPORTED).filter(
            _period("created_at", date_from, date_to)
        )
        self.timeline = timeline if what in (What.ALL, What.EXPORTED) else timeline.none()
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.audit.count() + self.timeline.count()
        return self._count

    def __len__(self):
        return self.count()

    def union(self) -> QuerySet:
        audit = _audit_columns(self.audit.order_by(), case_id=self.case.pk)
        timeline = _timeline_columns(self.timeline.order_by())
        return audit.union(timeline, all=True).order_by("-w_when", "-w_source", "-w_id")

    def __getitem__(self, index):
        rows = list(self.union()[index])
        return to_rows(rows, references={self.case.pk: self.case.reference})

    def iterate(self, chunk: int = 2000) -> Iterator[list[AccessRow]]:
        batch = []
        for row in self.union().iterator(chunk_size=chunk):
            batch.append(row)
            if len(batch) >= chunk:
                yield to_rows(batch, references={self.case.pk: self.case.reference})
                batch = []
        if batch:
            yield to_rows(batch, references={self.case.pk: self.case.reference})


class PersonLog:
    """What one member of staff viewed, changed and exported (their audit entries), newest first."""

    def __init__(self, person, *, date_from=None, date_to=None, what: str = What.ALL):
        self.person = person
        self.entries = (
            LogEntry.objects.filter(actor=person)
            .filter(_period("timestamp", date_from, date_to))
            .filter(_audit_filter(what))
        )
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.entries.count()
        return self._count

    def __len__(self):
        return self.count()

    def ordered(self) -> QuerySet:
        return _audit_columns(self.entries).order_by("-w_when", "-w_id")

    def __getitem__(self, index):
        return to_rows(list(self.ordered()[index]))

    def iterate(self, chunk: int = 2000) -> Iterator[list[AccessRow]]:
        batch = []
        for row in self.ordered().iterator(chunk_size=chunk):
            batch.append(row)
            if len(batch) >= chunk:
                yield to_rows(batch)
                batch = []
        if batch:
            yield to_rows(batch)


def case_log_all(case: Case) -> list[AccessRow]:
    """Every entry of a case's log (the subject-access export's access record)."""
    return [row for batch in CaseLog(case).iterate() for row in batch]


# --- Rows as people read them ---------------------------------------------------------------------------------


def _field_label(model, name: str) -> str:
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


_CHANGE_VERBS = {A.CREATE: "Created", A.UPDATE: "Changed", A.DELETE: "Deleted"}


def _describe_access(row: dict, extra) -> tuple[str, str]:
    """(action, detail) for an ACCESS entry: an export (a subject-access one says its purpose) or a view."""
    if not isinstance(extra, dict):
        return "Viewed", ""
    if "subject_access_export" in extra:
        purpose = str(extra.get("purpose", "")).replace("_", " ")
        reference = extra.get("request_reference") or ""
        return "Exported", f"Subject-access export ({purpose})" + (f", request {reference}" if reference else "")
    if "export" in extra:
        return "Exported", row["w_repr"]
    view = extra.get("view")
    return "Viewed", f"Shown on a data protection page ({view})" if view else ""


def _describe_change(row: dict, model) -> tuple[str, str]:
    """(action, detail) for a create, update or delete entry: an update names the fields it changed."""
    action = row["w_action"]
    verb = _CHANGE_VERBS.get(action, "Changed")
    changes = row["w_changes"] or {}
    if action != A.UPDATE or not isinstance(changes, dict):
        return verb, ""
    fields = [_field_label(model, name) for name in changes]
    return verb, ("Fields: " + ", ".join(fields)) if fields else ""


def _describe(row: dict, model) -> tuple[str, str]:
    """(action, detail) for one union row."""
    if row["w_source"] == "timeline":
        return "Exported", row["w_repr"]
    if row["w_action"] == A.ACCESS:
        return _describe_access(row, row["w_extra"] or {})
    return _describe_change(row, model)


def _model_of(row: dict):
    content_type = ContentType.objects.get_for_id(row["w_type"]) if row["w_type"] else None
    return content_type.model_class() if content_type else None


def _what(row: dict, model, action: str) -> str:
    """The record an entry is about: the case, a row of it (its kind and id), or an export of a case list."""
    if row["w_object"] is None and action == "Exported" and row["w_source"] == "audit" and not row["w_case"]:
        return "Export"
    if model is Case or row["w_source"] == "timeline":
        return "Case"
    if model is not None:
        return f"{str(model._meta.verbose_name).capitalize()} {row['w_object'] or ''}".strip()
    return row["w_repr"]


def _who(row: dict) -> str:
    who = f"{row['w_first'] or ''} {row['w_last'] or ''}".strip() or (row["w_username"] or "")
    return who or "The portal itself"


def to_rows(rows: list[dict], *, references: dict[int, str] | None = None) -> list[AccessRow]:
    """Union rows as AccessRows; case references for rows about other cases are read in one query."""
    references = dict(references or {})
    wanted = {row["w_case"] for row in rows if row["w_case"] and row["w_case"] not in references}
    if wanted:
        references.update(Case.objects.filter(pk__in=wanted).values_list("pk", "reference"))
    result = []
    for row in rows:
        model = _model_of(row)
        action, detail = _describe(row, model)
        result.append(
            AccessRow(
                when=row["w_when"],
                who=_who(row),
                username=row["w_username"] or "",
                action=action,
                what=_what(row, model, action),
                case_id=row["w_case"],
                case_reference=references.get(row["w_case"], ""),
                detail=detail,
                address=row["w_addr"] or "",
            )
        )
    return result


CSV_HEADER = ["When (London time)", "Who", "Username", "Action", "What", "Case", "Details", "From address"]


def csv_row(row: AccessRow) -> list:
    return [
        timezone.localtime(row.when).strftime("%Y-%m-%d %H:%M:%S"),
        row.who,
        row.username,
        row.action,
        row.what,
        row.case_reference,
        row.detail,
        row.address,
    ]
