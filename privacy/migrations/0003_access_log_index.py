"""An index for the DPO's access log of one person: their audit entries newest first, read a page at a time from
the index instead of sorting everything they ever did. The audit log's table belongs to django-auditlog, so the
index is made here, in plain SQL both databases accept, after the library's own migrations (on SQLite a later
migration of that table by the library would rebuild it without this index: make it again then)."""

from django.db import migrations

INDEX = "privacy_logentry_actor_time_idx"


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_data_protection_role"), ("auditlog", "0017_add_actor_email")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON auditlog_logentry (actor_id, timestamp)",
            f"DROP INDEX {INDEX}",
        ),
    ]
