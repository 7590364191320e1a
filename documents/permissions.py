"""Who may do what with a case's documents. Roles map to permissions in cases.permissions.ROLE_PERMISSIONS; a
mediator holds none of these and sees only documents shared with them, through their referral (referrals.views)."""

from cases.permissions import can_view_cases


def can_view_documents(user) -> bool:
    return can_view_cases(user) and user.has_perm("documents.view_document")


def can_upload(user, case) -> bool:
    return can_view_documents(user) and user.has_perm("documents.add_document") and not case.is_closed


def can_share(user, case) -> bool:
    return can_view_documents(user) and user.has_perm("documents.change_document")


def can_remove(user, case) -> bool:
    return can_view_documents(user) and user.has_perm("documents.delete_document")
