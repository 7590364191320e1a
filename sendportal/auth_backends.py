"""Django's ModelBackend with a user's permissions loaded in one query instead of two.

Every signed-in page checks a permission, and ModelBackend loads the user's own permissions and their groups'
permissions with two queries. Here one query reads both (the union of the two sets, exactly what
ModelBackend.get_all_permissions returns), cached on the user object for the request as Django does.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

PERMISSION_BACKEND = "sendportal.auth_backends.OneQueryModelBackend"
"""The backend that answers ``User.objects.with_perm()`` (Django needs one named when several are configured)."""


def users_with_perm(perm: str, *, is_active: bool | None = True):
    """Users holding ``perm`` ("app_label.codename") directly, through a group, or as superusers."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.with_perm(perm, is_active=is_active, backend=PERMISSION_BACKEND)


class OneQueryModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                own = Permission.user_set.through.objects.filter(user_id=user_obj.pk).values("permission_id")
                through_groups = Group.permissions.through.objects.filter(group__user=user_obj).values("permission_id")
                perms = Permission.objects.filter(Q(pk__in=own) | Q(pk__in=through_groups))
            pairs = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in pairs}
        return user_obj._perm_cache
