from django.db import migrations

from sendportal.migration_utils import grant, revoke

CHANGE = {"Manager": ["cases.view_team_work"]}


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_team_work_permission")]

    operations = [migrations.RunPython(lambda apps, se: grant(apps, CHANGE), lambda apps, se: revoke(apps, CHANGE))]
