"""Mediation pathway pages. Each view: authorise, load through a selector, bind a form, call one service,
message + redirect. On a refused change the page is shown again with the form's messages (HTTP 400).

One module per aggregate of the pathway, and one for the correction pages; referrals.urls reaches every view from
here."""

from .certificates import case_certificate_issue, certificate_download, certificate_issue, certificate_review_confirm
from .corrections import (
    adviser_contact_correct,
    appeal_correct,
    outcome_correct,
    referral_correct_dates,
    session_correct,
)
from .detail import referral_detail, shared_document_download
from .drs import drs_record, drs_refer
from .outcomes import (
    action_add,
    action_done,
    referral_conclude,
    referral_la_conceded,
    referral_withdraw,
)
from .referral import (
    adviser_contact,
    note_add,
    referral_assign,
    referral_create,
    referral_list,
    referral_notify_icb,
    referral_respond,
)
from .sessions import referral_not_held, session_record, session_schedule
from .tribunal import appeal_add, appeal_outcome, compliance_done

__all__ = [
    "action_add",
    "action_done",
    "adviser_contact",
    "adviser_contact_correct",
    "appeal_add",
    "appeal_correct",
    "appeal_outcome",
    "case_certificate_issue",
    "certificate_download",
    "certificate_issue",
    "certificate_review_confirm",
    "compliance_done",
    "drs_record",
    "drs_refer",
    "note_add",
    "outcome_correct",
    "referral_assign",
    "referral_conclude",
    "referral_correct_dates",
    "referral_create",
    "referral_detail",
    "referral_la_conceded",
    "referral_list",
    "referral_not_held",
    "referral_notify_icb",
    "referral_respond",
    "referral_withdraw",
    "session_correct",
    "session_record",
    "session_schedule",
    "shared_document_download",
]
