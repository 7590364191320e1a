"""Indexes the management figures are counted from without reading table rows: clock compliance by clock and
due date; a case's clocks with their clock code and met date (providers'
certificate clocks); an officer's open cases with their id; and a case's decision by its id. Each replaced
index keeps its columns first, so what used it still can."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_case_event_privacy_kinds"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="cases_case_open_officer_idx",
        ),
        migrations.RemoveIndex(
            model_name="deadline",
            name="cases_deadline_case_idx",
        ),
        migrations.RemoveIndex(
            model_name="deadline",
            name="cases_deadline_clock_due_idx",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["id", "decision"], name="cases_case_decision_of_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status", "closed"), _negated=True),
                fields=["officer", "status", "id"],
                name="cases_case_open_officer_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(fields=["case", "state", "due_on", "clock", "met_on"], name="cases_deadline_case_idx"),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(fields=["clock", "due_on", "state", "met_on"], name="cases_deadline_compliance_idx"),
        ),
    ]
