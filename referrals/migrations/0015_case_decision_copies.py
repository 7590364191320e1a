"""Referrals and tribunal appeals carry a copy of their case's decision under dispute (filled in here from the
cases), and the indexes the management figures count them from hold it instead of needing the case."""

from django.conf import settings
from django.db import migrations, models


def fill_case_decision(apps, schema_editor):
    alias = schema_editor.connection.alias
    case_model = apps.get_model("cases", "Case")
    decision = models.Subquery(case_model.objects.filter(pk=models.OuterRef("case_id")).values("decision")[:1])
    for name in ("Referral", "TribunalAppeal"):
        apps.get_model("referrals", name).objects.using(alias).update(case_decision=decision)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0025_dashboard_partial_clock_indexes"),
        ("referrals", "0014_referral_first_held_on"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="referral",
            name="referrals_ref_concluded_idx",
        ),
        migrations.RemoveIndex(
            model_name="tribunalappeal",
            name="referrals_appeal_reg_idx",
        ),
        migrations.RemoveIndex(
            model_name="tribunalappeal",
            name="referrals_appeal_outcome_idx",
        ),
        migrations.AddField(
            model_name="referral",
            name="case_decision",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The decision under dispute on the case (copied from the case).",
                max_length=12,
                verbose_name="case's decision under dispute",
            ),
        ),
        migrations.AddField(
            model_name="tribunalappeal",
            name="case_decision",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The decision under dispute on the case (copied from the case).",
                max_length=12,
                verbose_name="case's decision under dispute",
            ),
        ),
        migrations.RunPython(fill_case_decision, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                fields=["concluded_on", "outcome", "case_decision", "case"], name="referrals_ref_concluded_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="tribunalappeal",
            index=models.Index(
                fields=["registered_on", "outcome", "outcome_on", "case_decision", "case"],
                name="referrals_appeal_reg_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="tribunalappeal",
            index=models.Index(
                fields=["outcome_on", "outcome", "registered_on", "case_decision", "case"],
                name="referrals_appeal_outcome_idx",
            ),
        ),
    ]
