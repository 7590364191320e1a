"""A mediation session carries a copy of its referral's case (filled in here from the referrals), and the index of
sessions by status and time holds it; a case's appeals get an index by registration date (the SEN2 figures look up
the latest appeal on each held session's case from the indexes alone)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_session_case(apps, schema_editor):
    referral_model = apps.get_model("referrals", "Referral")
    session_model = apps.get_model("referrals", "MediationSession")
    case_of = models.Subquery(referral_model.objects.filter(pk=models.OuterRef("referral_id")).values("case_id")[:1])
    session_model.objects.using(schema_editor.connection.alias).update(case_id=case_of)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0025_dashboard_partial_clock_indexes"),
        ("referrals", "0015_case_decision_copies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="mediationsession",
            name="referrals_session_due_idx",
        ),
        migrations.AddField(
            model_name="mediationsession",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                help_text="The referral's case (copied from the referral).",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="cases.case",
            ),
        ),
        migrations.RunPython(fill_session_case, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="mediationsession",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                help_text="The referral's case (copied from the referral).",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="cases.case",
            ),
        ),
        migrations.AddIndex(
            model_name="mediationsession",
            index=models.Index(
                fields=["status", "starts_at", "referral", "starts_on", "case"], name="referrals_session_due_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="tribunalappeal",
            index=models.Index(fields=["case", "registered_on"], name="referrals_appeal_case_idx"),
        ),
    ]
