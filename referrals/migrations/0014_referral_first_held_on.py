"""Referral.first_held_on: a copy of the date of the referral's first held session, kept by MediationSession.save()
(filled in here for existing referrals, in one UPDATE)."""

from django.db import migrations, models


def fill_first_held_on(apps, schema_editor):
    referral_model = apps.get_model("referrals", "Referral")
    session_model = apps.get_model("referrals", "MediationSession")
    first = (
        session_model.objects.filter(referral=models.OuterRef("pk"), status="held")
        .order_by("starts_on")
        .values("starts_on")[:1]
    )
    referral_model.objects.using(schema_editor.connection.alias).update(first_held_on=models.Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0013_session_calendar_sequence"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="first_held_on",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text="The date of the first held session (copied from the sessions).",
                null=True,
                verbose_name="first session held",
            ),
        ),
        migrations.RunPython(fill_first_held_on, migrations.RunPython.noop),
    ]
