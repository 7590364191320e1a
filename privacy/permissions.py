"""Who may use the data protection pages. The role -> permission map is cases.permissions.ROLE_PERMISSIONS (the
one reviewed map); managers and the "Data protection" role hold these. Code checks permissions, never groups."""

EXPORT = "privacy.export_subject_access"
ACCESS_LOG = "privacy.view_access_log"
LEGAL_HOLD = "privacy.manage_legal_hold"
RETENTION = "privacy.view_retention"

PRIVACY_PERMISSIONS = (EXPORT, ACCESS_LOG, LEGAL_HOLD, RETENTION)


def has_any_privacy_permission(user) -> bool:
    return user.is_authenticated and any(user.has_perm(perm) for perm in PRIVACY_PERMISSIONS)


def can_export(user) -> bool:
    return user.has_perm(EXPORT)


def can_read_access_log(user) -> bool:
    return user.has_perm(ACCESS_LOG)


def can_manage_legal_hold(user) -> bool:
    return user.has_perm(LEGAL_HOLD)
