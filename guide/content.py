"""The words of the "How this works" pages: what each status means and who acts on each clock, in the portal's
own words (docs/rules.md is the fuller account). Tests check that every status and every clock is explained,
so a new one cannot be added without its explanation."""

from __future__ import annotations

from dataclasses import dataclass

from cases.deadlines import CLOCKS, ClockCode
from cases.models import Status
from referrals.models import Referral

CASE_STATUS_MEANINGS: dict[str, str] = {
    Status.INTAKE: "Taken in: the disagreement is recorded; the officer checks the decision and what is disputed.",
    Status.TRIAGED: "Checked: the decision, its date and the disputed sections are known; the route is chosen next.",
    Status.DRS_ROUTE: "The family chose disagreement resolution (voluntary, no certificate, no statutory clock).",
    Status.DRS_MEETING_SCHEDULED: "A disagreement resolution meeting is arranged.",
    Status.DRS_MEETING_HELD: "The disagreement resolution meeting took place; its outcome is recorded next.",
    Status.RESOLVED: "Disagreement resolution settled the whole disagreement.",
    Status.PARTLY_RESOLVED: "Disagreement resolution settled part of the disagreement.",
    Status.UNRESOLVED: "Disagreement resolution did not settle the disagreement.",
    Status.DRS_DECLINED: "The other party declined disagreement resolution.",
    Status.MEDIATION_ROUTE: "On the mediation route: adviser contact, referral to the provider, sessions.",
    Status.POST_MEDIATION: "Mediation has ended; the certificate and any agreement follow.",
    Status.PLACEMENT_ONLY: "Only the school or setting named in section I is disputed: no certificate is needed to "
    "appeal, and mediation is still offered.",
    Status.NOT_IN_SCOPE: "Not a disagreement these routes cover (for example, not an appealable decision).",
    Status.AGREEMENT_IMPLEMENTATION: "Mediation reached agreement; the LA (or ICB) is carrying out the agreed actions "
    "by their dates.",
    Status.COMPLIED: "Every agreed action was carried out.",
    Status.BREACHED: "An agreed action was not carried out in time.",
    Status.APPEAL_WINDOW_OPEN: "The family may appeal to the Tribunal until the appeal deadline.",
    Status.APPEAL_LODGED: "The family appealed; the Tribunal's dates are tracked.",
    Status.CONCEDED_UNOPPOSED: "The LA told the Tribunal it will not oppose the appeal; the unopposed-appeal timetable "
    "applies.",
    Status.ORDER_MADE: "The Tribunal made an order; the order's timetable applies.",
    Status.APPEAL_WITHDRAWN: "The family withdrew the appeal.",
    Status.COMPLIANCE: "The LA is carrying out the Tribunal's order by its dates.",
    Status.WINDOW_EXPIRED: "The appeal deadline passed with no appeal recorded (only possible after the deadline).",
    Status.WITHDRAWN: "The family withdrew the disagreement.",
    Status.CLOSED: "Finished: open clocks were settled (missed if already due, otherwise no longer needed).",
}

REFERRAL_STATUS_MEANINGS: dict[str, str] = {
    Referral.Status.REFERRED: "Sent to the mediation provider, who must accept or decline it.",
    Referral.Status.DECLINED: "The provider declined it (for example, a conflict of interest); the case goes back to "
    "the referral queue and its clocks keep running.",
    Referral.Status.ACCEPTED: "The provider accepted it; a mediator is assigned next.",
    Referral.Status.ASSIGNED: "A mediator is assigned; they arrange the session.",
    Referral.Status.SCHEDULED: "A session is arranged; the family must have notice of its date and place.",
    Referral.Status.HELD: "A session took place; the mediator records the outcome.",
    Referral.Status.CONCLUDED: "Mediation ended with full, partial or no agreement; a certificate follows.",
    Referral.Status.NOT_HELD: "Mediation could not be held within 30 days; a certificate follows, and a later "
    "mediation can still be arranged.",
    Referral.Status.WITHDRAWN: "The family withdrew from mediation; a certificate follows.",
    Referral.Status.LA_CONCEDED: "The LA conceded before the meeting.",
}

# Who must act on each clock, as officers read it (docs/rules.md §4 and §8 D12).
CLOCK_WHO: dict[ClockCode, str] = {
    ClockCode.C1: "The family (their window)",
    ClockCode.C2: "The provider: chase them",
    ClockCode.C3: "The LA",
    ClockCode.C4: "The LA",
    ClockCode.C5: "The ICB: chase them",
    ClockCode.C6: "The provider: chase them",
    ClockCode.C7: "The LA (the ICB for health-only mediation)",
    ClockCode.C8: "The provider: chase them",
    ClockCode.C9: "The family (their window)",
    ClockCode.C10: "The LA or the ICB",
    ClockCode.C11: "The LA or the ICB",
    ClockCode.C12: "The ICB: chase them",
    ClockCode.C13: "The LA or the ICB",
    ClockCode.C14: "The LA",
    ClockCode.C15: "The LA",
    ClockCode.C16: "The ICB or LA social care",
    ClockCode.C17: "The LA",
}


@dataclass(frozen=True)
class ClockHelp:
    code: str
    title: str
    rule: str
    who: str


def clocks() -> list[ClockHelp]:
    return [ClockHelp(code, clock.title, clock.rule, CLOCK_WHO[code]) for code, clock in CLOCKS.items()]


def case_statuses() -> list[tuple[str, str]]:
    return [(label, CASE_STATUS_MEANINGS[value]) for value, label in Status.choices]


def referral_statuses() -> list[tuple[str, str]]:
    return [(label, REFERRAL_STATUS_MEANINGS[value]) for value, label in Referral.Status.choices]
