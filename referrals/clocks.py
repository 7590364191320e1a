"""How each statutory clock follows from the facts the pathway records (docs/rules.md §4).

One provider per clock code, registered in the clock registry (cases.clock_registry) when the app is ready. A
provider reads a batch of cases and yields what each clock should be: its due date from cases.deadlines (pure),
who must act, the day it was met when the facts record it, and whether it was missed or no longer applies. The
facts come from loaders that read each kind of record once per batch. Services only record facts and ask for a
recompute; they never set a clock themselves.

Clock keys (unique per case): the code alone for clocks a case has once, "code:id" for one per session, agreed
action or appeal, "C14:appeal:step" and "C15:appeal:step" for each step of a Tribunal timetable, and
"C16:appeal:icb" / "C16:appeal:la" when recommendations go to both the ICB and LA social care.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Model

from cases import deadlines
from cases import rules as case_rules
from cases.clock_registry import ClockContext, ClockSpec, clock_facts, clock_provider, derived_facts
from cases.clock_services import fmt
from cases.deadlines import ClockCode
from cases.models import Case, Deadline
from cases.models import Status as CaseStatus

from . import tribunal_clocks  # importing it registers the Tribunal's clocks, C14 to C17
from .models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    MediationSession,
    Referral,
    TribunalAppeal,
)

RS = Referral.Status
B = Deadline.Binds
HELD = MediationSession.SessionStatus.HELD

# Which clock each basis of an agreed action runs on (SEND Regs 2014 reg 42).
ACTION_CLOCK = {
    AgreementAction.Basis.APPEALABLE: ClockCode.C10,
    AgreementAction.Basis.OTHER: ClockCode.C11,
    AgreementAction.Basis.ICB_TO_LA: ClockCode.C12,
    AgreementAction.Basis.AGREED_IN_WRITING: ClockCode.C13,
}
# The certificate that meets each certificate clock.
CERTIFICATE_CLOCK = {
    Certificate.Kind.DECLINED: ClockCode.C2,
    Certificate.Kind.NOT_HELD: ClockCode.C6,
    Certificate.Kind.CONCLUDED: ClockCode.C8,
}
# Tribunal steps the LA records as done on the case page.
COMPLIANCE_CODES = deadlines.DONE_ON_CASE_PAGE
NOT_HELD_IN_TIME = "not held within 30 days"
# How a Tribunal timetable step reads (referrals.services.agreements names agreed actions' steps with it).
_step_label = tribunal_clocks.step_label


def action_key(action: AgreementAction) -> str:
    return f"{ACTION_CLOCK[action.basis]}:{action.pk}"


def is_compliance_key(key: str) -> bool:
    return key.split(":", 1)[0] in COMPLIANCE_CODES


def appeal_id_of(key: str) -> int | None:
    """The appeal a Tribunal compliance clock belongs to (from its key), or None for any other key."""
    parts = key.split(":")
    if parts[0] not in COMPLIANCE_CODES or len(parts) < 2 or not parts[1].isdigit():
        return None
    return int(parts[1])


# --- Facts, read once per batch ---------------------------------------------------------------------------------


def _grouped(rows, attribute: str) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped


@clock_facts("adviser_contacts")
def _adviser_contacts(ctx: ClockContext) -> dict[int, AdviserContact]:
    return {contact.case_id: contact for contact in AdviserContact.objects.filter(case_id__in=ctx.case_ids)}


@clock_facts("referrals")
def _referrals(ctx: ClockContext) -> dict[int, list[Referral]]:
    """Every referral of each case, oldest first (the last one is the case's current referral)."""
    rows = Referral.objects.filter(case_id__in=ctx.case_ids).order_by("referred_on", "id")
    return _grouped(rows, "case_id")


@clock_facts("sessions")
def _sessions(ctx: ClockContext) -> dict[int, list[MediationSession]]:
    """Sessions by referral, in date order."""
    rows = MediationSession.objects.filter(referral__case_id__in=ctx.case_ids).order_by("starts_at", "id")
    return _grouped(rows, "referral_id")


@clock_facts("certificates")
def _certificates(ctx: ClockContext) -> dict[int, list[Certificate]]:
    """Certificates by case, first issued first."""
    rows = Certificate.objects.filter(case_id__in=ctx.case_ids).order_by("version").defer("pdf", "sha256")
    return _grouped(rows, "case_id")


@clock_facts("actions")
def _actions(ctx: ClockContext) -> dict[int, list[AgreementAction]]:
    rows = AgreementAction.objects.filter(referral__case_id__in=ctx.case_ids).order_by("id")
    return _grouped(rows, "referral_id")


@clock_facts("appeals")
def _appeals(ctx: ClockContext) -> dict[int, list[TribunalAppeal]]:
    rows = TribunalAppeal.objects.filter(case_id__in=ctx.case_ids).order_by("registered_on", "id")
    return _grouped(rows, "case_id")


def current_referral(ctx: ClockContext, case_id: int) -> Referral | None:
    referrals = ctx.facts("referrals").get(case_id)
    return referrals[-1] if referrals else None


def first_held_on(ctx: ClockContext, referral: Referral) -> date | None:
    held = [s.starts_on for s in ctx.facts("sessions").get(referral.pk, ()) if s.status == HELD]
    return min(held) if held else None


def first_certificate_on(ctx: ClockContext, case_id: int, kind: str) -> date | None:
    for certificate in ctx.facts("certificates").get(case_id, ()):
        if certificate.kind == kind:
            return certificate.issued_on
    return None


@dataclass(frozen=True)
class AppealCertificate:
    """The certificate date the appeal clock runs from (decision 15) and what a reader must be told about it."""

    issued_on: date | None
    needs_review: bool
    explanation: str


def appeal_certificate(certificates: list[Certificate]) -> AppealCertificate:
    """A corrected certificate keeps the appeal clock on the issue date of the first certificate the family
    received, unless the correction is to the issue date itself; until a manager confirms a correction, the
    case needs legal review (decision 15)."""
    if not certificates:
        return AppealCertificate(None, False, "")
    first = certificates[0]
    issued_on, needs_review, parts = first.issued_on, False, [f"First certificate issued {fmt(first.issued_on)}"]
    for correction in certificates[1:]:
        if correction.corrects_issue_date:
            issued_on = correction.issued_on
            parts.append(f"{correction.number} corrected the issue date to {fmt(correction.issued_on)}")
        else:
            parts.append(f"{correction.number} issued {fmt(correction.issued_on)} (the clock stays on the first date)")
        if correction.review_confirmed_at is None:
            needs_review = True
    if needs_review:
        parts.append("needs legal review until a manager confirms the corrected certificate")
    return AppealCertificate(issued_on, needs_review, "; ".join(parts))


# --- The family's windows: C1 and C9 ----------------------------------------------------------------------------


@clock_provider(ClockCode.C1)
def adviser_contact_clock(ctx: ClockContext) -> Iterator[ClockSpec]:
    """C1: 2 months from the decision letter for the family to contact the mediation adviser, where the appeal
    needs a certificate. Met when the family contacted the adviser (or, if no contact is recorded, when they
    told the LA they want mediation)."""
    contacts = ctx.facts("adviser_contacts")
    for case in ctx.cases:
        if not case_rules.case_needs_certificate(case):
            continue
        contact = contacts.get(case.pk)
        met_on = contact.contacted_on if contact else None
        if met_on is None and (referrals := ctx.facts("referrals").get(case.pk)):
            met_on = min(r.family_told_la_on for r in referrals)
        yield ClockSpec(
            case.pk,
            ClockCode.C1,
            ClockCode.C1,
            deadlines.adviser_contact_deadline(case.decision_sent_on),
            B.FAMILY,
            {"decision_sent_on": case.decision_sent_on.isoformat()},
            met_on=met_on,
        )


@clock_provider(ClockCode.C9)
def appeal_clock(ctx: ClockContext) -> Iterator[ClockSpec]:
    """C9: the Tribunal must receive the appeal by 5pm on the later of 2 months from the decision letter and 1
    month from the certificate, adjusted by HESC rule 12. Met by an appeal the LA is told of; missed when the case
    is moved to "appeal window expired" (only possible once the date has passed)."""
    certificates, appeals = ctx.facts("certificates"), ctx.facts("appeals")
    for case in ctx.cases:
        if not case_rules.has_appeal_window(
            route=case.route, decision=case.decision, decision_sent_on=case.decision_sent_on
        ):
            continue
        certificate = appeal_certificate(certificates.get(case.pk, []))
        detail = deadlines.appeal_deadline_detail(case.decision_sent_on, certificate.issued_on, holidays=ctx.calendar)
        facts = {
            "decision_sent_on": case.decision_sent_on.isoformat(),
            "limb": detail.limb,
            "raw_end": detail.raw_end.isoformat(),
        }
        if certificate.issued_on:
            facts["certificate_issued_on"] = certificate.issued_on.isoformat()
        notes = [detail.adjustment] if detail.adjustment else []
        if detail.needs_legal_review:
            notes.append(
                f"Needs legal review: {detail.review_reason}" if detail.review_reason else "Needs legal review"
            )
        if len(certificates.get(case.pk, [])) > 1:
            notes.append(certificate.explanation)
        appealed = appeals.get(case.pk)
        yield ClockSpec(
            case.pk,
            ClockCode.C9,
            ClockCode.C9,
            detail.due,
            B.FAMILY,
            facts,
            due_time=detail.due_time,
            needs_legal_review=detail.needs_legal_review or certificate.needs_review,
            note="; ".join(notes),
            met_on=appealed[0].registered_on if appealed else None,
            missed_reason="the appeal window closed with no appeal known"
            if case.status == CaseStatus.WINDOW_EXPIRED
            else "",
        )


# --- The mediation adviser's certificates: C2, C6, C8 -----------------------------------------------------------


def _certificate_spec(ctx, case_id, code: ClockCode, trigger: date, facts: dict, kind: str) -> ClockSpec:
    return ClockSpec(
        case_id,
        code,
        code,
        deadlines.certificate_deadline(trigger, holidays=ctx.calendar),
        B.ADVISER,
        facts,
        met_on=first_certificate_on(ctx, case_id, kind),
    )


@clock_provider(ClockCode.C2)
def declined_certificate_clock(ctx: ClockContext) -> Iterator[ClockSpec]:
    """C2: 3 working days after the family told the adviser they do not want mediation, or withdrew from it."""
    contacts = ctx.facts("adviser_contacts")
    for case in ctx.cases:
        referral, contact = current_referral(ctx, case.pk), contacts.get(case.pk)
        if referral is not None and referral.status == RS.WITHDRAWN and referral.concluded_on:
            trigger, facts = referral.concluded_on, {"withdrew_on": referral.concluded_on.isoformat()}
        elif contact is not None and contact.choice == AdviserContact.Choice.NO_MEDIATION:
            trigger, facts = contact.contacted_on, {"told_adviser_on": contact.contacted_on.isoformat()}
        else:
            continue
        yield _certificate_spec(ctx, case.pk, ClockCode.C2, trigger, facts, Certificate.Kind.DECLINED)


def _referral_certificate_specs(ctx, code: ClockCode, kind: str, fact: str, trigger_of) -> Iterator[ClockSpec]:
    """A certificate clock that runs from a date recorded on the case's current referral (`trigger_of` the
    referral, or None while there is none)."""
    for case in ctx.cases:
        referral = current_referral(ctx, case.pk)
        trigger = trigger_of(referral) if referral is not None else None
        if trigger is None:
            continue
        yield _certificate_spec(ctx, case.pk, code, trigger, {fact: trigger.isoformat()}, kind)


@clock_provider(ClockCode.C6)
def not_held_certificate_clock(ctx: ClockContext) -> Iterator[ClockSpec]:
    """C6: 3 working days after the adviser was told mediation cannot be held within 30 days."""
    return _referral_certificate_specs(
        ctx, ClockCode.C6, Certificate.Kind.NOT_HELD, "adviser_told_on", lambda r: r.not_held_notified_on
    )


@clock_provider(ClockCode.C8)
def concluded_certificate_clock(ctx: ClockContext) -> Iterator[ClockSpec]:
    """C8: 3 working days after the mediation concluded (full, partial or no agreement; decision 8)."""
    return _referral_certificate_specs(
        ctx,
        ClockCode.C8,
        Certificate.Kind.CONCLUDED,
        "concluded_on",
        lambda r: r.concluded_on if r.status == RS.CONCLUDED else None,
    )


# --- Arranging the mediation: C3, C4, C5, C7 --------------------------------------------------------------------


@clock_provider(ClockCode.C3)
def health_notification_clock(ctx: ClockContext) -> Iterator[ClockSpec]:
    """C3: the LA tells the ICB the mediation issues within 3 working days of being told they include health."""
    for case in ctx.cases:
        referral = current_referral(ctx, case.pk)
        if referral is None or not referral.health_issues or referral.health_told_on is None:
            continue
        told = referral.health_told_on
        yield ClockSpec(
            case.pk,
            ClockCode.C3,
            ClockCode.C3,
            deadlines.health_notification_deadline(told, holidays=ctx.calendar),
            B.LA,
            {"health_told_on": told.isoformat()},
            met_on=referral.icb_notified_on,
        )


def _mediation_spec(ctx, case_id, code: ClockCode, referral: Referral, start: date, binds: str, facts: dict):
    """C4/C5: held on the first held session; missed when not held in time; gone when the mediation ended
    (the family withdrew, the LA conceded) before the 30 days were up."""
    due = deadlines.mediation_deadline(start)
    held_on = first_held_on(ctx, referral)
    missed = gone = ""
    if held_on is None:
        ended_on = referral.concluded_on or referral.agreement_on
        if referral.not_held_notified_on is not None:
            missed = NOT_HELD_IN_TIME
        elif referral.status in (RS.WITHDRAWN, RS.LA_CONCEDED) and ended_on is not None:
            if due < ended_on:
                missed = NOT_HELD_IN_TIME
            else:
                gone = "the family withdrew" if referral.status == RS.WITHDRAWN else "the LA conceded"
    return ClockSpec(
        case_id,
        code,
        code,
        due,
        binds,
        facts,
        met_on=held_on,
        missed_reason=missed,
        gone_reason=gone,
    )


@clock_provider(ClockCode.C4)
def la_mediation_clock(ctx: ClockContext) -> Iterator[ClockSpec]:
    """C4: LA-arranged mediation within 30 days of the earlier day the LA was told the family wants it
    (decision 6)."""
    for case in ctx.cases:
        referral = current_referral(ctx, case.pk)
        if referral is None or referral.health_only:
            continue
        start = referral.clock_start
        facts = {
            "la_told_on": start.isoformat(),
            "family_told_la_on": referral.family_told_la_on.isoformat(),
            "provider_told_la_on": referral.provider_told_la_on.isoformat() if referral.provider_told_la_on else None,
        }
        yield _mediation_spec(ctx, case.pk, ClockCode.C4, referral, start, B.LA, facts)


@clock_provider(ClockCode.C5)
def icb_mediation_clock(ctx: ClockContext) -> Iterator[ClockSpec]:
    """C5: health-only mediation, arranged by the ICB, within 30 days of the day the ICB received the LA's
    notice (recorded; the day it was sent when no other day is known)."""
    for case in ctx.cases:
        referral = current_referral(ctx, case.pk)
        if referral is None or not referral.health_only:
            continue
        received = referral.icb_received_on or referral.icb_notified_on
        if received is None:
            continue
        yield _mediation_spec(
            ctx, case.pk, ClockCode.C5, referral, received, B.ICB, {"icb_received_on": received.isoformat()}
        )


@clock_provider(ClockCode.C7)
def notice_clock(ctx: ClockContext) -> Iterator[ClockSpec]:
    """C7: notice of each session's date and place at least 5 working days before it, unless the family agreed
    to shorter notice: then the notice they agreed to is on time. The body arranging the mediation must act."""
    sessions = ctx.facts("sessions")
    for case in ctx.cases:
        for referral in ctx.facts("referrals").get(case.pk, ()):
            for session in sessions.get(referral.pk, ()):
                statutory = deadlines.mediation_notice_deadline(session.starts_on, holidays=ctx.calendar)
                facts = {"mediation_on": session.starts_on.isoformat(), "statutory_notice_by": statutory.isoformat()}
                due, note = statutory, ""
                if session.short_notice_consent and session.notice_sent_on > statutory:
                    due = session.notice_sent_on
                    facts["short_notice_agreed"] = True
                    note = f"The family agreed to shorter notice (5 working days' notice was due by {fmt(statutory)})"
                yield ClockSpec(
                    case.pk,
                    ClockCode.C7,
                    f"{ClockCode.C7}:{session.pk}",
                    due,
                    B.ICB if referral.health_only else B.LA,
                    facts,
                    note=note,
                    met_on=session.notice_sent_on,
                )


# --- Agreements: C10 to C13 -------------------------------------------------------------------------------------


def action_due_on(action: AgreementAction, agreement_on: date) -> date:
    """When an agreed action is due, from the agreement date and its basis (SEND Regs 2014 reg 42)."""
    basis = action.basis
    if basis == AgreementAction.Basis.APPEALABLE:
        return deadlines.tribunal_order_deadlines(action.order_kind, agreement_on)[action.step]
    if basis == AgreementAction.Basis.OTHER:
        return deadlines.agreement_action_deadline(agreement_on)
    if basis == AgreementAction.Basis.ICB_TO_LA:
        return deadlines.health_body_notice_deadline(agreement_on)
    return action.due_on  # reg 42(5): the date the parties agreed in writing, as recorded


def _agreed_actions(ctx: ClockContext) -> Iterator[tuple[Case, Referral, AgreementAction]]:
    actions = ctx.facts("actions")
    for case in ctx.cases:
        for referral in ctx.facts("referrals").get(case.pk, ()):
            for action in actions.get(referral.pk, ()):
                yield case, referral, action


def _action_specs(ctx: ClockContext, code: ClockCode) -> Iterator[ClockSpec]:
    for case, referral, action in _agreed_actions(ctx):
        if ACTION_CLOCK[action.basis] != code:
            continue
        if referral.agreement_on is None:
            yield ClockSpec(
                case.pk,
                code,
                action_key(action),
                action.due_on,
                B.LA,
                gone_reason="the written agreement date was removed",
            )
            continue
        binds = B.ICB if code == ClockCode.C12 or action.owner == AgreementAction.Owner.ICB else B.LA
        yield ClockSpec(
            case.pk,
            code,
            action_key(action),
            action_due_on(action, referral.agreement_on),
            binds,
            {"agreement_on": referral.agreement_on.isoformat()},
            title=action.description[:200],
            met_on=action.done_on,
        )


@clock_provider(ClockCode.C10)
def appealable_agreement_clock(ctx):
    """C10: an agreement on an appealable matter follows the Tribunal-order timetable from its date."""
    return _action_specs(ctx, ClockCode.C10)


@clock_provider(ClockCode.C11)
def other_agreement_clock(ctx):
    """C11: an agreement on a non-appealable matter: 2 weeks from its date."""
    return _action_specs(ctx, ClockCode.C11)


@clock_provider(ClockCode.C12)
def icb_notice_clock(ctx):
    """C12: the ICB tells the LA of an agreement reached without it within 1 week (the ICB must act)."""
    return _action_specs(ctx, ClockCode.C12)


@clock_provider(ClockCode.C13)
def agreed_in_writing_clock(ctx):
    """C13: the dates the parties agreed in writing replace C10 and C11."""
    return _action_specs(ctx, ClockCode.C13)


@derived_facts
def _refresh_action_due_dates(ctx: ClockContext) -> None:
    """An agreed action's stored due date follows a corrected agreement date."""
    _store_changed(
        AgreementAction,
        "due_on",
        (
            (action, action_due_on(action, referral.agreement_on))
            for _case, referral, action in _agreed_actions(ctx)
            if referral.agreement_on is not None
        ),
    )


# --- Flags worked out from the facts ------------------------------------------------------------------------------


@derived_facts
def _refresh_late_contact(ctx: ClockContext) -> None:
    """ "Contact was late" (after C1's 2 months) is worked out again whenever the decision date moves."""
    contacts = ctx.facts("adviser_contacts")
    worked_out = []
    for case in ctx.cases:
        contact = contacts.get(case.pk)
        if contact is None:
            continue
        late = bool(case.decision_sent_on) and contact.contacted_on > deadlines.adviser_contact_deadline(
            case.decision_sent_on
        )
        worked_out.append((contact, late))
    _store_changed(AdviserContact, "late", worked_out)


@derived_facts
def _refresh_case_certificate_date(ctx: ClockContext) -> None:
    """The case's copy of the certificate date its appeal clock runs from (decision 15)."""
    certificates = ctx.facts("certificates")
    _store_changed(
        Case,
        "certificate_issued_on",
        ((case, appeal_certificate(certificates.get(case.pk, [])).issued_on) for case in ctx.cases),
    )


def _store_changed(model: type[Model], field: str, worked_out: Iterable[tuple[Model, object]]) -> None:
    """Store each worked-out value that differs from the one its record holds (one bulk UPDATE for them all)."""
    changed = []
    for record, value in worked_out:
        if getattr(record, field) != value:
            setattr(record, field, value)
            changed.append(record)
    model.objects.bulk_update(changed, [field])
