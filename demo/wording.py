"""What the demo's people say and do: advisers, reasons, venues, cancellations, agreed actions."""

from __future__ import annotations

from datetime import time as clock_time

from cases import deadlines
from cases.models import (
    Decision,
)
from demo.reference import weighted
from referrals.models import (
    MediationSession,
    Referral,
)

SS = MediationSession.SessionStatus


# fmt: off
ADVISERS = {  # fictional mediation advisers of each provider (by index into PROVIDERS)
    0: ("Rachel Dunmore", "Sam Whiteley", "Joanne Pike"),
    1: ("Marcus Okoye", "Leah Grant"),
}
PROVIDER_WEIGHTS = weighted([(0, 60), (1, 40)])  # the contract shares
NOT_SUGGESTED_REASONS = (
    "The family asked for this provider: they mediated with them before.",
    "The suggested provider has no mediator who speaks the family's language.",
    "The family's SENDIASS adviser recommended this provider.",
)
DECLINES = (
    (Referral.DeclineReason.NO_CAPACITY, ""),
    (Referral.DeclineReason.CONFLICT, "One of the provider's mediators is related to the head teacher."),
    (Referral.DeclineReason.OUTSIDE_CONTRACT, "The family lives outside the area the contract covers."),
    (Referral.DeclineReason.OTHER, "The family asked for a mediator who is also a qualified social worker."),
)
NOT_TOP_REASONS = (
    "The family met this mediator at a pre-mediation call and asked for them.",
    "The top suggestion is on leave during the 30 days.",
    "Continuity: this mediator mediated with the family last year.",
)
REASSIGN_REASONS = (
    "The first mediator is unwell; reassigned so the session can go ahead in time.",
    "The family asked for a mediator of the same gender.",
)
VENUES_IN_PERSON = (
    "Civic Centre, Committee Room 3", "Town Hall Annexe, Meeting Room 2", "Northgate Family Hub, Room 1",
    "Central Library, first-floor meeting room", "Parkside Community Centre, quiet room",
)
VENUES_ONLINE = ("Video call (link sent by email)", "Video call (link sent by email; interpreter joining)")
OFFICE_TIMES = tuple(clock_time(8 + minutes // 60, minutes % 60) for minutes in range(30, 570, 5))
SESSION_TIMES = (clock_time(9, 30), clock_time(10, 0), clock_time(13, 0), clock_time(13, 30), clock_time(14, 0))
CANCELLATIONS = (
    (SS.CANCELLED, MediationSession.Party.FAMILY, "The child was unwell."),
    (SS.CANCELLED, MediationSession.Party.LA, "No LA officer with authority to decide was free that day."),
    (SS.CANCELLED, MediationSession.Party.MEDIATOR, "The mediator was unwell."),
    (SS.DID_NOT_ATTEND, MediationSession.Party.FAMILY, "The family did not join and could not be reached."),
)
WAIVE_REASON = "The family asked for the mediation after the 30 days; the parties agreed the date in writing."
CORRECTION_REASON = "Version 1 gave the wrong date for the decision letter."

# What a mediation agreement on the appealable decision requires (C10), and the unopposed-appeal kind (C15).
AGREEMENT_ORDER = {
    Decision.RTA: ("Carry out the EHC needs assessment", deadlines.OrderKind.ASSESS),
    Decision.RTR: ("Carry out the EHC needs re-assessment", deadlines.OrderKind.REASSESS),
    Decision.RTI: ("Make and maintain an EHC plan", deadlines.OrderKind.MAKE_AND_MAINTAIN_PLAN),
    Decision.CONTENT_B: ("Amend section B as agreed", deadlines.OrderKind.AMEND_CONTENTS),
    Decision.CONTENT_F: ("Amend section F as agreed", deadlines.OrderKind.AMEND_CONTENTS),
    Decision.RTAM: ("Amend the plan as agreed", deadlines.OrderKind.AMEND_CONTENTS),
    Decision.PLACEMENT_I: ("Name the agreed school in section I", deadlines.OrderKind.CHANGE_NAMED_SCHOOL),
    Decision.CEASE: ("Continue to maintain the EHC plan", deadlines.OrderKind.CONTINUE_TO_MAINTAIN),
}
UNOPPOSED_KIND = {
    Decision.RTA: deadlines.UnopposedAppealKind.ASSESS,
    Decision.RTR: deadlines.UnopposedAppealKind.REASSESS,
    Decision.RTI: deadlines.UnopposedAppealKind.REFUSAL_TO_ISSUE,
    Decision.CONTENT_B: deadlines.UnopposedAppealKind.CONTENT,
    Decision.CONTENT_F: deadlines.UnopposedAppealKind.CONTENT,
    Decision.RTAM: deadlines.UnopposedAppealKind.REFUSAL_TO_AMEND,
    Decision.PLACEMENT_I: deadlines.UnopposedAppealKind.PLACEMENT_ONLY,
    Decision.CEASE: deadlines.UnopposedAppealKind.CEASE,
}
OTHER_ACTIONS = (
    "Educational psychologist to observe the child in school and send a report",
    "Arrange a transition meeting with the new setting",
    "Fund a laptop and assistive software for the rest of the term",
    "Interim one-to-one support in class for three weeks",
    "Send the family the notes of the annual review meeting",
    "Review home-to-school transport",
)
ICB_ACTIONS = (
    "ICB to tell the LA what it agreed about speech and language therapy",
    "ICB to tell the LA what it agreed about occupational therapy",
)
AGREED_ACTIONS = ("Review meeting with the family on the agreed date", "Joint visit to the proposed school")
# fmt: on
