"""The database cache table shared by every app server (settings.CACHES), and the portal's user (sendportal.User).

The user model came after this migration was first applied: it is Django's own user in Django's own tables
(auth_user, auth_user_groups, auth_user_user_permissions), so a database made before it already has them. The
model is therefore added to the migration state here, where Django requires a user model to be made (its app's
first migration), and its tables are created only where they do not exist yet: on a new database. A database
that had applied this migration before keeps its tables and rows as they are; sendportal 0002 moves the user's
content type. docs/decisions/user-model.md explains the choice and the path.
"""

import django.contrib.auth.models
import django.contrib.auth.validators
import django.utils.timezone
from django.core.management import call_command
from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def create_user_tables_if_missing(apps, schema_editor):
    """A new database: make auth_user and its link tables (auth made none: its User is swapped out)."""
    User = apps.get_model("sendportal", "User")
    if User._meta.db_table not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(User)


def drop_user_tables_if_made_here(apps, schema_editor):
    """Going back past this migration (every app that points at a user has gone back first) removes them."""
    User = apps.get_model("sendportal", "User")
    if User._meta.db_table in schema_editor.connection.introspection.table_names():
        schema_editor.delete_model(User)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="User",
                    fields=[
                        ("password", models.CharField(max_length=128, verbose_name="password")),
                        ("last_login", models.DateTimeField(blank=True, null=True, verbose_name="last login")),
                        (
                            "is_superuser",
                            models.BooleanField(
                                default=False,
                                help_text="Designates that this user has all permissions without explicitly assigning them.",
                                verbose_name="superuser status",
                            ),
                        ),
                        (
                            "username",
                            models.CharField(
                                error_messages={"unique": "A user with that username already exists."},
                                help_text="Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
                                max_length=150,
                                unique=True,
                                validators=[django.contrib.auth.validators.UnicodeUsernameValidator()],
                                verbose_name="username",
                            ),
                        ),
                        ("first_name", models.CharField(blank=True, max_length=150, verbose_name="first name")),
                        ("last_name", models.CharField(blank=True, max_length=150, verbose_name="last name")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="email address")),
                        (
                            "is_staff",
                            models.BooleanField(
                                default=False,
                                help_text="Designates whether the user can log into this admin site.",
                                verbose_name="staff status",
                            ),
                        ),
                        (
                            "is_active",
                            models.BooleanField(
                                default=True,
                                help_text="Designates whether this user should be treated as active. Unselect this instead of deleting accounts.",
                                verbose_name="active",
                            ),
                        ),
                        (
                            "date_joined",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="date joined"),
                        ),
                        ("id", models.AutoField(primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "groups",
                            models.ManyToManyField(
                                blank=True,
                                db_table="auth_user_groups",
                                help_text="The groups this user belongs to. A user will get all permissions granted to each of their groups.",
                                related_name="user_set",
                                related_query_name="user",
                                to="auth.group",
                                verbose_name="groups",
                            ),
                        ),
                        (
                            "user_permissions",
                            models.ManyToManyField(
                                blank=True,
                                db_table="auth_user_user_permissions",
                                help_text="Specific permissions for this user.",
                                related_name="user_set",
                                related_query_name="user",
                                to="auth.permission",
                                verbose_name="user permissions",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "user",
                        "verbose_name_plural": "users",
                        "db_table": "auth_user",
                        "abstract": False,
                    },
                    managers=[
                        ("objects", django.contrib.auth.models.UserManager()),
                    ],
                ),
            ],
        ),
        migrations.RunPython(create_user_tables_if_missing, drop_user_tables_if_made_here),
    ]
