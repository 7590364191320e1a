"""The "Data protection" role, and the same data protection permissions for managers (cases.permissions.
ROLE_PERMISSIONS at this point in time; copied, not imported, so this migration keeps meaning what it meant)."""

from django.db import migrations

from sendportal.migration_utils import grant, revoke

DATA_PROTECTION = [
    "privacy.export_subject_access",
    "privacy.view_access_log",
    "privacy.manage_legal_hold",
    "privacy.view_retention",
]
CHANGE = {"Data protection": DATA_PROTECTION, "Manager": DATA_PROTECTION}


def remove_role(apps, schema_editor):
    revoke(apps, {"Manager": DATA_PROTECTION})
    apps.get_model("auth", "Group").objects.filter(name="Data protection").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_retention_and_legal_hold"),
        ("cases", "0007_managers_see_team_work"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(lambda apps, se: grant(apps, CHANGE), remove_role)]
