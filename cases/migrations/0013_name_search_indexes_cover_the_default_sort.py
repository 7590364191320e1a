"""SQLite: the child-name search indexes (0011) also hold created_at, the case list's default sort.

A search for a common surname matches thousands of cases; SQLite then read each matching case's row only to
sort them newest first, which took most of the search page's database time at 100,000 cases. With created_at
in the index (the row id is in every SQLite index) the first page of matches is sorted from the indexes alone.
PostgreSQL's expression indexes are left as they are: its planner already walks the newest-first index when a
name is common.
"""

from django.db import migrations

NAMES = ("child_first_name", "child_last_name")


def _rebuild(schema_editor, *, with_created: bool) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for column in NAMES:
        index = f"cases_case_{column}_search_idx"
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        columns = f"{column} COLLATE NOCASE, created_at" if with_created else f"{column} COLLATE NOCASE"
        schema_editor.execute(f"CREATE INDEX {index} ON cases_case ({columns})")


def forwards(apps, schema_editor):
    _rebuild(schema_editor, with_created=True)


def backwards(apps, schema_editor):
    _rebuild(schema_editor, with_created=False)


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_officer_status_next_deadline_index")]

    operations = [migrations.RunPython(forwards, backwards)]
