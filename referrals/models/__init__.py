"""The mediation and disagreement-resolution pathway. Reference data: commissioned providers and their
independent mediators (docs/rules.md §9).

One module per part of the pathway (providers and mediators, the referral, sessions, outcomes and
certificates, the Tribunal); import them from here.
"""

# Django registers models as they are imported and apps.get_models() lists them in that order: providers and
# mediators, the referral, its sessions, outcomes and certificates, then the Tribunal.
# isort: off
from .providers import MediationProvider, Mediator
from .referral import (
    AdviserContact,
    CopiesCaseDecision,
    MediatorAssignment,
    Referral,
    case_decision_field,
    case_decision_now,
)
from .sessions import MediationSession, england_date, referral_first_held_refresh
from .outcomes import AgreementAction, Certificate, IssueOutcome, PlanIssue
from .tribunal import DisagreementResolution, TribunalAppeal
# isort: on

__all__ = [
    "AdviserContact",
    "AgreementAction",
    "Certificate",
    "CopiesCaseDecision",
    "DisagreementResolution",
    "IssueOutcome",
    "MediationProvider",
    "MediationSession",
    "Mediator",
    "MediatorAssignment",
    "PlanIssue",
    "Referral",
    "TribunalAppeal",
    "case_decision_field",
    "case_decision_now",
    "england_date",
    "referral_first_held_refresh",
]
