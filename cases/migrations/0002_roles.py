"""Create the three roles with their permissions (cases.permissions.ROLE_PERMISSIONS at this point in time).

The mapping is copied here, not imported, so this migration keeps meaning what it meant when it ran."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "SEN officer": [
        "cases.view_case",
        "cases.add_case",
        "cases.change_case",
        "cases.view_all_cases",
        "cases.assign_officer",
        "cases.change_case_status",
        "cases.add_casenote",
        "cases.view_school",
    ],
    "Manager": [
        "cases.view_case",
        "cases.add_case",
        "cases.change_case",
        "cases.view_all_cases",
        "cases.assign_officer",
        "cases.change_case_status",
        "cases.add_casenote",
        "cases.view_school",
        "cases.export_cases",
    ],
    "Mediator": [],
}


def ensure_permissions(apps):
    """Permissions are normally created after migrate; create them now so groups can hold them."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def apply_roles(apps, role_permissions):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ensure_permissions(apps)
    for role, perms in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def create_roles(apps, schema_editor):
    apply_roles(apps, ROLE_PERMISSIONS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
