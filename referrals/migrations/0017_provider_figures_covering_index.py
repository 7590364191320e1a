"""The index of a provider's referrals by date holds every column the providers' figures read (and keeps its first
two columns, so what used it still can)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0016_session_case"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="referral",
            name="referrals_ref_provider_idx",
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                fields=[
                    "provider",
                    "referred_on",
                    "status",
                    "outcome",
                    "responded_on",
                    "family_told_la_on",
                    "provider_told_la_on",
                    "first_held_on",
                    "case",
                ],
                name="referrals_ref_provider_idx",
            ),
        ),
    ]
