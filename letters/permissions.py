"""Who may draft letters. Roles map to permissions in cases.permissions.ROLE_PERMISSIONS."""


def can_draft_letters(user) -> bool:
    """Officers and managers (who can see the case) draft letters, download them and record them as sent."""
    return user.has_perm("letters.draft_letter") and user.has_perm("cases.view_case")
