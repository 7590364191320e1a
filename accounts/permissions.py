"""Who must use a second factor. Code checks the permission, never a group name: the Manager role holds it
(ROLE_PERMISSIONS in cases/permissions.py, applied by a data migration) and superusers hold every permission."""

from django.conf import settings

REQUIRE_TWO_FACTOR = "accounts.require_two_factor"


def must_use_two_factor(user) -> bool:
    """A local account that may not sign in with its password alone."""
    return settings.TWO_FACTOR_REQUIRED_FOR_ALL_LOCAL_ACCOUNTS or user.has_perm(REQUIRE_TWO_FACTOR)


def has_local_password(user) -> bool:
    """Council accounts (single sign-on) have no password here: their password is the council's."""
    return user.has_usable_password()
