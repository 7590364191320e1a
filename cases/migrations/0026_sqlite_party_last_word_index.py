"""SQLite: an index on the last word of the name of the person who brought the case, in capitals, so that a search
by a parent's surname reads the cases it finds instead of testing LIKE '% WORD' on every case. The expression is
the one cases.search.SQLiteLastWord writes, to the letter (SQLite uses an expression index only for the same
expression). PostgreSQL answers the same search from its trigram index on UPPER(party_name) (migration 0018).

SQLite rebuilds cases_case when a later migration adds a column to it, which drops raw indexes such as this one:
such a migration makes it again (see 0024 for the other search indexes)."""

from django.db import migrations

SQLITE_INDEX = (
    "CREATE INDEX IF NOT EXISTS cases_case_party_last_word ON cases_case "
    "(upper(replace(party_name, rtrim(party_name, replace(party_name, ' ', '')), '')))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS cases_case_party_last_word")


class Migration(migrations.Migration):
    dependencies = [("cases", "0025_dashboard_partial_clock_indexes")]

    operations = [migrations.RunPython(create, drop)]
