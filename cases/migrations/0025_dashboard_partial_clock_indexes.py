"""Two partial indexes for the management figures: the open clocks that are the LA's work, by due date with their
case (overdue and due this week), and each case's certificate clocks (C2, C6, C8) with what compliance needs (the
providers' certificate figures)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0024_case_support_offered"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("state", "open"), models.Q(("binds", "family"), _negated=True)),
                fields=["state", "due_on", "binds", "case"],
                name="cases_deadline_la_open_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("clock", "C2"), ("clock", "C6"), ("clock", "C8"), _connector="OR"),
                fields=["case", "state", "due_on", "met_on", "clock"],
                name="cases_deadline_certificate_idx",
            ),
        ),
    ]
