"""Specification of the demo data (`seed_demo`): who can sign in, the reference data, and cases that cover every
route, decision and status without an impossible fact. Seeds 200 cases at most, to stay fast."""

import itertools
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cases import permissions, rules, services
from cases.models import (
    Case,
    CaseEvent,
    CaseReferenceCounter,
    ContactChannel,
    Decision,
    HealthBody,
    PartyType,
    Route,
    School,
    SchoolPhase,
    Status,
)
from demo import seed
from referrals.models import MediationProvider, Mediator

CASES = 200


@pytest.fixture
def seeded(db):
    return seed.run(cases=CASES)


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


# --- Sign-ins -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_role_gets_demo_sign_ins_with_the_demo_password(seeded):
    User = get_user_model()
    in_group = {
        role: set(User.objects.filter(groups__name=role).values_list("username", flat=True))
        for role in permissions.ROLE_PERMISSIONS
    }
    assert in_group[permissions.OFFICER] == {"officer", "officer2", "officer3", "officer4"}
    assert in_group[permissions.MANAGER] == {"manager"}
    assert in_group[permissions.MEDIATOR] == {f"mediator{i}" for i in range(1, 9)}
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert all(user.check_password(seed.DEMO_PASSWORD) for user in User.objects.all())
    assert len(seed.DEMO_PASSWORD) >= 12
    assert {row[0] for row in seeded.sign_ins} == set(User.objects.values_list("username", flat=True))


@pytest.mark.django_db
def test_officers_can_hold_cases_and_mediators_cannot_see_them(seeded):
    User = get_user_model()
    assert User.objects.get(username="officer2").has_perm("cases.change_case_status")
    assert not User.objects.get(username="mediator1").has_perm("cases.view_case")


# --- Reference data -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sixty_schools_in_every_phase_with_unique_six_digit_urns(seeded):
    schools = list(School.objects.all())
    assert len(schools) == 60
    assert {school.phase for school in schools} == set(SchoolPhase.values)
    assert all(re.fullmatch(r"\d{6}", school.urn) for school in schools)
    assert len({school.name for school in schools}) == 60
    for school in schools:
        school.full_clean()


@pytest.mark.django_db
def test_three_icbs_two_providers_sharing_the_contract_sixty_forty(seeded):
    assert HealthBody.objects.count() == 3
    assert all(
        name.startswith("NHS ") and name.endswith("Integrated Care Board")
        for name in HealthBody.objects.values_list("name", flat=True)
    )
    shares = dict(MediationProvider.objects.values_list("name", "contract_share"))
    assert sorted(shares.values()) == [40, 60]
    assert MediationProvider.objects.filter(share_changed_on__isnull=False).count() == 2


@pytest.mark.django_db
def test_eight_mediators_with_the_awkward_cases_the_allocation_rules_need(seeded):
    mediators = list(Mediator.objects.select_related("provider"))
    assert len(mediators) == 8
    per_provider = sorted(sum(1 for m in mediators if m.provider_id == p.pk) for p in MediationProvider.objects.all())
    assert per_provider == [3, 5]
    assert sum(not m.active for m in mediators) == 1
    assert sum(m.employed_by_la for m in mediators) == 1
    assert {s for m in mediators for s in m.specialisms} == {"health", "social_care", "post_16"}
    assert {lang for m in mediators for lang in m.language_list} > {"English", "Polish", "Urdu", "Welsh", "Somali"}
    assert all(4 <= m.max_active_cases <= 10 for m in mediators)
    assert Mediator.objects.filter(conflict_schools__isnull=False).distinct().count() >= 2


# --- Cases --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cases_cover_every_route_decision_and_status(seeded):
    assert Case.objects.count() == CASES
    assert set(Case.objects.values_list("route", flat=True)) == set(Route.values)
    mediation_decisions = set(Case.objects.filter(route=Route.MEDIATION).values_list("decision", flat=True))
    assert mediation_decisions == set(Decision.values)
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
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
def test_a_young_person_party_is_16_to_25_at_first_contact(seeded):
    young_people = Case.objects.filter(party_type=PartyType.YOUNG_PERSON)
    assert young_people.exists()
    for case in young_people:
        assert 16 <= rules.age_on(case.child_date_of_birth, case.first_contact_on) <= 25
        assert case.party_name == f"{case.child_first_name} {case.child_last_name}"


@pytest.mark.django_db
def test_every_timeline_opens_with_created_and_follows_the_lifecycle(seeded):
    now = timezone.now()
    for case in Case.objects.prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda e: (e.created_at, e.pk))
        assert events[0].kind == CaseEvent.Kind.CREATED
        assert events[0].data == seed.SEED_MARKER
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


# --- Idempotent, top-up, reset, deterministic ----------------------------------------------------------------


@pytest.mark.django_db
def test_running_twice_changes_nothing(seeded):
    before, snapshot = seed.model_counts(), _snapshot()
    again = seed.run(cases=CASES)
    assert again.cases_added == 0
    assert seed.model_counts() == before
    assert _snapshot() == snapshot


@pytest.mark.django_db
def test_more_cases_tops_up_without_touching_the_first(db):
    seed.run(cases=30)
    first = _snapshot()
    report = seed.run(cases=45)
    assert report.cases_added == 15
    assert Case.objects.count() == 45
    assert set(first) <= set(_snapshot())
    assert len({ref for ref, *_ in _snapshot()}) == 45


@pytest.mark.django_db
def test_reset_cases_reseeds_the_same_cases_and_keeps_portal_cases(db):
    now = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
    seed.seed_reference_data()
    seed.seed_users()
    seed.seed_mediators()
    seed.seed_cases(40, rng_seed=7, now=now)
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

    assert seed.delete_seeded_cases() == 40
    assert list(Case.objects.all()) == [portal_case]
    seed.seed_cases(40, rng_seed=7, now=now)
    again = [row for row in _snapshot() if row[0] != portal_case.reference]
    # The same cases; this year's references now start after the portal case's.
    assert [row[1:] for row in again] == [row[1:] for row in first]
    assert Case.objects.count() == 41


@pytest.mark.django_db
def test_a_different_seed_gives_different_cases_but_the_same_reference_data(db):
    seed.run(cases=20, rng_seed=1)
    names = {row[1:3] for row in _snapshot()}
    schools = set(School.objects.values_list("urn", flat=True))
    seed.run(cases=20, rng_seed=2, reset_cases=True)
    assert {row[1:3] for row in _snapshot()} != names
    assert set(School.objects.values_list("urn", flat=True)) == schools


# --- The command --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_counts_and_the_demo_sign_ins():
    out = StringIO()
    call_command("seed_demo", "--cases", "20", "--allow-without-debug", stdout=out)
    text = out.getvalue()
    assert "Added 20 cases." in text
    assert "Demo sign-ins" in text
    assert re.search(r"mediator8\s+demo-password-2026\s+Mediator", text)
    assert re.search(r"admin\s+demo-password-2026\s+Administrator", text)
    assert "seconds" in text


@pytest.mark.django_db
def test_command_takes_another_password():
    call_command(
        "seed_demo", "--cases", "0", "--password", "another-long-passphrase", "--allow-without-debug", stdout=StringIO()
    )
    assert get_user_model().objects.get(username="manager").check_password("another-long-passphrase")


@pytest.mark.django_db
def test_command_refuses_a_short_password():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--password", "short", "--allow-without-debug", stdout=StringIO())


def test_command_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())


# --- Pure shape of the generator ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", Route.values)
def test_every_status_a_route_allows_is_reachable_through_the_lifecycle(route):
    assert set(seed.lifecycle_paths(route, False)) == seed.ROUTE_STATUSES[route]
    for paths in seed.lifecycle_paths(route, False).values():
        for path in paths:
            assert all(rules.can_transition(a, b) for a, b in itertools.pairwise(path.statuses))
