"""Roles and what they may do. Roles are groups; groups hold permissions; code checks permissions only.

ROLE_PERMISSIONS is the reviewed source of the mapping; data migrations apply it (a test checks that the
groups in the database match it)."""

OFFICER = "SEN officer"
MEDIATOR = "Mediator"
MANAGER = "Manager"
DATA_PROTECTION = "Data protection"

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

# Letters to families (letters app): drafted, downloaded and recorded as sent by officers and managers.
_LETTER_PERMS = ["letters.draft_letter"]

# Documents on a case (documents app): uploaded, shared with the mediator, removed and read by officers and
# managers. Mediators hold none of these: they see only what is shared with them, through their referral.
_DOCUMENT_PERMS = [
    "documents.view_document",
    "documents.add_document",
    "documents.change_document",
    "documents.delete_document",
]

# Data protection (privacy app): subject-access exports, the access log, legal holds and the retention schedule.
# The data protection role holds these and nothing else: it works on cases through the privacy pages only.
_DATA_PROTECTION_PERMS = [
    "privacy.export_subject_access",
    "privacy.view_access_log",
    "privacy.manage_legal_hold",
    "privacy.view_retention",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [*_OFFICER_PERMS, *_OFFICE_REFERRAL_PERMS, *_LETTER_PERMS, *_DOCUMENT_PERMS],
    MANAGER: [
        *_OFFICER_PERMS,
        *_OFFICE_REFERRAL_PERMS,
        *_LETTER_PERMS,
        *_DOCUMENT_PERMS,
        "cases.export_cases",
        "cases.waive_deadline",
        "cases.view_team_work",
        # Managers see and export every case: their local accounts must use a security code (accounts app).
        "accounts.require_two_factor",
        *_DATA_PROTECTION_PERMS,
    ],
    MEDIATOR: ["referrals.act_as_mediator", "referrals.issue_certificate"],
    DATA_PROTECTION: _DATA_PROTECTION_PERMS,
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
