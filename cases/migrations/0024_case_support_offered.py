from django.db import migrations, models

# The raw-SQL search indexes of migrations 0013 and 0018 (SQLite); adding a column makes SQLite rebuild cases_case,
# which drops them. Copied from 0022, not imported, so this migration keeps meaning what it meant.
SQLITE_SEARCH_INDEXES = [
    *(
        f"CREATE INDEX IF NOT EXISTS cases_case_{column}_search_idx ON cases_case ({column} COLLATE NOCASE, created_at)"
        for column in ("child_first_name", "child_last_name")
    ),
    "CREATE INDEX IF NOT EXISTS cases_case_party_name_nocase ON cases_case (party_name COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS cases_case_postcode_idx ON cases_case (postcode)",
]


def restore_sqlite_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in SQLITE_SEARCH_INDEXES:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0023_case_event_document_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="support_offered",
            field=models.BooleanField(
                default=False,
                help_text="Free, impartial information, advice and support, shown on the intake form and printed on "
                "letters.",
                verbose_name="we told the family about SENDIASS and the Independent Supporters",
            ),
        ),
        migrations.RunPython(restore_sqlite_search_indexes, migrations.RunPython.noop),
    ]
