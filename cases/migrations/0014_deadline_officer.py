"""Each clock keeps a copy of its case's officer, with an index on (officer, state, due_on).

An officer's Deadlines page and My work counted their open clocks by going through every open case they hold
and each case's clocks (thousands of look-ups at 100,000 cases); with the officer on the clock, each count is
one range of one index. Existing clocks take their case's officer here.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_officers(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Deadline = apps.get_model("cases", "Deadline")
    Deadline.objects.update(officer_id=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("officer_id")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_name_search_indexes_cover_the_default_sort"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="officer",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                help_text="The officer holding the case (copied from the case).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(copy_officers, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(fields=["officer", "state", "due_on"], name="cases_deadline_officer_idx"),
        ),
    ]
