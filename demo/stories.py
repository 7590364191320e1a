"""The demo's cases: one story per situation a caseworker meets, each told through the services (demo.casework).

Every date is counted back (or on) from today in working days, so the demo always shows cases at every stage:
new intakes, cases waiting for a referral or a provider, sessions arranged, certificates due and overdue,
agreements with actions due, tribunal appeals and their compliance steps, disagreement resolution, and closed
cases. The demo sign-ins each find work: every bookable mediator has a session coming up, another mediation and a
certificate to issue; `officer` has clocks overdue, due today and due this week.
"""

from __future__ import annotations

from cases.deadlines import ClockCode, OrderKind, UnopposedAppealKind
from cases.models import ContactChannel, Decision, Route, Status
from demo import wording
from demo.casework import Desk
from demo.people import WITHDRAWN_REASONS
from demo.reference import MEDIATORS
from referrals.models import AdviserContact, AgreementAction, DisagreementResolution, Referral, TribunalAppeal

MED, DRS, PLACEMENT = Route.MEDIATION, Route.DRS, Route.PLACEMENT_ONLY
CHOICE = AdviserContact.Choice
OUTCOME = Referral.Outcome
BASIS = AgreementAction.Basis
APPEAL = TribunalAppeal.Outcome
DRS_KIND = DisagreementResolution.Kind
DRS_OUTCOME = DisagreementResolution.Outcome

# (decision, sections disputed) the workspace stories cycle through.
DISPUTES = (
    (Decision.RTA, ()),
    (Decision.CONTENT_F, ("F",)),
    (Decision.RTI, ()),
    (Decision.CONTENT_B, ("B", "F")),
    (Decision.RTAM, ("F",)),
    (Decision.CEASE, ()),
    (Decision.RTR, ()),
    (Decision.CONTENT_F, ("F", "I")),
)
OFFICERS = ("officer", "officer2", "officer3", "officer4")


def bookable_mediators() -> list[tuple[str, int]]:
    """(username, provider index) of the demo mediators a referral can go to (active, independent of the LA)."""
    return [(m.user.username, m.provider) for m in MEDIATORS if m.active and not m.employed_by_la]


def _mediation_under_way(desk: Desk, *, opened: int, decision=Decision.RTA, sections=(), officer="officer",
                         mediator: str | None = None, provider: int | None = None, **facts):  # fmt: skip
    """A case taken in `opened` days ago, referred for mediation and given a mediator a few days later."""
    case = desk.open(opened=desk.ago(opened), route=MED, decision=decision, sections=sections, officer=officer,
                     **facts)  # fmt: skip
    case.adviser(desk.ago(opened - 2))
    case.refer(desk.ago(opened - 3), provider=provider)
    case.accept(desk.ago(opened - 4))
    case.assign(desk.ago(opened - 5), mediator)
    return case


# --- The start of the pathway ---------------------------------------------------------------------------------


def new_intakes(desk: Desk) -> None:
    desk.open(opened=desk.ago(0), route=MED, decision=Decision.RTA, channel=ContactChannel.EMAIL, officer=None,
              taken_in_by="officer2")  # fmt: skip
    case = desk.open(opened=desk.ago(2), route=MED, decision=Decision.CONTENT_F, sections=("F",), officer="officer3")
    case.note(desk.ago(2), "Mum rang: the final plan does not name the speech and language therapy hours agreed at "
                           "the review. She would like to try mediation first.")  # fmt: skip
    desk.open(opened=desk.ago(1), route=MED, decision=Decision.RTI, letter_days=75, officer="officer4",
              channel=ContactChannel.LETTER)  # fmt: skip
    desk.open(opened=desk.ago(3), route=DRS, channel=ContactChannel.SENDIASS, officer=None, taken_in_by="officer")


def awaiting_referral(desk: Desk) -> None:
    """Triaged; the family has yet to contact the adviser, or has chosen mediation and waits for the referral."""
    case = desk.open(opened=desk.ago(6), route=MED, decision=Decision.RTA, officer="officer2")
    case.move(desk.ago(5), Status.TRIAGED)
    case = desk.open(opened=desk.ago(9), route=MED, decision=Decision.CONTENT_B, sections=("B", "F"))
    case.move(desk.ago(8), Status.TRIAGED)
    case.adviser(desk.ago(4))
    case = desk.open(opened=desk.ago(5), route=MED, decision=Decision.CONTENT_F, sections=("C", "F"), health=True,
                     officer="officer3")  # fmt: skip
    case.adviser(desk.ago(3))
    case.move(desk.ago(3), Status.TRIAGED)


def with_the_provider(desk: Desk) -> None:
    """Referred and waiting for the provider; accepted and waiting for a mediator; declined and referred again."""
    case = desk.open(opened=desk.ago(8), route=MED, decision=Decision.RTR, officer="officer4")
    case.adviser(desk.ago(6))
    case.refer(desk.ago(2))
    case = desk.open(opened=desk.ago(12), route=MED, decision=Decision.CEASE, officer="officer2")
    case.adviser(desk.ago(10))
    case.refer(desk.ago(8))
    case.accept(desk.ago(6))
    case = desk.open(opened=desk.ago(21), route=MED, decision=Decision.RTA, officer="officer")
    case.adviser(desk.ago(19))
    case.refer(desk.ago(18), provider=0)
    reason, detail = wording.DECLINES[0]
    case.decline(desk.ago(16), reason, detail)
    case.refer(desk.ago(15), provider=1)
    case.accept(desk.ago(14))
    case.assign(desk.ago(13))


# --- Mediation: what each mediator has on ----------------------------------------------------------------------


def mediators_at_work(desk: Desk) -> None:
    """For each bookable mediator: a session coming up, another mediation (assigned, or held and to be concluded)
    and a concluded one whose certificate is due (overdue for the first). Each referral goes to the provider the
    portal suggests when one of its mediators still needs a case, so few need a reason for another provider."""
    mediators = bookable_mediators()
    slots = [(kind, i, username, provider) for kind in range(3) for i, (username, provider) in enumerate(mediators)]
    tries = 3 * len(slots)
    while slots and tries:
        tries -= 1
        suggested = desk.suggested_provider()
        slot = next((slot for slot in slots if slot[3] == suggested), slots[0])
        kind, i, username, provider = slot
        decision, sections = DISPUTES[(i + 3 * kind) % len(DISPUTES)]
        officer = OFFICERS[(i + kind) % len(OFFICERS)]
        if kind == 0:  # a session coming up
            case = _mediation_under_way(desk, opened=20 + i, decision=decision, sections=sections, officer=officer,
                                        mediator=username, provider=provider)  # fmt: skip
            case.arrange(desk.ahead(2 + i), online=i % 2 == 1)
        elif kind == 1:  # another mediation: a mediator just assigned, or a session held yesterday
            case = _mediation_under_way(desk, opened=12 + i, decision=decision, sections=sections, officer=officer,
                                        mediator=username, provider=provider)  # fmt: skip
            if i % 2 == 0:
                case.arrange(desk.ago(1), notice=desk.ago(7))
                case.held()
        else:  # concluded without agreement: the certificate is due (overdue for the first mediator)
            concluded = 9 if i == 0 else 1 + i % 2
            case = _mediation_under_way(desk, opened=concluded + 30, decision=decision, sections=sections,
                                        officer=officer, mediator=username, provider=provider)  # fmt: skip
            case.arrange(desk.ago(concluded), hour=13)
            case.held()
            case.conclude(desk.ago(concluded), OUTCOME.NONE)
        if case.referral.mediator == desk.mediators[username]:
            slots.remove(slot)  # else the family's school or name ruled the mediator out: another family, later


def sessions_that_moved(desk: Desk) -> None:
    """A session the family cancelled, arranged again at shorter notice; a mediator changed part way."""
    case = _mediation_under_way(desk, opened=30, decision=Decision.CONTENT_F, sections=("F",), officer="officer2")
    case.arrange(desk.ago(9))
    case.cancelled(desk.ago(10), kind=0)
    case.arrange(desk.ahead(3), notice=desk.ago(1))
    case = _mediation_under_way(desk, opened=26, decision=Decision.RTA, officer="officer3", mediator="mediator2")
    case.assign(desk.ago(18), "mediator3")
    case.arrange(desk.ahead(5), online=True)


def health_mediation(desk: Desk) -> None:
    """Health care issues: the LA tells the ICB (C3); health-only mediation is the ICB's to arrange (C5)."""
    case = desk.open(opened=desk.ago(11), route=MED, decision=Decision.HSC, sections=("C", "G"), health=True,
                     officer="officer")  # fmt: skip
    case.adviser(desk.ago(9))
    case.refer(desk.ago(8))
    case.notify_icb(desk.ago(6))
    case.accept(desk.ago(5))
    case = desk.open(opened=desk.ago(7), route=MED, decision=Decision.CONTENT_F, sections=("C", "F"), health=True,
                     officer="officer2")  # fmt: skip
    case.adviser(desk.ago(6))
    case.refer(desk.ago(6))  # the ICB not yet told: C3 overdue by now


def mediation_ends_otherwise(desk: Desk) -> None:
    """Mediation that cannot be held in time (C6), a family that withdrew (C2), and a late one whose 30 days a
    manager waived because the parties agreed the date in writing."""
    case = _mediation_under_way(desk, opened=44, decision=Decision.RTAM, officer="officer")
    case.not_held_in_time(desk.ago(6))
    case = _mediation_under_way(desk, opened=28, decision=Decision.CONTENT_B, sections=("B",), officer="officer4")
    case.family_withdrew(desk.ago(4), "The family decided to wait for the annual review instead.")
    case = _mediation_under_way(desk, opened=40, decision=Decision.RTA, officer="officer3")
    case.waive(desk.ago(30), ClockCode.C4, wording.WAIVE_REASON)
    case.arrange(desk.ahead(4))


# --- Certificates ------------------------------------------------------------------------------------------------


def certificates(desk: Desk) -> None:
    """Families who chose a certificate without mediation: due, overdue, issued (the appeal window open), and one
    corrected after issue, waiting for a manager's confirmation."""
    case = desk.open(opened=desk.ago(2), route=MED, decision=Decision.RTA, officer="officer")
    case.adviser(desk.ago(1), CHOICE.NO_MEDIATION)
    case.move(desk.ago(1), Status.TRIAGED)
    case = desk.open(opened=desk.ago(14), route=MED, decision=Decision.CONTENT_F, sections=("F",), officer="officer")
    case.adviser(desk.ago(10), CHOICE.NO_MEDIATION)
    case = desk.open(opened=desk.ago(45), route=MED, decision=Decision.CEASE, officer="officer2")
    case.adviser(desk.ago(40), CHOICE.NO_MEDIATION)
    case.certificate(desk.ago(38))
    case.move(desk.ago(37), Status.TRIAGED)
    case = desk.open(opened=desk.ago(30), route=MED, decision=Decision.RTI, officer="officer3")
    case.adviser(desk.ago(27), CHOICE.NO_MEDIATION)
    case.certificate(desk.ago(26))
    case.certificate(desk.ago(22), correction=wording.CORRECTION_REASON)


# --- Agreements ----------------------------------------------------------------------------------------------------


def agreements(desk: Desk) -> None:
    """Written agreements being carried out (reg 42): `officer`'s has actions due today, this week and overdue;
    one partial agreement has the ICB to report back; the LA conceded on another; one was complied with and
    closed, one breached."""
    case = _mediation_under_way(desk, opened=42, decision=Decision.RTA, officer="officer")
    case.arrange(desk.ago(16))
    case.held()
    case.conclude(desk.ago(16), OUTCOME.FULL)
    case.certificate(desk.ago(15))
    agreed = desk.ago(16)
    case.agree(agreed, "Carry out the EHC needs assessment", basis=BASIS.APPEALABLE, order_kind=OrderKind.ASSESS)
    # A review meeting agreed for today (the next working day when the demo is seeded at a weekend).
    case.agree(agreed, wording.AGREED_ACTIONS[0], basis=BASIS.AGREED_IN_WRITING, due=desk.ahead(0))
    case.agree(agreed, wording.AGREED_ACTIONS[1], basis=BASIS.AGREED_IN_WRITING, due=desk.ahead(3))
    case.agree(agreed, "Send the family the agreed provision map", basis=BASIS.AGREED_IN_WRITING, due=desk.ago(2))
    (visit,) = case.agree(agreed, wording.OTHER_ACTIONS[0], basis=BASIS.OTHER)
    case.done(visit, desk.ago(6))

    case = _mediation_under_way(desk, opened=55, decision=Decision.CONTENT_F, sections=("C", "F"), health=True,
                                officer="officer2")  # fmt: skip
    case.notify_icb(desk.ago(49))
    case.arrange(desk.ago(30))
    case.held()
    case.conclude(desk.ago(29), OUTCOME.PARTIAL)
    case.certificate(desk.ago(27))
    case.agree(desk.ago(29), wording.ICB_ACTIONS[0], basis=BASIS.ICB_TO_LA, owner=AgreementAction.Owner.ICB)
    (transport,) = case.agree(desk.ago(29), wording.OTHER_ACTIONS[5], basis=BASIS.OTHER)
    case.done(transport, desk.ago(20))

    case = desk.open(opened=desk.ago(36), route=MED, decision=Decision.RTI, officer="officer4")
    case.adviser(desk.ago(34))
    case.refer(desk.ago(33))
    case.accept(desk.ago(32))
    case.la_conceded(desk.ago(20))
    case.agree(desk.ago(20), "Make and maintain an EHC plan", basis=BASIS.APPEALABLE,
               order_kind=OrderKind.MAKE_AND_MAINTAIN_PLAN)  # fmt: skip

    for outcome_status, opened in ((Status.COMPLIED, 160), (Status.BREACHED, 120), (Status.CLOSED, 400)):
        case = _mediation_under_way(desk, opened=opened, decision=Decision.CONTENT_F, sections=("F",),
                                    officer="officer3")  # fmt: skip
        held = desk.ago(opened - 22)
        case.arrange(held)
        case.held()
        case.conclude(held, OUTCOME.FULL)
        case.certificate(desk.working_days_after(held, 2))
        (action,) = case.agree(held, wording.OTHER_ACTIONS[4], basis=BASIS.OTHER)
        (support,) = case.agree(held, wording.OTHER_ACTIONS[3], basis=BASIS.AGREED_IN_WRITING,
                                due=desk.working_days_after(held, 15))  # fmt: skip
        case.done(action, desk.working_days_after(held, 8))
        if outcome_status in (Status.COMPLIED, Status.CLOSED):
            case.done(support, desk.working_days_after(held, 14))
            case.move(desk.working_days_after(held, 20), Status.COMPLIED)
            if outcome_status == Status.CLOSED:
                case.close(desk.working_days_after(held, 30))
        else:
            case.note(desk.working_days_after(held, 18), "Parent emailed: the one-to-one support has not started.")
            case.move(desk.working_days_after(held, 19), Status.BREACHED)


# --- After mediation: appeals --------------------------------------------------------------------------------------


def _certificate_then_window(desk: Desk, *, opened: int, issued: int, decision=Decision.CONTENT_F, sections=("F",),
                             officer="officer", **facts):  # fmt: skip
    """No mediation: the certificate was issued `issued` days ago and the appeal window opened."""
    case = desk.open(opened=desk.ago(opened), route=MED, decision=decision, sections=sections, officer=officer,
                     **facts)  # fmt: skip
    case.adviser(desk.ago(issued + 2), CHOICE.NO_MEDIATION)
    case.certificate(desk.ago(issued))
    for status in (Status.TRIAGED, Status.MEDIATION_ROUTE, Status.POST_MEDIATION, Status.APPEAL_WINDOW_OPEN):
        case.move(desk.ago(issued), status)
    return case


def appeals(desk: Desk) -> None:
    """The appeal window open after mediation; appeals lodged (the LA's response due, and overdue); an order being
    complied with; an unopposed appeal; recommendations; withdrawn, dismissed and expired ones closed."""
    case = _mediation_under_way(desk, opened=60, decision=Decision.CONTENT_B, sections=("B", "F"), officer="officer4")
    case.arrange(desk.ago(36))
    case.held()
    case.conclude(desk.ago(35), OUTCOME.NONE)
    case.certificate(desk.ago(33))
    case.move(desk.ago(32), Status.APPEAL_WINDOW_OPEN)

    case = _certificate_then_window(desk, opened=100, issued=90, officer="officer")
    case.appeal_lodged(desk.ago(18), registered=desk.ago(20))
    case = _certificate_then_window(desk, opened=120, issued=110, decision=Decision.RTA, sections=(),
                                    officer="officer2")  # fmt: skip
    case.appeal_lodged(desk.ago(48), registered=desk.ago(50), hearing=desk.ahead(40))

    case = _certificate_then_window(desk, opened=330, issued=300, decision=Decision.RTA, sections=(),
                                    officer="officer3")  # fmt: skip
    case.appeal_lodged(desk.ago(268), registered=desk.ago(270))
    case.compliance_done(ClockCode.C17, desk.ago(230))
    case.appeal_outcome(desk.ago(40), APPEAL.UPHELD, order_kind=OrderKind.ASSESS, order_sent_on=desk.ago(38))
    case.compliance_done(f"{ClockCode.C14}:{case.appeal.pk}:request", desk.ago(30))

    case = _certificate_then_window(desk, opened=210, issued=190, decision=Decision.CONTENT_F, sections=("C", "F"),
                                    health=True, officer="officer")  # fmt: skip
    case.appeal_lodged(desk.ago(158), registered=desk.ago(160))
    case.compliance_done(ClockCode.C17, desk.ago(125))
    case.appeal_outcome(desk.ago(12), APPEAL.PARTLY_UPHELD, order_kind=OrderKind.AMEND_CONTENTS,
                        order_sent_on=desk.ago(10), recommendation_on=desk.ago(12),
                        recommendation_to=TribunalAppeal.RecommendationTo.ICB)  # fmt: skip

    case = _certificate_then_window(desk, opened=200, issued=180, decision=Decision.RTI, sections=(),
                                    officer="officer4")  # fmt: skip
    case.appeal_lodged(desk.ago(148), registered=desk.ago(150))
    case.appeal_outcome(desk.ago(20), APPEAL.CONCEDED, unopposed_kind=UnopposedAppealKind.REFUSAL_TO_ISSUE,
                        unopposed_notified_on=desk.ago(21))  # fmt: skip

    case = _certificate_then_window(desk, opened=260, issued=240, decision=Decision.RTAM, sections=("F",),
                                    officer="officer2")  # fmt: skip
    case.appeal_lodged(desk.ago(208), registered=desk.ago(210))
    case.appeal_outcome(desk.ago(60), APPEAL.WITHDRAWN)

    case = _certificate_then_window(desk, opened=280, issued=250, decision=Decision.CEASE, sections=(),
                                    officer="officer")  # fmt: skip
    case.appeal_lodged(desk.ago(228), registered=desk.ago(230))
    case.compliance_done(ClockCode.C17, desk.ago(200))
    case.appeal_outcome(desk.ago(45), APPEAL.DISMISSED)

    case = _certificate_then_window(desk, opened=160, issued=150, decision=Decision.RTR, sections=(),
                                    officer="officer3")  # fmt: skip
    case.move(desk.ago(60), Status.WINDOW_EXPIRED)


# --- Other routes and endings -----------------------------------------------------------------------------------


def placement_only(desk: Desk) -> None:
    """Section I alone disputed: information about mediation given, the appeal window open."""
    for opened, window in ((12, False), (40, True)):
        case = desk.open(opened=desk.ago(opened), route=PLACEMENT, decision=Decision.PLACEMENT_I, sections=("I",),
                         officer="officer4" if window else "officer")  # fmt: skip
        case.adviser(desk.ago(opened - 2), CHOICE.PLACEMENT_INFO)
        case.move(desk.ago(opened - 3), Status.TRIAGED)
        case.move(desk.ago(opened - 3), Status.PLACEMENT_ONLY)
        if window:
            case.move(desk.ago(opened - 5), Status.APPEAL_WINDOW_OPEN)


def withdrawn_and_out_of_scope(desk: Desk) -> None:
    for opened, closed in ((16, False), (200, True)):
        case = desk.open(opened=desk.ago(opened), route=MED, decision=Decision.RTA, officer="officer2")
        case.move(desk.ago(opened - 2), Status.TRIAGED)
        case.move(desk.ago(opened - 4), Status.NOT_IN_SCOPE,
                  "The family's concern is a school exclusion, not an EHC decision.")  # fmt: skip
        if closed:
            case.close(desk.ago(opened - 10))
    case = desk.open(opened=desk.ago(25), route=MED, decision=Decision.RTAM, sections=("F",), officer="officer3")
    case.adviser(desk.ago(23))
    case.move(desk.ago(10), Status.WITHDRAWN, WITHDRAWN_REASONS[0])
    case = desk.open(opened=desk.ago(90), route=MED, decision=Decision.RTA, officer="officer")
    case.move(desk.ago(85), Status.TRIAGED)
    case.move(desk.ago(70), Status.WITHDRAWN, "The LA agreed to carry out the needs assessment.")
    case.close(desk.ago(65))


def disagreement_resolution(desk: Desk) -> None:
    """Disagreement resolution (no statutory clock): referred, a meeting arranged, resolved, partly resolved,
    unresolved and declined, the older ones closed."""
    stories = (
        (10, DRS_KIND.SCHOOL_PROVISION, None, None, False),
        (20, DRS_KIND.LA_OR_EDUCATION_BODY, 3, None, False),
        (30, DRS_KIND.SCHOOL_PROVISION, 12, DRS_OUTCOME.RESOLVED, False),
        (180, DRS_KIND.SCHOOL_PROVISION, 140, DRS_OUTCOME.RESOLVED, True),
        (50, DRS_KIND.LA_AND_HEALTH, 25, DRS_OUTCOME.PARTLY_RESOLVED, False),
        (45, DRS_KIND.LA_OR_EDUCATION_BODY, 20, DRS_OUTCOME.UNRESOLVED, False),
        (70, DRS_KIND.SCHOOL_PROVISION, None, DRS_OUTCOME.DECLINED, False),
        (240, DRS_KIND.LA_OR_EDUCATION_BODY, None, DRS_OUTCOME.DECLINED, True),
    )
    for i, (opened, kind, meeting, outcome, closed) in enumerate(stories):
        health = kind == DRS_KIND.LA_AND_HEALTH
        case = desk.open(opened=desk.ago(opened), route=DRS, health=health, officer=OFFICERS[i % 4],
                         decision=Decision.HSC if health else "", sections=("C", "F") if health else ())  # fmt: skip
        case.drs_refer(desk.ago(opened - 4), kind)
        if meeting is not None:
            arranged = desk.ago(max(meeting + 10, opened - 8)) if meeting > 5 else desk.ago(2)
            case.drs_record(arranged, meeting_on=desk.ago(meeting) if meeting > 5 else desk.ahead(meeting))
        if outcome == DRS_OUTCOME.DECLINED:
            case.drs_record(desk.ago(opened - 12), outcome=outcome, outcome_on=desk.ago(opened - 12))
        elif outcome:
            case.drs_record(desk.ago(meeting - 2), outcome=outcome, outcome_on=desk.ago(meeting))
        if closed:
            case.close(desk.ago(opened - 50))


STORIES = (
    new_intakes,
    awaiting_referral,
    with_the_provider,
    mediators_at_work,
    sessions_that_moved,
    health_mediation,
    mediation_ends_otherwise,
    certificates,
    agreements,
    appeals,
    placement_only,
    withdrawn_and_out_of_scope,
    disagreement_resolution,
)
