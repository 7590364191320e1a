"""Indexes for the forgiving case search (cases.search): postcodes on both databases; on PostgreSQL, pg_trgm and
GIN trigram indexes so a near spelling of a child's name (the % operator) and a word of the parent's name (LIKE
'% word' on UPPER(party_name)) are found from an index instead of reading every case.

pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it; production needs no superuser.
"""

from django.db import migrations

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cases_case_last_name_trgm ON cases_case USING gin (child_last_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_case_first_name_trgm ON cases_case USING gin (child_first_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_case_party_name_trgm ON cases_case USING gin (party_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_case_party_name_upper_trgm ON cases_case "
    "USING gin ((UPPER(party_name::text)) gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS cases_case_last_name_trgm",
    "DROP INDEX IF EXISTS cases_case_first_name_trgm",
    "DROP INDEX IF EXISTS cases_case_party_name_trgm",
    "DROP INDEX IF EXISTS cases_case_party_name_upper_trgm",
]
SQLITE = ["CREATE INDEX IF NOT EXISTS cases_case_party_name_nocase ON cases_case (party_name COLLATE NOCASE)"]
SQLITE_DROP = ["DROP INDEX IF EXISTS cases_case_party_name_nocase"]
BOTH = ["CREATE INDEX IF NOT EXISTS cases_case_postcode_idx ON cases_case (postcode)"]
BOTH_DROP = ["DROP INDEX IF EXISTS cases_case_postcode_idx"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, BOTH + (POSTGRES if vendor == "postgresql" else SQLITE if vendor == "sqlite" else []))


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(
        schema_editor,
        BOTH_DROP + (POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP if vendor == "sqlite" else []),
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_dashboard_covering_indexes")]

    operations = [migrations.RunPython(create, drop)]
