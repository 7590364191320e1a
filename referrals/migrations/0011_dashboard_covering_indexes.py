"""Indexes the management figures are counted from without reading table rows: referrals concluded in a period
with their outcome and case, a case's referrals by outcome, appeals registered or decided in a period, held
sessions with their referral and date in England (SEN2), and each referral's first held session by that date.
Each replaced index keeps its columns first, so what used it still can."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0010_new_fields_dates_between_1900_and_2100"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="mediationsession",
            name="referrals_session_due_idx",
        ),
        migrations.RemoveIndex(
            model_name="mediationsession",
            name="referrals_session_first_idx",
        ),
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
        migrations.AddIndex(
            model_name="mediationsession",
            index=models.Index(
                fields=["status", "starts_at", "referral", "starts_on"], name="referrals_session_due_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="mediationsession",
            index=models.Index(
                fields=["referral", "status", "starts_on", "starts_at"], name="referrals_session_first_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["case", "outcome", "concluded_on"], name="referrals_ref_case_outcome_idx"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["concluded_on", "outcome", "case"], name="referrals_ref_concluded_idx"),
        ),
        migrations.AddIndex(
            model_name="tribunalappeal",
            index=models.Index(
                fields=["registered_on", "outcome", "outcome_on", "case"], name="referrals_appeal_reg_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="tribunalappeal",
            index=models.Index(
                fields=["outcome_on", "outcome", "registered_on", "case"], name="referrals_appeal_outcome_idx"
            ),
        ),
    ]
