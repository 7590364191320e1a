"""Writing rows in bulk: RowWriter (one executemany, or COPY, per batch), primary keys handed out in advance, and
reading rows back without the ORM's converters."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime

from django.conf import settings
from django.db import connection


class RowWriter:
    """INSERTs rows of one model with a single executemany per batch (on PostgreSQL, a COPY).

    At 100,000 cases the ORM's bulk_create spends most of its time building model instances and compiling
    one huge INSERT; writing column values straight through the cursor is several times faster. Values are
    adapted per column the way the ORM adapts them for the connected database (dates, datetimes, JSON), and
    every column the caller leaves out gets the field's default, so a field added later still gets a value.
    Model signals are not sent (as with bulk_create)."""

    def __init__(self, model, *, now: datetime, include_pk: bool = False) -> None:
        ops = connection.ops
        fields = [f for f in model._meta.concrete_fields if include_pk or not f.primary_key]
        self.names = [f.attname for f in fields]
        defaults = [_default(f, now) for f in fields]
        by_kind = {
            "DateField": ops.adapt_datefield_value,
            "DateTimeField": _datetime_adapter(),
            "TimeField": ops.adapt_timefield_value,
        }
        self.adapters = [_adapter(f, by_kind) for f in fields]
        # Defaults are adapted once, here, not once per row.
        self.defaults = [
            value if adapt is None or value is None else adapt(value)
            for value, adapt in zip(defaults, self.adapters, strict=True)
        ]
        columns = ", ".join(ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
        # PostgreSQL: COPY, several times faster than one INSERT per row (psycopg 3 dumps the same values).
        self.copy_sql = ""
        if connection.vendor == "postgresql":
            self.copy_sql = f"COPY {ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"

    def insert(self, rows: Sequence[dict]) -> None:
        # Column by column: one list comprehension per column is much faster than a Python loop per value.
        missing = object()
        columns = []
        for name, adapt, default in zip(self.names, self.adapters, self.defaults, strict=True):
            values = [row.get(name, missing) for row in rows]
            if adapt is None:
                columns.append([default if value is missing else value for value in values])
            else:
                columns.append(
                    [default if value is missing else None if value is None else adapt(value) for value in values]
                )
        with connection.cursor() as cursor:
            if self.copy_sql:
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for values in zip(*columns, strict=True):
                        copy.write_row(values)
            else:
                cursor.executemany(self.sql, list(zip(*columns, strict=True)))


# Column types whose values the cursor takes as they are.
UNADAPTED = {
    "CharField",
    "TextField",
    "EmailField",
    "BooleanField",
    "ForeignKey",
    "OneToOneField",
    "IntegerField",
    "BigIntegerField",
    "BigAutoField",
    "AutoField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
}


def _default(field, now: datetime):
    """The value a column left out gets: now for auto_now(_add) fields, else the field's default."""
    return now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default()


def _adapter(field, by_kind: dict):
    """How a column's values are adapted for the connected database (None: as they are)."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "JSONField":
        return lambda value, encoder=field.encoder: ops.adapt_json_value(value, encoder)
    if kind in by_kind:
        return by_kind[kind]
    if kind in UNADAPTED:
        return None
    return lambda value, field=field: field.get_db_prep_save(value, connection)


def _datetime_adapter():
    """The connection's adapter for aware datetimes. On SQLite the same conversion as the ORM's (to the
    connection's time zone, naive, as text) without its per-value checks, which at a million rows add up."""
    ops = connection.ops
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return ops.adapt_datetimefield_value
    zone = connection.timezone

    def adapt(value):
        if value.tzinfo is None:
            return ops.adapt_datetimefield_value(value)
        return str(value.astimezone(zone).replace(tzinfo=None))

    return adapt


class IdAllocator:
    """Primary keys handed out before the rows are written, so child rows can point at their parents and
    clock keys can carry ids ("C7:<session id>"). PostgreSQL: from the table's own sequence, a block at a
    time. SQLite: after the highest id ever used (the seed holds the database's write lock)."""

    def __init__(self, model, block: int = 5000) -> None:
        self.table = model._meta.db_table
        self.column = model._meta.pk.column
        self.block = block
        self.pool: list[int] = []
        self.last = 0
        self.from_sequence = connection.vendor == "postgresql"
        if not self.from_sequence:
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX({quote(self.column)}) FROM {quote(self.table)}")
                self.last = cursor.fetchone()[0] or 0
                if connection.vendor == "sqlite":
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
                    row = cursor.fetchone()
                    self.last = max(self.last, row[0] if row else 0)

    def next(self) -> int:
        if not self.from_sequence:
            self.last += 1
            return self.last
        if not self.pool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.table, self.column, self.block],
                )
                self.pool = sorted((row[0] for row in cursor.fetchall()), reverse=True)
        return self.pool.pop()


def raw_rows(queryset) -> list[tuple]:
    """The rows of a values_list() queryset as the database driver returns them. The ORM's per-value
    converters are skipped (they cost more than the rest of loading put together): as_date and friends
    below convert what each backend returns (SQLite: text and integers; PostgreSQL: Python values)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_date(value) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(value)


def as_datetime(value, zone=UTC) -> datetime:
    """An aware datetime; SQLite returns text, naive in the connection's time zone (UTC unless configured)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return datetime.fromisoformat(value).replace(tzinfo=zone)


def as_json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


CASE_CONVERTERS = {
    "decision_sent_on": as_date, "first_contact_on": as_date, "closed_on": as_date,
    "child_date_of_birth": as_date, "sections_disputed": as_json,
    "health_involved": bool, "social_care_involved": bool, "interpreter_needed": bool, "sendiass_involved": bool,
}  # fmt: skip
