"""MediationSession.starts_on: the session's date in England, kept with starts_at (filled in for existing rows)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def fill_starts_on(apps, schema_editor):
    session_model = apps.get_model("referrals", "MediationSession")
    england = ZoneInfo(settings.TIME_ZONE)
    sessions = session_model.objects.using(schema_editor.connection.alias).only("pk", "starts_at").order_by("pk")
    batch = []
    for session in sessions.iterator(chunk_size=BATCH):
        session.starts_on = session.starts_at.astimezone(england).date()
        batch.append(session)
        if len(batch) == BATCH:
            session_model.objects.using(schema_editor.connection.alias).bulk_update(batch, ["starts_on"])
            batch = []
    if batch:
        session_model.objects.using(schema_editor.connection.alias).bulk_update(batch, ["starts_on"])


class Migration(migrations.Migration):
    dependencies = [("referrals", "0005_referral_list_order_index")]

    operations = [
        migrations.AddField(
            model_name="mediationsession", name="starts_on", field=models.DateField(null=True, editable=False)
        ),
        migrations.RunPython(fill_starts_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="mediationsession",
            name="starts_on",
            field=models.DateField(
                editable=False,
                help_text="The session's date in England, kept with starts_at by save(): the date-based figures "
                "(SEN2, days to mediation) read it instead of converting every start time to London time.",
                verbose_name="date",
            ),
        ),
    ]
