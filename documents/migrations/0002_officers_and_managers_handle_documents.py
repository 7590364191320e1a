"""Officers and managers upload, share, remove and read documents (cases.permissions.ROLE_PERMISSIONS at this point
in time; copied, not imported, so this migration keeps meaning what it meant)."""

from django.db import migrations

from sendportal.migration_utils import grant, revoke

PERMS = [
    "documents.view_document",
    "documents.add_document",
    "documents.change_document",
    "documents.delete_document",
]
CHANGE = {"SEN officer": PERMS, "Manager": PERMS}


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("cases", "0002_roles"),
    ]

    operations = [migrations.RunPython(lambda apps, se: grant(apps, CHANGE), lambda apps, se: revoke(apps, CHANGE))]
