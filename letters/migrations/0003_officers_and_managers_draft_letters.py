"""Officers and managers draft letters (cases.permissions.ROLE_PERMISSIONS at this point in time; copied, not
imported, so this migration keeps meaning what it meant)."""

from django.db import migrations

from sendportal.migration_utils import grant, revoke

CHANGE = {"SEN officer": ["letters.draft_letter"], "Manager": ["letters.draft_letter"]}


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0002_seed_templates_and_support_services"),
        ("cases", "0002_roles"),
    ]

    operations = [migrations.RunPython(lambda apps, se: grant(apps, CHANGE), lambda apps, se: revoke(apps, CHANGE))]
