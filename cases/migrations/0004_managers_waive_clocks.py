from django.db import migrations

from sendportal.migration_utils import grant, revoke

CHANGE = {"Manager": ["cases.waive_deadline"]}


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_statutory_clocks")]

    operations = [migrations.RunPython(lambda apps, se: grant(apps, CHANGE), lambda apps, se: revoke(apps, CHANGE))]
