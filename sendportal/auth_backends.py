"""Django's ModelBackend with a user's permissions read with the user: no query of their own on a signed-in page.

Every signed-in page checks a permission, and ModelBackend loads the user's own permissions and their groups'
permissions with two queries after the query that loads the user. Here the user's query also reads the union of
both sets (exactly what ModelBackend.get_all_permissions returns), joined into one string by a subquery, and it
is cached on the user object for the request as Django does. A user loaded some other way (a list of users, a
test's fixture) has their permissions read in one query when first asked.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import OuterRef, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Concat

PERMISSION_BACKEND = "sendportal.auth_backends.OneQueryModelBackend"
"""The backend that answers ``User.objects.with_perm()`` (Django needs one named when several are configured)."""

_SEPARATOR = " "  # app labels and codenames are identifiers: no spaces


def users_with_perm(perm: str, *, is_active: bool | None = True):
    """Users holding ``perm`` ("app_label.codename") directly, through a group, or as superusers."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.with_perm(perm, is_active=is_active, backend=PERMISSION_BACKEND)


def _permissions_of(user) -> QuerySet:
    """The permissions `user` (a user's id, or OuterRef to one) holds directly or through a group."""
    own = Permission.user_set.through.objects.filter(user_id=user).values("permission_id")
    through_groups = Group.permissions.through.objects.filter(group__user=user).values("permission_id")
    return Permission.objects.filter(Q(pk__in=own) | Q(pk__in=through_groups)).order_by()


def _permission_codes() -> Subquery:
    """For the user of the outer query: their permissions as "app_label.codename" words in one string (NULL if
    none)."""
    codes = (
        _permissions_of(OuterRef(OuterRef("pk")))
        .annotate(one=Value(1))
        .values("one")
        .annotate(codes=StringAgg(Concat("content_type__app_label", Value("."), "codename"), Value(_SEPARATOR)))
        .values("codes")
    )
    return Subquery(codes)


class OneQueryModelBackend(ModelBackend):
    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        users = get_user_model()._default_manager.annotate(permission_codes=_permission_codes())
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:  # a superuser holds every permission: those are read when first asked
            user._perm_cache = set((user.permission_codes or "").split())
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all() if user_obj.is_superuser else _permissions_of(user_obj.pk)
            pairs = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in pairs}
        return user_obj._perm_cache
