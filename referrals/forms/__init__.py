"""Input parsing for the mediation pathway pages: one form per action, explicit fields only. Forms parse and check
input; the services in referrals.services check the rules and make the change.

Several forms share a page, so each form gets its own id prefix (``auto_id``): ids stay unique and the error
summary's links land on the right field, while the POSTed names stay plain.

One module per page the forms serve: the case page's mediation panel, the referral page, the correction pages."""

from ._common import ORDER_KIND_CHOICES, UNOPPOSED_KIND_CHOICES, PathwayForm, issues_for
from .case_panel import (
    AdviserContactForm,
    ComplianceDoneForm,
    DrsRecordForm,
    DrsReferForm,
    ReferralCreateForm,
    TribunalAppealForm,
    TribunalOutcomeForm,
)
from .corrections import (
    AdviserContactCorrectForm,
    AppealCorrectForm,
    CorrectionForm,
    OutcomeCorrectForm,
    ReferralDatesForm,
    SessionCorrectForm,
    sign_facts,
)
from .referral_page import (
    ActionDoneForm,
    AgreementActionForm,
    AssignMediatorForm,
    CertificateIssueForm,
    ConcludeForm,
    IcbNotifyForm,
    LaConcededForm,
    NotHeldForm,
    RespondForm,
    SessionRecordForm,
    SessionScheduleForm,
    SharedNoteForm,
    WithdrawForm,
)

__all__ = [
    "ORDER_KIND_CHOICES",
    "UNOPPOSED_KIND_CHOICES",
    "ActionDoneForm",
    "AdviserContactCorrectForm",
    "AdviserContactForm",
    "AgreementActionForm",
    "AppealCorrectForm",
    "AssignMediatorForm",
    "CertificateIssueForm",
    "ComplianceDoneForm",
    "ConcludeForm",
    "CorrectionForm",
    "DrsRecordForm",
    "DrsReferForm",
    "IcbNotifyForm",
    "LaConcededForm",
    "NotHeldForm",
    "OutcomeCorrectForm",
    "PathwayForm",
    "ReferralCreateForm",
    "ReferralDatesForm",
    "RespondForm",
    "SessionCorrectForm",
    "SessionRecordForm",
    "SessionScheduleForm",
    "SharedNoteForm",
    "TribunalAppealForm",
    "TribunalOutcomeForm",
    "WithdrawForm",
    "issues_for",
    "sign_facts",
]
