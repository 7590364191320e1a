"""Specification of the bulk data (demo.bulk, the benchmark's and the load test's 100,000 cases): cases that cover
every route, decision and status without an impossible fact, and their mediation pathway and statutory clocks, dated
consistently and computed as the services compute them (test_bulk_replay.py replays a sample through the services).
Seeds 200 cases at most, to stay fast."""

import itertools
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db.models import F, Q
from django.utils import timezone

from cases import clock_services, deadlines, rules, services
from cases.models import (
    Case,
    CaseEvent,
    CaseReferenceCounter,
    ContactChannel,
    Deadline,
    Decision,
    PartyType,
    Route,
    School,
    Status,
)
from demo import bulk, reference
from demo import seeded as records
from demo.bulk import cases as bulk_cases
from demo.bulk import shapes
from referrals import certificates
from referrals.models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    DisagreementResolution,
    MediationSession,
    Mediator,
    MediatorAssignment,
    Referral,
    TribunalAppeal,
)
from referrals.selectors import MEDIATOR_CASELOAD_STATUSES

CASES = 200

# The seed dates everything from today: the module runs on a fixed day (just before Christmas, where the working-day
# calendar is at its most irregular), so it passes whatever the real date.
pytestmark = pytest.mark.today(date(2026, 12, 23))


@pytest.fixture
def seeded(db):
    # Two real certificate PDFs are enough here: rendering is slow (one test checks the rest share one file).
    return bulk.run(cases=CASES, real_pdfs=2)


def _snapshot():
    return list(
        Case.objects.order_by("reference").values_list(
            "reference",
            "child_first_name",
            "child_last_name",
            "child_date_of_birth",
            "route",
            "decision",
            "status",
            "first_contact_on",
            "phone",
            "postcode",
        )
    )


# --- Cases --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cases_cover_every_route_decision_and_status(seeded):
    assert Case.objects.count() == CASES
    assert set(Case.objects.values_list("route", flat=True)) == set(Route.values)
    mediation_decisions = set(Case.objects.filter(route=Route.MEDIATION).values_list("decision", flat=True))
    assert mediation_decisions == set(Decision.values)
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values) - shapes.PASSING_STATUSES
    assert set(Case.objects.values_list("first_contact_channel", flat=True)) == set(ContactChannel.values)
    assert Case.objects.filter(officer__isnull=True).exists()
    assert Case.objects.filter(officer__isnull=False).count() > CASES * 0.8


@pytest.mark.django_db
def test_statuses_belong_to_the_route(seeded):
    drs_only = {
        Status.DRS_ROUTE,
        Status.DRS_MEETING_SCHEDULED,
        Status.DRS_MEETING_HELD,
        Status.RESOLVED,
        Status.PARTLY_RESOLVED,
        Status.UNRESOLVED,
        Status.DRS_DECLINED,
    }
    for route, status in Case.objects.values_list("route", "status"):
        assert (status in drs_only) <= (route == Route.DRS), (route, status)
        assert (status == Status.PLACEMENT_ONLY) <= (route == Route.PLACEMENT_ONLY), (route, status)
    appeal = {Status.APPEAL_WINDOW_OPEN, Status.APPEAL_LODGED, Status.ORDER_MADE}
    assert not Case.objects.filter(decision=Decision.HSC, status__in=appeal).exists()
    assert not Case.objects.filter(route=Route.DRS, status__in=appeal).exists()


@pytest.mark.django_db
def test_every_case_passes_the_intake_rules_and_model_validation(seeded):
    today = timezone.localdate()
    for case in Case.objects.all():
        problems = rules.intake_problems(
            today=today,
            date_of_birth=case.child_date_of_birth,
            decision_sent_on=case.decision_sent_on,
            first_contact_on=case.first_contact_on,
            party_type=case.party_type,
            route=case.route,
            decision=case.decision,
            sections_disputed=case.sections_disputed,
        )
        assert problems == {}, (case.reference, problems)
        case.full_clean()


@pytest.mark.django_db
def test_case_facts_hang_together(seeded):
    today, now = timezone.localdate(), timezone.now()
    for case in Case.objects.all():
        assert timezone.localdate(case.created_at) == case.first_contact_on <= today
        assert case.created_at <= now
        assert case.decision_sent_on is None or today - case.decision_sent_on < timedelta(days=3 * 365 + 160)
        assert (case.route == Route.PLACEMENT_ONLY) <= (case.sections_disputed == ["I"])
        assert case.health_involved == (case.icb_id is not None)
        assert (case.status == Status.CLOSED) == (case.closed_on is not None)
        assert case.closed_on is None or case.first_contact_on <= case.closed_on <= today
        assert case.status != Status.WITHDRAWN or case.withdrawn_reason
        assert today.year - 24 <= case.child_date_of_birth.year <= today.year - 2
        assert case.phone == "" or re.fullmatch(r"\+44(7700900|1134960|1632960)\d{3}", case.phone)
        assert case.email == "" or re.search(r"@example\.(com|org)$", case.email)
        assert case.postcode == "" or re.fullmatch(r"[A-Z]{1,2}\d{1,2} \d[A-Z]{2}", case.postcode)
        if case.route != Route.DRS:
            assert case.decision and case.decision_sent_on


@pytest.mark.django_db
def test_a_young_person_party_is_over_compulsory_school_age_and_under_25_at_first_contact(seeded):
    young_people = Case.objects.filter(party_type=PartyType.YOUNG_PERSON)
    assert young_people.exists()
    for case in young_people:
        assert rules.is_young_person(case.child_date_of_birth, case.first_contact_on)
        assert case.party_name == f"{case.child_first_name} {case.child_last_name}"


@pytest.mark.django_db
def test_every_timeline_opens_with_created_and_follows_the_lifecycle(seeded):
    now = timezone.now()
    for case in Case.objects.prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda e: (e.created_at, e.pk))
        assert events[0].kind == CaseEvent.Kind.CREATED
        assert events[0].data == records.SEED_MARKER
        status = Status.INTAKE
        for event in events:
            assert case.created_at <= event.created_at <= now
            if event.kind == CaseEvent.Kind.STATUS_CHANGED:
                assert event.data["from"] == status
                assert rules.can_transition(status, event.data["to"])
                status = event.data["to"]
        assert status == case.status, case.reference
        assert (case.status == Status.INTAKE) or any(e.kind == CaseEvent.Kind.STATUS_CHANGED for e in events)


@pytest.mark.django_db
def test_references_are_unique_and_intake_carries_on_after_them(seeded):
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == CASES
    assert all(re.fullmatch(r"SEND-\d{4}-\d{5}", ref) for ref in references)
    for counter in CaseReferenceCounter.objects.all():
        used = [int(ref[-5:]) for ref in references if ref.startswith(f"SEND-{counter.year}-")]
        assert counter.last_number == max(used)

    officer = get_user_model().objects.get(username="officer")
    today = timezone.localdate()
    case = services.case_create(
        actor=officer,
        data={
            "child_first_name": "Test",
            "child_last_name": "Intake",
            "child_date_of_birth": today - timedelta(days=9 * 365),
            "party_type": PartyType.PARENT,
            "party_name": "Pat Intake",
            "route": Route.MEDIATION,
            "decision": Decision.RTA,
            "decision_sent_on": today - timedelta(days=10),
            "first_contact_on": today,
            "first_contact_channel": ContactChannel.PHONE,
        },
    )
    assert case.reference not in references
    this_year = [int(ref[-5:]) for ref in references if ref.startswith(f"SEND-{today.year}-")]
    assert case.reference == f"SEND-{today.year}-{max(this_year) + 1:05d}"


# --- The mediation pathway and its clocks ----------------------------------------------------------------------

RS = Referral.Status
DS = Deadline.State
EVENT_DATES = {  # every field recording when something happened (never in the future)
    AdviserContact: ["contacted_on", "created_at"],
    Referral: [
        "referred_on", "family_told_la_on", "provider_told_la_on", "health_told_on", "icb_notified_on",
        "responded_on", "not_held_notified_on", "concluded_on", "agreement_on", "created_at",
    ],
    MediatorAssignment: ["assigned_at", "ended_at"],
    MediationSession: ["notice_sent_on", "created_at"],
    AgreementAction: ["done_on", "created_at"],
    Certificate: ["issued_on", "created_at"],
    TribunalAppeal: [
        "registered_on", "la_told_on", "hearing_on", "outcome_on", "order_sent_on", "unopposed_notified_on",
        "recommendation_on", "created_at",
    ],
    DisagreementResolution: ["referred_on", "meeting_on", "outcome_on", "created_at"],
    Deadline: ["met_on", "created_at"],
}  # fmt: skip


@pytest.mark.django_db
def test_referrals_reach_every_stage(seeded):
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(RS.values)
    for declined in Referral.objects.filter(status=RS.DECLINED):
        assert declined.decline_reason
        second = Referral.objects.filter(case=declined.case, pk__gt=declined.pk).get()
        assert second.provider_id != declined.provider_id
        assert second.referred_on >= declined.responded_on
    outcomes = set(Referral.objects.filter(status=RS.CONCLUDED).values_list("outcome", flat=True))
    assert outcomes == {"full", "partial", "none"}
    for referral in Referral.objects.filter(status=RS.CONCLUDED):
        assert referral.issue_outcomes.exists()
        assert (referral.agreement_on is not None) == (referral.outcome in ("full", "partial"))
    assert set(AdviserContact.objects.values_list("choice", flat=True)) == set(AdviserContact.Choice.values)
    late = AdviserContact.objects.filter(late=True).count()
    assert 0 < late < AdviserContact.objects.count() * 0.3
    assert set(MediationSession.objects.values_list("status", flat=True)) == set(MediationSession.SessionStatus.values)
    assert MediationSession.objects.filter(short_notice_consent=True).exists()
    assert MediatorAssignment.objects.exists()
    assert set(Certificate.objects.values_list("kind", flat=True)) == set(Certificate.Kind.values)


@pytest.mark.django_db
def test_pathway_matches_each_case_status(seeded):
    S = Status
    for case in Case.objects.prefetch_related("referrals", "appeals", "drs_referrals"):
        referrals = list(case.referrals.all())
        latest = max(referrals, key=lambda r: r.pk) if referrals else None
        if case.route == Route.DRS:
            assert not referrals and not case.appeals.exists()
            has_drs = case.status not in (S.INTAKE, S.TRIAGED, S.NOT_IN_SCOPE)
            assert case.drs_referrals.exists() == has_drs or case.status in (S.WITHDRAWN, S.CLOSED)
            drs = case.drs_referrals.first()
            if case.status in (S.RESOLVED, S.PARTLY_RESOLVED, S.UNRESOLVED, S.DRS_DECLINED):
                assert drs.outcome == {
                    S.RESOLVED: "resolved", S.PARTLY_RESOLVED: "partly_resolved", S.UNRESOLVED: "unresolved",
                    S.DRS_DECLINED: "declined",
                }[case.status]  # fmt: skip
            if case.status in (S.DRS_MEETING_SCHEDULED, S.DRS_MEETING_HELD):
                assert drs.meeting_on and not drs.outcome
            continue
        assert not case.drs_referrals.exists()
        if case.status in (S.AGREEMENT_IMPLEMENTATION, S.COMPLIED, S.BREACHED):
            assert latest.status in (RS.CONCLUDED, RS.LA_CONCEDED) and latest.agreement_on
            assert AgreementAction.objects.filter(referral=latest).exists()
        if case.status == S.COMPLIED:
            assert not AgreementAction.objects.filter(referral=latest, done_on__isnull=True).exists()
        if case.status == S.BREACHED:
            assert AgreementAction.objects.filter(referral=latest).exclude(done_on__lte=F("due_on")).exists()
        if case.status in (S.APPEAL_LODGED, S.CONCEDED_UNOPPOSED, S.ORDER_MADE, S.APPEAL_WITHDRAWN, S.COMPLIANCE):
            appeal = case.appeals.get()
            assert (appeal.outcome == "") == (case.status == S.APPEAL_LODGED)
        if case.status == S.CONCEDED_UNOPPOSED:
            assert case.appeals.get().outcome == TribunalAppeal.Outcome.CONCEDED
        if case.status == S.COMPLIANCE:
            assert case.deadlines.filter(clock__in=["C14", "C15"]).exists()
        if case.status in (S.INTAKE, S.TRIAGED, S.NOT_IN_SCOPE, S.APPEAL_WINDOW_OPEN, S.WINDOW_EXPIRED):
            assert not case.appeals.exists()
        if case.status in (S.INTAKE, S.TRIAGED, S.NOT_IN_SCOPE):
            assert not referrals
        if latest and latest.status in (RS.REFERRED, RS.ACCEPTED, RS.ASSIGNED, RS.SCHEDULED, RS.HELD):
            assert case.status == S.MEDIATION_ROUTE  # a mediation still going on


@pytest.mark.django_db
def test_no_pathway_date_is_in_the_future_except_planned_sessions(seeded):
    today, now = timezone.localdate(), timezone.now()
    for model, fields in EVENT_DATES.items():
        for field in fields:
            latest = model.objects.filter(**{f"{field}__isnull": False}).order_by(f"-{field}").first()
            if latest is not None:
                value = getattr(latest, field)
                assert value <= (now if isinstance(value, datetime) else today), (model.__name__, field, value)
    past = MediationSession.objects.exclude(status=MediationSession.SessionStatus.PLANNED)
    assert not past.filter(starts_at__gt=now).exists()
    planned = MediationSession.objects.filter(status=MediationSession.SessionStatus.PLANNED)
    assert planned.filter(starts_at__gt=now).exists()


@pytest.mark.django_db
def test_pathway_dates_follow_each_other_and_the_case(seeded):
    calendar = clock_services.working_calendar()
    for referral in Referral.objects.select_related("case").prefetch_related("sessions", "assignments"):
        case = referral.case
        assert case.decision_sent_on is None or referral.family_told_la_on >= case.decision_sent_on
        assert case.first_contact_on - timedelta(days=7) <= referral.family_told_la_on <= referral.referred_on
        assert referral.clock_start <= referral.referred_on
        for day in (referral.responded_on, referral.concluded_on, referral.not_held_notified_on):
            assert day is None or day >= referral.referred_on
        if referral.icb_notified_on:
            assert referral.icb_notified_on >= referral.health_told_on
        sessions = list(referral.sessions.all())
        held = [timezone.localdate(s.starts_at) for s in sessions if s.status == "held"]
        for session in sessions:
            day = timezone.localdate(session.starts_at)
            assert referral.clock_start <= session.notice_sent_on <= day
            if session.notice_sent_on > deadlines.mediation_notice_deadline(day, holidays=calendar):
                assert session.short_notice_consent  # less than 5 working days' notice only with consent
        if referral.status == RS.CONCLUDED:
            assert held and max(held) <= referral.concluded_on
            assert referral.agreement_on is None or referral.agreement_on >= max(held)  # agreements after sessions
        if referral.mediator_id:
            assigned = [a for a in referral.assignments.all() if a.ended_at is None]
            assert [a.mediator_id for a in assigned] == [referral.mediator_id]
            for session in sessions:
                assert timezone.localdate(session.starts_at) >= timezone.localdate(assigned[0].assigned_at)
    for cert in Certificate.objects.select_related("case", "referral"):
        assert cert.case.decision_sent_on is None or cert.issued_on >= cert.case.decision_sent_on
        assert cert.number == f"CERT-{cert.case.reference}-{cert.version}"
        if cert.referral and cert.referral.concluded_on:
            assert cert.issued_on >= cert.referral.concluded_on
        if cert.referral and cert.referral.not_held_notified_on:
            assert cert.issued_on >= cert.referral.not_held_notified_on
        if cert.version > 1:
            assert cert.replaces.issued_on <= cert.issued_on and cert.correction_reason
    for case in Case.objects.filter(certificates__isnull=False).distinct():
        # Decision 15: the appeal clock stays on the first certificate (the seeded corrections are not to the date).
        assert case.certificate_issued_on == case.certificates.get(version=1).issued_on
    assert not Case.objects.filter(certificates__isnull=True, certificate_issued_on__isnull=False).exists()
    for action in AgreementAction.objects.select_related("referral"):
        assert action.due_on >= action.referral.agreement_on
        assert action.done_on is None or action.done_on >= action.referral.agreement_on
    for appeal in TribunalAppeal.objects.select_related("case"):
        assert appeal.case.decision_sent_on <= appeal.registered_on <= appeal.la_told_on
        latest = appeal.case.certificates.order_by("-version").first()
        assert latest is None or latest.issued_on <= appeal.la_told_on
        assert appeal.outcome_on is None or appeal.outcome_on >= appeal.la_told_on
    for drs in DisagreementResolution.objects.select_related("case"):
        assert drs.referred_on >= drs.case.first_contact_on
        assert drs.meeting_on is None or drs.meeting_on >= drs.referred_on
        assert drs.outcome_on is None or drs.outcome_on >= (drs.meeting_on or drs.referred_on)


def _expected_due(deadline, calendar):
    """The due date cases.deadlines gives from the facts stored with the clock (and its pathway record)."""
    facts, clock, key = deadline.facts, deadline.clock, deadline.key
    day = {name: date.fromisoformat(value) for name, value in facts.items() if isinstance(value, str) and "_on" in name}
    if clock in ("C2", "C6", "C8"):
        (trigger,) = day.values()
        return deadlines.certificate_deadline(trigger, holidays=calendar)
    if clock == "C3":
        return deadlines.health_notification_deadline(day["health_told_on"], holidays=calendar)
    if clock == "C4":
        return deadlines.mediation_deadline(day["la_told_on"])
    if clock == "C5":
        return deadlines.mediation_deadline(day["icb_received_on"])
    if clock == "C7":
        statutory = deadlines.mediation_notice_deadline(day["mediation_on"], holidays=calendar)
        if facts.get("short_notice_agreed"):  # the notice the family agreed to is on time
            session = MediationSession.objects.get(pk=int(key.split(":")[1]))
            assert session.short_notice_consent and session.notice_sent_on > statutory
            return session.notice_sent_on
        return statutory
    if clock in ("C10", "C11", "C12", "C13"):
        action = AgreementAction.objects.get(pk=int(key.split(":")[1]))
        agreed = day["agreement_on"]
        assert agreed == action.referral.agreement_on
        if clock == "C10":
            return deadlines.tribunal_order_deadlines(action.order_kind, agreed)[
                next(s for s, label in deadlines.DEADLINE_LABELS.items() if action.description.endswith(label))
            ]
        if clock == "C11":
            return deadlines.agreement_action_deadline(agreed)
        if clock == "C12":
            return deadlines.health_body_notice_deadline(agreed)
        return action.due_on
    if clock == "C14":
        return deadlines.tribunal_order_deadlines(facts["kind"], day["order_sent_on"])[key.split(":")[2]]
    if clock == "C15":
        return deadlines.unopposed_appeal_deadlines(facts["kind"], day["notified_on"])[key.split(":")[2]]
    if clock == "C16":
        return deadlines.recommendation_response_deadline(day["recommendation_on"])
    if clock == "C17":
        return TribunalAppeal.objects.get(pk=int(key.split(":")[1])).response_due_on
    raise AssertionError(f"unexpected clock {key}")


@pytest.mark.django_db
def test_clock_due_dates_are_what_the_engine_computes_from_the_stored_facts(seeded):
    calendar = clock_services.working_calendar()
    rows = list(Deadline.objects.select_related("case"))
    assert {row.clock for row in rows} >= {"C1", "C2", "C3", "C4", "C6", "C7", "C8", "C9", "C11", "C13", "C17"}
    for row in rows:
        if row.clock == "C9":  # HESC r.20 and r.12 from the decision letter and the first certificate
            expected = deadlines.appeal_deadline(
                row.case.decision_sent_on, row.case.certificate_issued_on, holidays=calendar
            )
            assert row.due_on == expected, row.case.reference
        elif row.clock == "C1":
            assert row.due_on == deadlines.adviser_contact_deadline(row.case.decision_sent_on)
    sample = [row for row in rows if row.clock not in ("C1", "C9")]
    assert len(sample) > 100
    for row in sample:
        assert row.due_on == _expected_due(row, calendar), (row.case.reference, row.key, row.facts)
        if row.clock in ("C10", "C11", "C12", "C13"):  # titled with what was agreed, as agreement_action_add does
            assert row.title == AgreementAction.objects.get(pk=int(row.key.split(":")[1])).description[:200]
        elif row.clock in ("C14", "C15"):
            assert row.title.startswith(("Tribunal order: ", "Unopposed appeal: "))
        elif row.clock == "C17":
            assert row.title == "LA response to the appeal (as directed)"
        elif row.clock == "C16":  # who must answer the recommendations
            assert row.title in ("Respond to Tribunal recommendations (LA social care)",
                                 "Respond to Tribunal recommendations (the ICB)")  # fmt: skip
        else:
            assert row.title == deadlines.CLOCKS[row.clock].title


@pytest.mark.django_db
def test_clock_states_follow_the_recorded_facts(seeded):
    assert set(Deadline.objects.values_list("state", flat=True)) == set(DS.values)
    for row in Deadline.objects.filter(state=DS.MET):
        assert row.met_on
    assert Deadline.objects.filter(state=DS.MET, met_on__gt=F("due_on")).exists()  # some met late
    today = timezone.localdate()
    open_clocks = Deadline.objects.filter(state=DS.OPEN)
    assert open_clocks.filter(due_on__lt=today).exists()
    assert open_clocks.filter(due_on__gte=today, due_on__lte=today + timedelta(days=7)).exists()
    assert open_clocks.filter(due_on__gt=today + timedelta(days=7)).exists()
    assert not open_clocks.filter(case__status=Status.CLOSED).exists()
    for waived in Deadline.objects.filter(state=DS.WAIVED):
        assert waived.waived_reason and waived.waived_by.username == "manager"
    for contact in AdviserContact.objects.select_related("case"):
        c1 = contact.case.deadlines.filter(key="C1").first()
        assert c1 is None or (c1.state, c1.met_on) == (DS.MET, contact.contacted_on)
        if contact.case.decision_sent_on:
            due = deadlines.adviser_contact_deadline(contact.case.decision_sent_on)
            assert contact.late == (contact.contacted_on > due)
    for appeal in TribunalAppeal.objects.select_related("case"):
        c9 = appeal.case.deadlines.get(key="C9")
        assert (c9.state, c9.met_on) == (DS.MET, appeal.registered_on)
    certificate_clock = {"declined": "C2", "concluded": "C8", "not_held": "C6"}
    for cert in Certificate.objects.filter(version=1).select_related("case"):
        row = cert.case.deadlines.get(key=certificate_clock[cert.kind])
        assert (row.state, row.met_on) == (DS.MET, cert.issued_on)
    for session in MediationSession.objects.select_related("referral"):
        row = Deadline.objects.get(case_id=session.referral.case_id, key=f"C7:{session.pk}")
        assert (row.state, row.met_on) == (DS.MET, session.notice_sent_on)
    for action in AgreementAction.objects.select_related("referral"):
        row = Deadline.objects.get(case_id=action.referral.case_id, key__endswith=f":{action.pk}", clock__in=[
            "C10", "C11", "C12", "C13"])  # fmt: skip
        assert row.due_on == action.due_on
        assert (row.met_on == action.done_on) if action.done_on else row.state != DS.MET


@pytest.mark.django_db
def test_recomputing_every_clock_of_the_bulk_seeded_cases_changes_nothing(seeded):
    """The seed writes facts; its clocks come from the clock registry, so asking every provider again over every
    seeded case (in small batches, as the benchmark's recompute does) finds nothing to change."""
    counts = clock_services.deadlines_recompute_all(batch_size=37)
    assert counts["cases"] == CASES
    assert (counts["created"], counts["moved"], counts["changed"]) == (0, 0, 0)


@pytest.mark.django_db
def test_next_deadline_is_the_earliest_open_clock(seeded):
    before = list(Case.objects.order_by("pk").values_list("pk", "next_deadline_on", "next_deadline_title"))
    assert any(on for _, on, _ in before)
    clock_services.cases_next_deadline_refresh([pk for pk, _, _ in before])
    assert list(Case.objects.order_by("pk").values_list("pk", "next_deadline_on", "next_deadline_title")) == before


@pytest.mark.django_db
def test_every_clock_carries_its_cases_officer(seeded):
    assert Deadline.objects.filter(case__officer__isnull=False).exists()
    assert Deadline.objects.filter(case__officer__isnull=True).exists()  # the intake queue's cases have clocks
    assert (
        not Deadline.objects.exclude(officer=F("case__officer"))
        .exclude(officer__isnull=True, case__officer__isnull=True)
        .exists()
    )


@pytest.mark.django_db
def test_referrals_go_to_their_providers_mediators_never_an_excluded_one(seeded):
    excluded = set(Mediator.objects.filter(Q(active=False) | Q(employed_by_la=True)).values_list("pk", flat=True))
    assert len(excluded) == 2
    for referral in Referral.objects.filter(mediator__isnull=False).select_related("mediator", "case"):
        assert referral.mediator.provider_id == referral.provider_id
        assert referral.mediator_id not in excluded
        assert referral.case.school_id not in set(referral.mediator.conflict_schools.values_list("pk", flat=True))
    for assignment in MediatorAssignment.objects.select_related("mediator", "referral"):
        assert assignment.mediator.provider_id == assignment.referral.provider_id
        assert assignment.mediator_id not in excluded
    for mediator in Mediator.objects.all():
        load = mediator.referrals.filter(status__in=MEDIATOR_CASELOAD_STATUSES).count()
        assert load <= mediator.max_active_cases, mediator
    drs_providers = set(DisagreementResolution.objects.values_list("provider__offers_drs", flat=True))
    assert drs_providers == {True}


@pytest.mark.django_db
def test_each_demo_mediator_has_current_referrals_an_upcoming_session_and_a_certificate_to_issue(seeded):
    now = timezone.now()
    for spec in reference.MEDIATORS:
        mediator = Mediator.objects.get(user__username=spec.user.username)
        mine = Referral.objects.filter(mediator=mediator)
        if not (spec.active and not spec.employed_by_la):
            assert not mine.exists() and not mediator.assignments.exists()
            continue
        assert mine.filter(status__in=MEDIATOR_CASELOAD_STATUSES).count() >= 2, spec.user.username
        assert MediationSession.objects.filter(
            referral__mediator=mediator, status=MediationSession.SessionStatus.PLANNED, starts_at__gt=now
        ).exists()
        awaiting = mine.filter(status=RS.CONCLUDED, case__certificates__isnull=True)
        assert awaiting.exists(), spec.user.username
        assert Deadline.objects.filter(case__referrals__in=awaiting, key="C8", state=DS.OPEN).exists()


@pytest.mark.django_db
def test_the_demo_officer_has_work_overdue_due_today_and_due_this_week(seeded):
    today = timezone.localdate()
    mine = Deadline.objects.filter(case__officer__username="officer", state=DS.OPEN)
    assert mine.filter(due_on__lt=today).exists()
    assert mine.filter(due_on=today).exists()
    assert mine.filter(due_on__gt=today, due_on__lte=today + timedelta(days=7)).exists()


@pytest.mark.django_db
def test_the_first_certificates_are_real_pdfs_and_the_rest_share_one_demo_pdf(db):
    bulk.run(cases=60, real_pdfs=3)
    certs = list(Certificate.objects.order_by("pk"))
    assert len(certs) > 3
    shared = [c for c in certs if c.pdf.name == records.SHARED_CERTIFICATE_PDF]
    real = [c for c in certs if c.pdf.name != records.SHARED_CERTIFICATE_PDF]
    assert len(real) == 3 and shared
    for cert in certs:
        with cert.pdf.open("rb") as stored:
            data = stored.read()
        assert data.startswith(b"%PDF")
        assert certificates.sha256_of(data) == cert.sha256
    assert len({c.sha256 for c in real}) == 3


@pytest.mark.django_db
def test_reset_cases_removes_the_pathway_of_seeded_cases(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bulk.run(cases=CASES, real_pdfs=2)
    real = [c.pdf.name for c in Certificate.objects.exclude(pdf=records.SHARED_CERTIFICATE_PDF)]
    assert len(real) == 2
    counts = records.model_counts()
    with django_capture_on_commit_callbacks(execute=True):
        report = bulk.run(cases=CASES, real_pdfs=2, reset_cases=True)
    assert report.cases_removed == CASES
    assert records.model_counts() == counts
    assert all(not default_storage.exists(name) for name in real)
    with django_capture_on_commit_callbacks(execute=True):
        assert records.delete_seeded_cases() == CASES
    for model in records.PATHWAY_MODELS:
        assert not model.objects.exists(), model.__name__


# --- Idempotent, top-up, reset, deterministic ----------------------------------------------------------------


def _pathway_snapshot():
    return (
        list(Deadline.objects.order_by("case_id", "key").values_list("case_id", "key", "due_on", "state", "met_on")),
        list(Referral.objects.order_by("pk").values_list("case_id", "status", "mediator_id", "referred_on")),
        list(Certificate.objects.order_by("number").values_list("number", "issued_on", "sha256")),
        list(Case.objects.order_by("pk").values_list("pk", "certificate_issued_on", "next_deadline_on")),
    )


@pytest.mark.django_db
def test_running_twice_changes_nothing(seeded):
    before, snapshot, pathway = records.model_counts(), _snapshot(), _pathway_snapshot()
    again = bulk.run(cases=CASES, real_pdfs=2)
    assert again.cases_added == 0
    assert again.pathway_rows == 0
    assert records.model_counts() == before
    assert _snapshot() == snapshot
    assert _pathway_snapshot() == pathway


@pytest.mark.django_db
def test_more_cases_tops_up_without_touching_the_first(db):
    bulk.run(cases=30)
    first = _snapshot()
    report = bulk.run(cases=45)
    assert report.cases_added == 15
    assert Case.objects.count() == 45
    assert set(first) <= set(_snapshot())
    assert len({ref for ref, *_ in _snapshot()}) == 45


@pytest.mark.django_db
def test_reset_cases_reseeds_the_same_cases_and_keeps_portal_cases(db):
    now = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
    reference.seed_reference_data()
    reference.seed_users()
    reference.seed_mediators()
    bulk_cases.seed_cases(40, rng_seed=7, now=now)
    first = _snapshot()
    officer = get_user_model().objects.get(username="officer")
    portal_case = services.case_create(
        actor=officer,
        data={
            "child_first_name": "Kept",
            "child_last_name": "Case",
            "child_date_of_birth": timezone.localdate() - timedelta(days=8 * 365),
            "party_type": PartyType.PARENT,
            "party_name": "Kay Case",
            "route": Route.DRS,
            "first_contact_on": timezone.localdate(),
            "first_contact_channel": ContactChannel.EMAIL,
        },
    )

    assert records.delete_seeded_cases() == 40
    assert list(Case.objects.all()) == [portal_case]
    bulk_cases.seed_cases(40, rng_seed=7, now=now)
    again = [row for row in _snapshot() if row[0] != portal_case.reference]
    # The same cases; this year's references now start after the portal case's.
    assert [row[1:] for row in again] == [row[1:] for row in first]
    assert Case.objects.count() == 41


@pytest.mark.django_db
def test_a_different_seed_gives_different_cases_but_the_same_reference_data(db):
    bulk.run(cases=20, rng_seed=1)
    names = {row[1:3] for row in _snapshot()}
    schools = set(School.objects.values_list("urn", flat=True))
    bulk.run(cases=20, rng_seed=2, reset_cases=True)
    assert {row[1:3] for row in _snapshot()} != names
    assert set(School.objects.values_list("urn", flat=True)) == schools


# --- Pure shape of the generator ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", Route.values)
def test_every_status_a_route_allows_is_reachable_through_the_lifecycle(route):
    assert set(shapes.lifecycle_paths(route, False)) == shapes.ROUTE_STATUSES[route]
    for paths in shapes.lifecycle_paths(route, False).values():
        for path in paths:
            assert all(rules.can_transition(a, b) for a, b in itertools.pairwise(path.statuses))
