"""Replaying bulk-seeded cases through the real services, to check the bulk data is what the portal would record.

facts_of() reads everything the bulk seed wrote for a case (the case, its timeline's assignments and status changes,
and every pathway record); replay() then does that casework again as a new case through the services the portal's
pages call, each step at the moment (or on the day) the bulk data says it happened; outcome_of() reads back what
the portal made of it (statuses, clocks, due dates), in a form two cases can be compared by.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import clock_services
from cases import services as case_services
from cases.models import Case, CaseEvent, Deadline, Status
from demo.casework import on
from referrals import rules as referral_rules
from referrals import services
from referrals.models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    DisagreementResolution,
    IssueOutcome,
    MediationSession,
    MediatorAssignment,
    Referral,
    TribunalAppeal,
)
from referrals.selectors import mediator_ranking, provider_suggestion

SS = MediationSession.SessionStatus
STEP_KEYS = ("C14", "C15", "C16", "C17")


@dataclass
class Facts:
    case: Case
    events: list[CaseEvent]
    contact: AdviserContact | None
    referrals: list[Referral]
    assignments: dict[int, list[MediatorAssignment]]
    sessions: dict[int, list[MediationSession]]
    issue_outcomes: dict[int, dict[str, str]]
    actions: dict[int, list[AgreementAction]]
    certificates: list[Certificate]
    appeal: TribunalAppeal | None
    drs: DisagreementResolution | None
    waived: list[Deadline] = field(default_factory=list)


def facts_of(case: Case) -> Facts:
    referrals = list(case.referrals.order_by("pk"))
    ids = [r.pk for r in referrals]
    by_referral = lambda rows: {pk: [row for row in rows if row.referral_id == pk] for pk in ids}  # noqa: E731
    outcomes: dict[int, dict[str, str]] = {pk: {} for pk in ids}
    for row in IssueOutcome.objects.filter(referral_id__in=ids).order_by("pk"):
        outcomes[row.referral_id][row.issue] = row.result
    return Facts(
        case=case,
        events=list(case.events.order_by("created_at", "pk")),
        contact=AdviserContact.objects.filter(case=case).first(),
        referrals=referrals,
        assignments=by_referral(list(MediatorAssignment.objects.filter(referral_id__in=ids).order_by("assigned_at"))),
        sessions=by_referral(list(MediationSession.objects.filter(referral_id__in=ids).order_by("created_at", "pk"))),
        issue_outcomes=outcomes,
        actions=by_referral(list(AgreementAction.objects.filter(referral_id__in=ids).order_by("pk"))),
        certificates=list(case.certificates.order_by("version")),
        appeal=TribunalAppeal.objects.filter(case=case).first(),
        drs=DisagreementResolution.objects.filter(case=case).first(),
        waived=list(case.deadlines.filter(state=Deadline.State.WAIVED)),
    )


# Within a day, steps run in the order the portal needs them (a referral before its answer, a session before the
# outcome, an outcome before its certificate); the case's own status changes come last in their day.
RANK = {
    "create": 0, "officer": 1, "adviser": 2, "referral": 3, "drs": 3, "icb": 4, "drs meeting": 4, "respond": 5,
    "drs outcome": 5, "assign": 6, "schedule": 7, "session": 8, "not held": 9, "withdraw": 9, "conclude": 10,
    "conceded": 10, "action": 11, "action done": 12, "certificate": 13, "review": 14, "appeal": 15, "outcome": 16,
    "step": 17, "status": 20,
}  # fmt: skip


def _day(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


class Replay:
    """The steps of one case, each on its day and in the order RANK gives within a day, run in time order."""

    def __init__(self, facts: Facts, now: datetime) -> None:
        self.f = facts
        self.now = now
        self.steps: list[tuple[date, int, int, object]] = []
        self.case: Case | None = None
        self.referrals: dict[int, Referral] = {}  # bulk id -> replayed referral
        self.sessions: dict[int, MediationSession] = {}
        self.appeal: TribunalAppeal | None = None
        self.drs: DisagreementResolution | None = None
        self.actions: dict[int, AgreementAction] = {}
        self.nth = 0  # which referral's steps are being planned

    def at(self, when: date | datetime, step: str, fn) -> None:
        """`fn` on the day of `when`, in RANK order within the day (a later referral's steps after the ones before)."""
        rank = 100 if step == "status" else RANK[step] + 20 * self.nth
        self.steps.append((_day(when), rank, len(self.steps), fn))

    def run(self) -> Case:
        zone = timezone.get_current_timezone()
        for day, rank, _, fn in sorted(self.steps, key=lambda step: step[:3]):
            moment = datetime.combine(day, time(8, 0), tzinfo=zone) + timedelta(minutes=5 * rank)
            if self.case is not None:
                self.case.refresh_from_db()
            with on(min(moment, self.now)):
                fn()
        return self.case


def _user(pk):
    return get_user_model().objects.get(pk=pk) if pk else None


def replay(facts: Facts, *, now: datetime) -> Case:
    """Do the bulk case's casework again through the services, as a new case; returns it."""
    r = Replay(facts, now)
    c = facts.case
    officer = _user(c.officer_id)
    creator = _user(c.created_by_id)
    data = {name: getattr(c, name) for name in case_services.EDITABLE_FIELDS}

    def create():
        r.case = case_services.case_create(actor=creator, data=data)

    r.at(c.created_at, "create", create)
    for event in facts.events:
        if event.kind == CaseEvent.Kind.OFFICER_ASSIGNED:
            r.at(event.created_at, "officer", lambda e=event: case_services.case_assign_officer(
                case=r.case, actor=creator, officer=_user(e.data["officer"])))  # fmt: skip
        elif event.kind == CaseEvent.Kind.STATUS_CHANGED:
            r.at(event.created_at, "status", lambda e=event: _move(r, officer or creator, e))
    actor = officer or creator
    _adviser(r, actor)
    for nth, referral in enumerate(facts.referrals):
        r.nth = nth
        _referral(r, actor, referral)
    _certificates(r, actor)
    _tribunal(r, actor)
    _drs(r, actor)
    case = r.run()
    manager = get_user_model().objects.get(username="manager")
    for row in facts.waived:
        key = _replayed_key(r, row.key)
        deadline = case.deadlines.filter(key=key, state=Deadline.State.OPEN).first()
        if deadline is not None:
            clock_services.deadline_waive(deadline=deadline, actor=manager, reason=row.waived_reason)
    return case


def _move(r: Replay, actor, event: CaseEvent) -> None:
    """The bulk case's own status change, unless a service already took the case there (or past it)."""
    target = event.data["to"]
    visited = r.case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED, data__to=target).exists()
    if r.case.status == target or visited:
        return
    reason = ""
    if target == Status.WITHDRAWN:
        reason = r.f.case.withdrawn_reason
    elif target == Status.NOT_IN_SCOPE:
        reason = "Not in scope."
    case_services.case_change_status(case=r.case, actor=actor, to_status=target, reason=reason)


def _adviser(r: Replay, actor) -> None:
    contact = r.f.contact
    if contact is None:
        return
    r.at(max(contact.contacted_on, r.f.case.first_contact_on), "adviser", lambda: services.adviser_contact_record(
        case=r.case, actor=actor, contacted_on=contact.contacted_on, choice=contact.choice,
        provider=contact.provider, adviser_name=contact.adviser_name))  # fmt: skip


def _referral(r: Replay, actor, ref: Referral) -> None:
    def create():
        suggestion = provider_suggestion()
        reason = "" if suggestion and suggestion.provider_id == ref.provider_id else "The family asked for them."
        r.referrals[ref.pk] = services.referral_create(
            case=r.case, actor=actor, provider=ref.provider, family_told_la_on=ref.family_told_la_on,
            provider_told_la_on=ref.provider_told_la_on, provider_choice_reason=reason,
            health_issues=ref.health_issues, health_only=ref.health_only, health_told_on=ref.health_told_on,
            referred_on=ref.referred_on,
        )  # fmt: skip

    r.at(ref.referred_on, "referral", create)
    new = lambda: Referral.objects.get(pk=r.referrals[ref.pk].pk)  # noqa: E731  (as a page loads it)
    if ref.icb_notified_on:
        r.at(max(ref.icb_notified_on, ref.referred_on), "icb", lambda: services.referral_notify_icb(
            referral=new(), actor=actor, notified_on=ref.icb_notified_on, received_on=ref.icb_received_on))  # fmt: skip
    if ref.responded_on:
        accepted = ref.status != Referral.Status.DECLINED
        r.at(ref.responded_on, "respond", lambda: services.referral_respond(
            referral=new(), actor=actor, accepted=accepted, responded_on=ref.responded_on,
            decline_reason=ref.decline_reason, decline_detail=ref.decline_detail))  # fmt: skip
    for assignment in r.f.assignments[ref.pk]:
        r.at(assignment.assigned_at, "assign", lambda a=assignment: _assign(new(), actor, a))
    for session in r.f.sessions[ref.pk]:
        _session(r, ref, session)
    if ref.not_held_notified_on:
        r.at(ref.not_held_notified_on, "not held", lambda: services.referral_not_held_in_time(
            referral=new(), actor=actor, notified_on=ref.not_held_notified_on))  # fmt: skip
    if ref.status == Referral.Status.WITHDRAWN:
        r.at(ref.concluded_on, "withdraw", lambda: services.referral_withdraw(
            referral=new(), actor=actor, withdrawn_on=ref.concluded_on, reason="The family withdrew."))  # fmt: skip
    elif ref.status == Referral.Status.LA_CONCEDED:
        r.at(ref.agreement_on, "conceded", lambda: services.referral_la_conceded(
            referral=new(), actor=actor, agreement_on=ref.agreement_on))  # fmt: skip
    elif ref.status == Referral.Status.CONCLUDED:
        mediator_user = ref.mediator.user if ref.mediator else actor
        r.at(ref.concluded_on, "conclude", lambda: services.referral_conclude(
            referral=new(), actor=mediator_user, concluded_on=ref.concluded_on, outcome=ref.outcome,
            issue_outcomes=r.f.issue_outcomes[ref.pk], agreement_on=ref.agreement_on))  # fmt: skip
    _actions(r, actor, ref)


def _assign(referral: Referral, actor, assignment: MediatorAssignment) -> None:
    top = referral_rules.top_choice(mediator_ranking(referral))
    reason = "" if top == assignment.mediator_id else (assignment.reason or "The family asked for them.")
    services.referral_assign_mediator(referral=referral, actor=actor, mediator=assignment.mediator, reason=reason)


def _session(r: Replay, ref: Referral, session: MediationSession) -> None:
    mediator_user = session.recorded_by

    def schedule():
        r.sessions[session.pk] = services.session_schedule(
            referral=r.referrals[ref.pk], actor=mediator_user, starts_at=session.starts_at, mode=session.mode,
            venue=session.venue, notice_sent_on=session.notice_sent_on,
            short_notice_consent=session.short_notice_consent,
        )  # fmt: skip

    r.at(session.notice_sent_on, "schedule", schedule)
    if session.status == SS.PLANNED:
        return
    attendance = {name: getattr(session, name) for name in services.ATTENDANCE_FIELDS}
    r.at(session.starts_at, "session", lambda: services.session_record(
        session=r.sessions[session.pk], actor=mediator_user, status=session.status,
        cancelled_by=session.cancelled_by, cancel_reason=session.cancel_reason, attendance=attendance))  # fmt: skip


def _actions(r: Replay, actor, ref: Referral) -> None:
    """agreement_action_add makes every step of an appealable matter in one call: replay one call per matter."""
    added: set[tuple[str, str]] = set()
    for action in r.f.actions[ref.pk]:
        text = action.description
        if action.basis == AgreementAction.Basis.APPEALABLE:
            text = text.rsplit(": ", 1)[0]
            if (text, action.order_kind) in added:
                continue
            added.add((text, action.order_kind))

        def add(action=action, text=text):
            rows = services.agreement_action_add(
                referral=r.referrals[ref.pk], actor=actor, description=text, owner=action.owner, basis=action.basis,
                order_kind=action.order_kind,
                agreed_due_on=action.due_on if action.basis == AgreementAction.Basis.AGREED_IN_WRITING else None,
            )  # fmt: skip
            for row in rows:
                originals = [a for a in r.f.actions[ref.pk] if a.description == row.description]
                r.actions[originals[0].pk] = row

        r.at(ref.agreement_on, "action", add)
    for action in r.f.actions[ref.pk]:
        if action.done_on:
            r.at(action.done_on, "action done", lambda a=action: services.agreement_action_complete(
                action=r.actions[a.pk], actor=actor, done_on=a.done_on))  # fmt: skip


def _certificates(r: Replay, actor) -> None:
    manager = get_user_model().objects.filter(username="manager").first()
    for cert in r.f.certificates:
        referral = (  # as the page loads it
            (lambda c=cert: Referral.objects.get(pk=r.referrals[c.referral_id].pk))
            if cert.referral_id
            else (lambda: None)
        )

        def issue(cert=cert, referral=referral):
            services.certificate_issue(
                case=r.case, actor=cert.issued_by, kind=cert.kind, issued_on=cert.issued_on,
                issuer_name=cert.issuer_name, issuer_role=cert.issuer_role, referral=referral(),
                correction_reason=cert.correction_reason, corrects_issue_date=cert.corrects_issue_date,
            )  # fmt: skip

        r.at(cert.issued_on, "certificate", issue)
        if cert.review_confirmed_at:
            r.at(cert.review_confirmed_at, "review", lambda v=cert.version: services.certificate_review_confirm(
                certificate=r.case.certificates.get(version=v), actor=manager))  # fmt: skip


def _replayed_key(r: Replay, key: str) -> str:
    """A bulk clock key with the bulk appeal's id replaced by the replayed appeal's."""
    parts = key.split(":")
    if r.f.appeal and r.appeal and len(parts) > 1 and parts[0] in STEP_KEYS and parts[1] == str(r.f.appeal.pk):
        parts[1] = str(r.appeal.pk)
    return ":".join(parts)


def _status_day(r: Replay, status: str, default: date) -> date:
    """The day the bulk case moved to `status` (`default` if it never did)."""
    for event in r.f.events:
        if event.kind == CaseEvent.Kind.STATUS_CHANGED and event.data.get("to") == status:
            return _day(event.created_at)
    return default


def _tribunal(r: Replay, actor) -> None:
    appeal = r.f.appeal
    if appeal is None:
        return

    def record():
        r.appeal = services.tribunal_appeal_record(
            case=r.case, actor=actor, registered_on=appeal.registered_on, la_told_on=appeal.la_told_on,
            response_due_on=appeal.response_due_on, hearing_on=appeal.hearing_on,
        )  # fmt: skip

    r.at(appeal.la_told_on, "appeal", record)
    if appeal.outcome:
        dates = [d for d in (appeal.outcome_on, appeal.order_sent_on, appeal.unopposed_notified_on,
                             appeal.recommendation_on) if d]  # fmt: skip
        when = max(dates) if dates else _status_day(r, Status.ORDER_MADE, appeal.la_told_on)
        r.at(when, "outcome", lambda: services.tribunal_outcome_record(
            appeal=r.appeal, actor=actor, outcome=appeal.outcome, outcome_on=appeal.outcome_on,
            order_kind=appeal.order_kind, order_sent_on=appeal.order_sent_on, unopposed_kind=appeal.unopposed_kind,
            unopposed_notified_on=appeal.unopposed_notified_on, recommendation_on=appeal.recommendation_on,
            recommendation_to=appeal.recommendation_to))  # fmt: skip
    for key, done in (appeal.steps_done or {}).items():
        day = date.fromisoformat(done)
        r.at(day, "step", lambda k=key, d=day: services.compliance_step_complete(
            case=r.case, actor=actor, key=_replayed_key(r, k), done_on=d))  # fmt: skip


def _drs(r: Replay, actor) -> None:
    drs = r.f.drs
    if drs is None:
        return

    def refer():
        r.drs = services.drs_refer(case=r.case, actor=actor, kind=drs.kind, provider=drs.provider,
                                   referred_on=drs.referred_on)  # fmt: skip

    r.at(drs.referred_on, "drs", refer)
    if drs.meeting_on:
        r.at(_status_day(r, Status.DRS_MEETING_SCHEDULED, drs.referred_on), "drs meeting", lambda: services.drs_record(
            drs=r.drs, actor=actor, meeting_on=drs.meeting_on))  # fmt: skip
    if drs.outcome:
        r.at(drs.outcome_on, "drs outcome", lambda: services.drs_record(
            drs=r.drs, actor=actor, outcome=drs.outcome, outcome_on=drs.outcome_on))  # fmt: skip


def outcome_of(case: Case) -> dict:
    """What the portal made of a case, without ids: statuses, dates, and every clock with its due date and state.
    Superseded clocks are left out: the bulk seed works each case's clocks out once, from its final facts, so it never
    has the clocks a step along the way set and a later step made moot (the portal keeps those, superseded)."""
    case.refresh_from_db()
    referrals = [
        (r.status, r.outcome, r.concluded_on, r.agreement_on, r.mediator_id, r.responded_on, r.first_held_on)
        + (r.case_decision,)
        for r in case.referrals.order_by("pk")
    ]
    clocks = sorted(
        (d.clock, d.due_on, d.state, d.met_on, d.binds, d.needs_legal_review, d.title)
        for d in case.deadlines.exclude(state=Deadline.State.SUPERSEDED)
    )
    return {
        "status": case.status,
        "closed_on": case.closed_on,
        "certificate_issued_on": case.certificate_issued_on,
        "next_deadline_on": case.next_deadline_on,
        "referrals": referrals,
        "clocks": clocks,
        "appeals": sorted((a.registered_on, a.case_decision) for a in TribunalAppeal.objects.filter(case=case)),
        "sessions": sorted(
            (s.starts_at, s.status, s.case_id == case.pk) for s in MediationSession.objects.filter(referral__case=case)
        ),
        "actions": sorted(
            (a.description, a.due_on, a.done_on) for a in AgreementAction.objects.filter(referral__case=case)
        ),  # fmt: skip
    }
