"""The access log of one person is read newest first by (time, id): the id breaks ties between entries written in
the same microsecond. The index 0003 made held (person, time) only, so the planner still had to sort each page's
ties, and on a small table it was free to prefer auditlog's own actor index and sort everything. This index holds
the whole order, so a page is read straight from it on both databases."""

from django.db import migrations

OLD_INDEX = "privacy_logentry_actor_time_idx"
INDEX = "privacy_logentry_actor_time_id_idx"


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_access_log_index")]

    operations = [
        migrations.RunSQL(
            [f"CREATE INDEX {INDEX} ON auditlog_logentry (actor_id, timestamp, id)", f"DROP INDEX {OLD_INDEX}"],
            [f"CREATE INDEX {OLD_INDEX} ON auditlog_logentry (actor_id, timestamp)", f"DROP INDEX {INDEX}"],
        ),
    ]
