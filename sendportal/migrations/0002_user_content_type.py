"""The user's content type moves from auth.user to sendportal.user on a database made while users were auth.User.

Nothing else moves: the tables keep their names and rows (sendportal 0001). What names the model by its content
type follows the row, which keeps its id: the permissions on users (add_user, change_user, view_user, delete_user)
and any role or person they were granted to, the audit log's entries about users, the admin's history.

If sendportal.user's content type was made already in the same run (a migration that creates permissions ran
first), it is new and nothing points at it but its own permissions: any grant of those goes to the old ones, and
the new row goes before the old one is renamed.
"""

from django.db import migrations


def move_user_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = ContentType.objects.filter(app_label="auth", model="user").first()
    if old is None:  # a new database: auth.User never existed here
        return
    new = ContentType.objects.filter(app_label="sendportal", model="user").first()
    if new is not None:
        for permission in Permission.objects.filter(content_type=new):
            kept = Permission.objects.filter(content_type=old, codename=permission.codename).first()
            if kept is None:
                permission.content_type = old
                permission.save(update_fields=["content_type"])
                continue
            kept.group_set.add(*permission.group_set.all())
            kept.user_set.add(*permission.user_set.all())
            permission.delete()
        new.delete()
    old.app_label = "sendportal"
    old.save(update_fields=["app_label"])


def restore_user_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="auth", model="user").exists():
        ContentType.objects.filter(app_label="sendportal", model="user").update(app_label="auth")


class Migration(migrations.Migration):
    dependencies = [
        ("sendportal", "0001_cache_table"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(move_user_content_type, restore_user_content_type)]
