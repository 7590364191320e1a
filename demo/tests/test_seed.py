"""Specification of the demo `make run` shows (`seed_demo`): the sign-ins and reference data, and cases at every stage
entered through the portal's own services, each step on the day it happened, so every clock, status and date is what
the portal records. The demo is seeded once for the module, on a fixed day just before Christmas (where the
working-day calendar is at its most irregular), and each test looks at it inside its own transaction."""

import itertools
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from cases import clock_services, permissions, rules, services
from cases.models import (
    Case,
    CaseEvent,
    Deadline,
    Decision,
    HealthBody,
    Route,
    School,
    SchoolPhase,
    Status,
)
from demo import reference, seed
from demo import seeded as records
from demo.stories import bookable_mediators
from referrals import certificates
from referrals.models import (
    AgreementAction,
    Certificate,
    DisagreementResolution,
    MediationProvider,
    MediationSession,
    Mediator,
    Referral,
    TribunalAppeal,
)
from referrals.selectors import MEDIATOR_CASELOAD_STATUSES

DAY = date(2026, 12, 23)
MOMENT = datetime.combine(DAY, time(9, 30), tzinfo=ZoneInfo("Europe/London"))
DS = Deadline.State
# Statuses the services pass through on the way to the next one in the same step (a Tribunal outcome that sets
# compliance clocks moves on to compliance; a disagreement-resolution outcome follows the meeting held).
PASSING_STATUSES = {Status.CONCEDED_UNOPPOSED, Status.DRS_MEETING_HELD}

pytestmark = [pytest.mark.django_db, pytest.mark.today(DAY)]


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    """The demo, seeded once at MOMENT in a transaction rolled back after the module's tests."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with time_machine.travel(MOMENT, tick=False):
                report = seed.run()
            yield report
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _snapshot():
    return (
        list(Case.objects.order_by("reference").values_list("reference", "child_last_name", "status", "officer_id")),
        list(Deadline.objects.order_by("case_id", "key").values_list("case_id", "key", "due_on", "state", "met_on")),
        list(Referral.objects.order_by("pk").values_list("case_id", "status", "mediator_id", "referred_on")),
        list(CaseEvent.objects.order_by("pk").values_list("case_id", "kind", "created_at")),
    )


# --- Sign-ins and reference data -----------------------------------------------------------------------------


def test_every_role_gets_demo_sign_ins_with_the_demo_password(demo):
    User = get_user_model()
    in_group = {
        role: set(User.objects.filter(groups__name=role).values_list("username", flat=True))
        for role in permissions.ROLE_PERMISSIONS
    }
    assert in_group[permissions.OFFICER] == {"officer", "officer2", "officer3", "officer4"}
    assert in_group[permissions.MANAGER] == {"manager"}
    assert in_group[permissions.MEDIATOR] == {f"mediator{i}" for i in range(1, 9)}
    assert in_group[permissions.DATA_PROTECTION] == {"dpo"}
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert all(user.check_password(reference.DEMO_PASSWORD) for user in User.objects.all())
    assert len(reference.DEMO_PASSWORD) >= 12
    assert {row[0] for row in demo.sign_ins} == set(User.objects.values_list("username", flat=True))
    assert User.objects.get(username="officer2").has_perm("cases.change_case_status")
    assert not User.objects.get(username="mediator1").has_perm("cases.view_case")


def test_sixty_schools_three_icbs_and_two_providers_sharing_the_contract(demo):
    schools = list(School.objects.all())
    assert len(schools) == 60
    assert {school.phase for school in schools} == set(SchoolPhase.values)
    assert all(re.fullmatch(r"\d{6}", school.urn) for school in schools)
    assert len({school.name for school in schools}) == 60
    for school in schools:
        school.full_clean()
    assert HealthBody.objects.count() == 3
    assert sorted(MediationProvider.objects.values_list("contract_share", flat=True)) == [40, 60]


def test_eight_mediators_with_the_awkward_cases_the_allocation_rules_need(demo):
    mediators = list(Mediator.objects.select_related("provider"))
    assert len(mediators) == 8
    per_provider = sorted(sum(1 for m in mediators if m.provider_id == p.pk) for p in MediationProvider.objects.all())
    assert per_provider == [3, 5]
    assert sum(not m.active for m in mediators) == 1
    assert sum(m.employed_by_la for m in mediators) == 1
    assert {s for m in mediators for s in m.specialisms} == {"health", "social_care", "post_16"}
    assert Mediator.objects.filter(conflict_schools__isnull=False).distinct().count() >= 2


# --- Cases at every stage --------------------------------------------------------------------------------------


def test_cases_at_every_stage_route_and_decision(demo):
    count = Case.objects.count()
    assert demo.cases_added == count
    assert 50 <= count <= 90  # enough to fill every list, few enough to read
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values) - PASSING_STATUSES
    assert set(Case.objects.values_list("route", flat=True)) == set(Route.values)
    assert set(Case.objects.values_list("decision", flat=True)) == {*Decision.values, ""}
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    assert set(DisagreementResolution.objects.values_list("outcome", flat=True)) == {
        "",
        *DisagreementResolution.Outcome.values,
    }
    assert set(TribunalAppeal.objects.values_list("outcome", flat=True)) == {"", *TribunalAppeal.Outcome.values}
    assert Case.objects.filter(officer__isnull=True, status=Status.INTAKE).exists()  # a new case nobody has taken


def test_every_case_was_taken_in_and_moved_through_the_services(demo):
    """Each case opens with the service's "created" event (marked as seeded) on its day of first contact, then its
    status changes follow the lifecycle, each on the day it happened."""
    for case in Case.objects.all():
        events = list(case.events.order_by("created_at", "pk"))
        assert events[0].kind == CaseEvent.Kind.CREATED and events[0].data == records.SEED_MARKER
        assert timezone.localdate(events[0].created_at) == case.first_contact_on, case.reference
        assert all(event.created_at <= MOMENT for event in events)
        status = Status.INTAKE
        for event in events:
            if event.kind == CaseEvent.Kind.STATUS_CHANGED:
                assert event.data["from"] == status and rules.can_transition(status, event.data["to"])
                status = event.data["to"]
        assert status == case.status, case.reference
        if case.status == Status.CLOSED:
            assert case.closed_on < DAY
    # Work spread over the weeks and months before today, not all at once.
    days = {timezone.localdate(moment) for moment in CaseEvent.objects.values_list("created_at", flat=True)}
    assert len(days) > 60 and min(days) < DAY - timedelta(days=300)


def test_references_follow_the_day_each_case_was_opened_and_the_next_intake_carries_on(demo):
    rows = list(Case.objects.order_by("reference").values_list("reference", "first_contact_on"))
    for (ref, opened), (next_ref, next_opened) in itertools.pairwise(rows):
        assert ref[:9] != next_ref[:9] or opened <= next_opened, (ref, next_ref)  # same year: in date order
    assert {ref[5:9] for ref, _ in rows} == {str(opened.year) for _, opened in rows}
    officer = get_user_model().objects.get(username="officer")
    with time_machine.travel(MOMENT, tick=False):
        new = services.case_create(
            actor=officer,
            data={
                "child_first_name": "New", "child_last_name": "Intake", "child_date_of_birth": date(2016, 5, 4),
                "party_type": "parent", "party_name": "Nia Intake", "route": Route.DRS, "first_contact_on": DAY,
                "first_contact_channel": "email",
            },
        )  # fmt: skip
    assert new.reference > max(ref for ref, _ in rows if ref.startswith(f"SEND-{DAY.year}-"))


def test_the_clocks_are_the_ones_the_services_set(demo):
    """Asking every clock provider again today finds nothing to change: no clock was made by hand."""
    counts = clock_services.deadlines_recompute_all(batch_size=17)
    assert counts["cases"] == Case.objects.count()
    assert (counts["created"], counts["moved"], counts["changed"]) == (0, 0, 0)
    before = list(Case.objects.order_by("pk").values_list("pk", "next_deadline_on", "next_deadline_title"))
    clock_services.cases_next_deadline_refresh([pk for pk, _, _ in before])
    assert list(Case.objects.order_by("pk").values_list("pk", "next_deadline_on", "next_deadline_title")) == before


def test_certificates_due_overdue_issued_and_corrected(demo, settings, demo_media):
    settings.MEDIA_ROOT = demo_media
    due = Deadline.objects.filter(clock__in=["C2", "C6", "C8"], state=DS.OPEN)
    assert due.filter(due_on__gte=DAY).exists()
    assert Deadline.objects.filter(clock__in=["C2", "C6", "C8"], due_on__lt=DAY).exclude(state=DS.MET).exists()
    certs = list(Certificate.objects.all())
    assert {cert.kind for cert in certs} >= {Certificate.Kind.DECLINED, Certificate.Kind.CONCLUDED}
    for cert in certs:  # every one rendered by the service, its own PDF with its own fingerprint
        with cert.pdf.open("rb") as stored:
            data = stored.read()
        assert data.startswith(b"%PDF") and certificates.sha256_of(data) == cert.sha256
    assert len({cert.sha256 for cert in certs}) == len(certs)
    corrected = [cert for cert in certs if cert.version == 2]
    assert corrected and corrected[0].review_confirmed_at is None


def test_agreements_with_actions_done_due_and_overdue(demo):
    actions = AgreementAction.objects.all()
    assert actions.filter(done_on__isnull=False).exists()
    assert actions.filter(done_on__isnull=True, due_on__lt=DAY).exists()
    assert actions.filter(done_on__isnull=True, due_on__gte=DAY).exists()
    assert set(actions.values_list("basis", flat=True)) == set(AgreementAction.Basis.values)
    assert Case.objects.filter(status=Status.AGREEMENT_IMPLEMENTATION).count() >= 2


def test_tribunal_appeals_with_their_compliance_clocks(demo):
    open_clocks = set(Deadline.objects.filter(state=DS.OPEN).values_list("clock", flat=True))
    assert {"C14", "C15", "C16", "C17"} <= open_clocks
    assert Deadline.objects.filter(clock="C17", state=DS.MET).exists()


def test_the_demo_officer_has_work_overdue_due_today_and_due_this_week(demo):
    mine = Deadline.objects.filter(case__officer__username="officer", state=DS.OPEN)
    assert mine.filter(due_on__lt=DAY).exists()
    assert mine.filter(due_on=DAY).exists()
    assert mine.filter(due_on__gt=DAY, due_on__lte=DAY + timedelta(days=7)).exists()


def test_each_bookable_mediator_has_a_session_coming_another_mediation_and_a_certificate_to_issue(demo):
    for username, _provider in bookable_mediators():
        mine = Referral.objects.filter(mediator__user__username=username)
        assert mine.filter(status__in=MEDIATOR_CASELOAD_STATUSES).count() >= 2, username
        assert MediationSession.objects.filter(
            referral__in=mine, status=MediationSession.SessionStatus.PLANNED, starts_at__gt=MOMENT
        ).exists(), username
        assert mine.filter(status=Referral.Status.CONCLUDED, case__certificates__isnull=True).exists(), username
    for mediator in Mediator.objects.exclude(user__username__in=[u for u, _ in bookable_mediators()]):
        assert not mediator.referrals.exists()  # inactive or employed by the LA: never given one


def test_a_provider_other_than_the_suggested_one_always_has_a_reason(demo):
    referrals = Referral.objects.all()
    assert referrals.filter(provider_choice_reason="").count() > referrals.count() / 2
    for referral in referrals.exclude(suggested_provider=None):
        assert (referral.provider_id == referral.suggested_provider_id) != bool(referral.provider_choice_reason)


# --- Idempotent; removing the demo ------------------------------------------------------------------------------


def test_running_again_adds_and_changes_nothing(demo):
    before, counts = _snapshot(), records.model_counts()
    with time_machine.travel(MOMENT + timedelta(hours=1), tick=False):
        again = seed.run()
    assert again.cases_added == 0
    assert records.model_counts() == counts
    assert _snapshot() == before


def test_reset_removes_only_the_seeded_cases(demo):
    kept = Case.objects.filter(status=Status.INTAKE).first()
    kept.events.filter(kind=CaseEvent.Kind.CREATED).update(data={})  # as if entered through the portal
    removed = records.delete_seeded_cases()
    assert removed == demo.cases_added - 1
    assert list(Case.objects.all()) == [kept]
    assert not Referral.objects.exists() and not Deadline.objects.exclude(case=kept).exists()


def test_every_seeded_case_carries_its_next_step(demo):
    """The seed stores each case's next step as the services do: worked out again, nothing differs, every open
    case has one and the closed ones none."""
    from cases.next_step_services import compute_next_steps, stored_next_step

    cases = list(Case.objects.order_by("pk"))
    computed = compute_next_steps(cases, today=DAY)  # the day the demo was seeded
    assert [stored_next_step(case) for case in cases] == [computed[case.pk] for case in cases]
    assert all(bool(case.next_step) == (case.status != "closed") for case in cases)
