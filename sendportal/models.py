"""The portal's user: a member of the council's staff or an independent mediator.

It is Django's own user (``AbstractUser``) kept in Django's own tables (``auth_user`` and its two link tables),
so a database made before the portal had its own user model keeps every account, group and permission, and
only the user's content type moves (migration sendportal 0002). Having our own model from the start means a
field the council needs later (a job title, an employee number from the council's directory) is an ordinary
migration, not the hard switch Django warns about. ``docs/decisions/user-model.md`` gives the reasons.
"""

from django.contrib.auth.models import AbstractUser, Group, Permission
from django.db import models


class User(AbstractUser):
    # auth.User's key was an integer (the auth app's default_auto_field), as every table that points at a user
    # has it: it stays one.
    id = models.AutoField(primary_key=True, serialize=False, verbose_name="ID")
    # Django's auth tables, under their own names: the link tables are named as auth.User's were.
    groups = models.ManyToManyField(
        Group,
        verbose_name="groups",
        blank=True,
        help_text="The groups this user belongs to. A user will get all permissions granted to each of their groups.",
        related_name="user_set",
        related_query_name="user",
        db_table="auth_user_groups",
    )
    user_permissions = models.ManyToManyField(
        Permission,
        verbose_name="user permissions",
        blank=True,
        help_text="Specific permissions for this user.",
        related_name="user_set",
        related_query_name="user",
        db_table="auth_user_user_permissions",
    )

    class Meta(AbstractUser.Meta):
        db_table = "auth_user"

    @property
    def display_name(self) -> str:
        """How the portal names a person everywhere: their full name, or their username if none is recorded."""
        return self.get_full_name() or self.get_username()
