"""Writes on the mediation pathway (docs/rules.md §5 and §9), one module per aggregate.

Each service runs in one transaction, checks permission, date order (referrals.date_rules) and transition
(referral_set_status, the one way a referral's status changes), records the facts, writes a timeline event on the
case, and then asks for the case's clocks to be recomputed: the clock providers (referrals.clocks) work out every
due date from the facts, so a correction of any fact moves every clock that depends on it (decision 17). Reads
(provider suggestion, mediator ranking, which certificates can be issued) are in referrals.selectors.
"""

from ._common import ASSIGNABLE_STATUSES, StaleCorrection, fact_token, referral_set_status
from .adviser import adviser_choices_for, adviser_contact_correct, adviser_contact_record
from .agreements import agreement_action_add, agreement_action_complete
from .assignment import referral_assign_mediator
from .certificate import certificate_issue, certificate_review_confirm
from .drs import drs_record, drs_refer
from .notes import referral_note_add
from .outcomes import referral_conclude, referral_conclusion_correct, referral_la_conceded, referral_withdraw
from .referral import (
    REFERRAL_DATE_FIELDS,
    referral_correct_dates,
    referral_create,
    referral_notify_icb,
    referral_respond,
)
from .sessions import ATTENDANCE_FIELDS, referral_not_held_in_time, session_correct, session_record, session_schedule
from .tribunal import (
    APPEAL_DATE_FIELDS,
    APPEAL_OUTCOME_DATE_FIELDS,
    compliance_step_complete,
    tribunal_appeal_correct,
    tribunal_appeal_record,
    tribunal_outcome_record,
)

__all__ = [
    "APPEAL_DATE_FIELDS",
    "APPEAL_OUTCOME_DATE_FIELDS",
    "ASSIGNABLE_STATUSES",
    "ATTENDANCE_FIELDS",
    "REFERRAL_DATE_FIELDS",
    "StaleCorrection",
    "adviser_choices_for",
    "adviser_contact_correct",
    "adviser_contact_record",
    "agreement_action_add",
    "agreement_action_complete",
    "certificate_issue",
    "certificate_review_confirm",
    "compliance_step_complete",
    "drs_record",
    "drs_refer",
    "fact_token",
    "referral_assign_mediator",
    "referral_conclude",
    "referral_conclusion_correct",
    "referral_correct_dates",
    "referral_create",
    "referral_la_conceded",
    "referral_not_held_in_time",
    "referral_note_add",
    "referral_notify_icb",
    "referral_respond",
    "referral_set_status",
    "referral_withdraw",
    "session_correct",
    "session_record",
    "session_schedule",
    "tribunal_appeal_correct",
    "tribunal_appeal_record",
    "tribunal_outcome_record",
]
