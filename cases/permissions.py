"""Roles and what they may do. Roles are groups; groups hold permissions; code checks permissions only.

ROLE_PERMISSIONS is the reviewed source of the mapping; data migrations apply it (a test checks that the
groups in the database match it)."""

OFFICER = "SEN officer"
MEDIATOR = "Mediator"
MANAGER = "Manager"

_OFFICER_PERMS = [
    "cases.view_case",
    "cases.add_case",
    "cases.change_case",
    "cases.view_all_cases",
    "cases.assign_officer",
    "cases.change_case_status",
    "cases.add_casenote",
    "cases.view_school",
]

_OFFICE_REFERRAL_PERMS = [
    "referrals.manage_referrals",
    "referrals.view_all_referrals",
    "referrals.issue_certificate",
    "referrals.manage_tribunal",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [*_OFFICER_PERMS, *_OFFICE_REFERRAL_PERMS],
    MANAGER: [
        *_OFFICER_PERMS, *_OFFICE_REFERRAL_PERMS, "cases.export_cases", "cases.waive_deadline", "cases.view_team_work",
        # Managers see and export every case: their local accounts must use a security code (accounts app).
        "accounts.require_two_factor",
    ],
    MEDIATOR: ["referrals.act_as_mediator", "referrals.issue_certificate"],
}


def can_view_cases(user) -> bool:
    return user.has_perm("cases.view_case")


def can_edit_case(user, case) -> bool:
    return user.has_perm("cases.change_case") and not case.is_closed


def can_assign_officer(user, case) -> bool:
    return user.has_perm("cases.assign_officer") and not case.is_closed


def can_change_status(user, case) -> bool:
    return user.has_perm("cases.change_case_status")


def can_add_note(user, case) -> bool:
    return user.has_perm("cases.add_casenote")
