"""Indexes for the case search by a child's first or last name (a case-insensitive prefix: "smi" finds Smith).

Django's istartswith is `UPPER(col::text) LIKE UPPER('Smi%')` on PostgreSQL and `col LIKE 'Smi%' ESCAPE '\\'`
on SQLite (case-insensitive there). Neither can use a plain index, so every search read every case. PostgreSQL
gets expression indexes with text_pattern_ops (which serve LIKE prefixes in any collation); SQLite gets
NOCASE indexes (its LIKE optimisation). Vendor-specific, so they live here rather than in Case.Meta.indexes.
"""

from django.db import migrations

NAMES = ("child_first_name", "child_last_name")


def _sql(vendor: str, create: bool) -> list[str]:
    statements = []
    for column in NAMES:
        index = f"cases_case_{column}_search_idx"
        if not create:
            statements.append(f"DROP INDEX IF EXISTS {index}")
        elif vendor == "postgresql":
            statements.append(f"CREATE INDEX {index} ON cases_case ((UPPER({column}::text)) text_pattern_ops)")
        elif vendor == "sqlite":
            statements.append(f"CREATE INDEX {index} ON cases_case ({column} COLLATE NOCASE)")
    return statements


def create(apps, schema_editor):
    for statement in _sql(schema_editor.connection.vendor, create=True):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in _sql(schema_editor.connection.vendor, create=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_open_case_partial_indexes")]

    operations = [migrations.RunPython(create, drop)]
