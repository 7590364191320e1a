from datetime import date
from threading import Barrier, Thread

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cases import services
from cases.models import Case, CaseEvent, CaseReferenceCounter, Deadline, Decision, PartyType, Route, Status
from cases.tests.factories import CaseFactory, SchoolFactory

pytestmark = pytest.mark.django_db

LONDON_NOON = "2026-11-20 12:00:00+00:00"


def intake_data(**overrides):
    data = dict(
        child_first_name="Amara",
        child_last_name="Okafor",
        child_date_of_birth=date(2015, 6, 1),
        party_type=PartyType.PARENT,
        party_name="Grace Okafor",
        party_relationship="Mother",
        phone="+447700900123",
        email="grace@example.com",
        postcode="LS1 4AP",
        route=Route.MEDIATION,
        decision=Decision.RTA,
        decision_sent_on=date(2026, 10, 1),
        first_contact_on=date(2026, 10, 6),
        first_contact_channel="phone",
        school=SchoolFactory(),
    )
    data.update(overrides)
    return data


@time_machine.travel(LONDON_NOON, tick=False)
def test_create_gives_a_reference_for_the_year_and_a_timeline_entry(officer):
    case = services.case_create(actor=officer, data=intake_data())
    assert case.reference == "SEND-2026-00001"
    assert case.status == Status.INTAKE
    assert case.created_by == officer
    event = case.events.get(kind=CaseEvent.Kind.CREATED)
    assert event.actor == officer
    assert event.description == "Case SEND-2026-00001 opened (statutory mediation)"


@time_machine.travel(LONDON_NOON, tick=False)
def test_references_count_up_within_a_year(officer):
    first = services.case_create(actor=officer, data=intake_data())
    second = services.case_create(actor=officer, data=intake_data(child_first_name="Ben"))
    assert (first.reference, second.reference) == ("SEND-2026-00001", "SEND-2026-00002")
    assert CaseReferenceCounter.objects.get(year=2026).last_number == 2


@time_machine.travel("2027-01-01 00:30:00+00:00", tick=False)
def test_reference_year_follows_london_date(officer):
    case = services.case_create(actor=officer, data=intake_data())
    assert case.reference == "SEND-2027-00001"


@time_machine.travel(LONDON_NOON, tick=False)
def test_create_refuses_impossible_sequence_and_saves_nothing(officer):
    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=officer, data=intake_data(first_contact_on=date(2026, 9, 1)))
    assert "first_contact_on" in exc.value.message_dict
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert not CaseReferenceCounter.objects.exists()


def test_mediator_cannot_create_cases(mediator_user):
    with pytest.raises(PermissionDenied):
        services.case_create(actor=mediator_user, data=intake_data())
    assert Case.objects.count() == 0


@time_machine.travel(LONDON_NOON, tick=False)
def test_update_saves_only_changes_and_shows_date_moves(officer):
    case = CaseFactory(decision_sent_on=date(2026, 10, 1), first_contact_on=date(2026, 10, 6))
    services.case_update(
        case=case, actor=officer, data={"decision_sent_on": date(2026, 10, 2), "party_name": case.party_name}
    )
    case.refresh_from_db()
    assert case.decision_sent_on == date(2026, 10, 2)
    event = case.events.get(kind=CaseEvent.Kind.UPDATED)
    assert event.description == (
        "Changed date the decision letter was sent; date the decision letter was sent: Thu 1 Oct 2026 to Fri 2 Oct 2026"
    )
    assert event.data["fields"] == ["decision_sent_on"]


def test_update_with_no_change_writes_no_event(officer):
    case = CaseFactory()
    services.case_update(case=case, actor=officer, data={"party_name": case.party_name})
    assert not case.events.exists()


@time_machine.travel(LONDON_NOON, tick=False)
def test_failed_update_changes_nothing(officer):
    case = CaseFactory(decision_sent_on=date(2026, 10, 1), first_contact_on=date(2026, 10, 6))
    with pytest.raises(ValidationError):
        services.case_update(
            case=case, actor=officer, data={"party_name": "New Name", "decision_sent_on": date(2026, 10, 9)}
        )
    case.refresh_from_db()
    assert case.decision_sent_on == date(2026, 10, 1)
    assert case.party_name != "New Name"
    assert not case.events.exists()


def test_update_ignores_fields_outside_the_editable_set(officer):
    case = CaseFactory()
    services.case_update(case=case, actor=officer, data={"status": Status.CLOSED, "reference": "HACKED"})
    case.refresh_from_db()
    assert case.status == Status.INTAKE
    assert case.reference.startswith("SEND-")


def test_closed_case_cannot_be_edited(officer):
    case = CaseFactory(status=Status.CLOSED)
    with pytest.raises(PermissionDenied):
        services.case_update(case=case, actor=officer, data={"party_name": "X"})


def test_assign_officer_records_who(officer, other_officer):
    case = CaseFactory()
    services.case_assign_officer(case=case, actor=officer, officer=other_officer)
    case.refresh_from_db()
    assert case.officer == other_officer
    assert case.events.get().description == "Assigned to Owen Other"


def test_a_cases_clocks_go_with_it_to_its_new_officer_and_back_to_nobody(officer, other_officer):
    case = CaseFactory(officer=officer)
    other = CaseFactory(officer=officer)
    for on in (case, other):
        for key, due in (("C1", date(2026, 5, 1)), ("C9", date(2026, 6, 1))):
            Deadline.objects.create(case=on, key=key, clock=key, title=key, due_on=due)
    assert set(Deadline.objects.values_list("officer", flat=True)) == {officer.pk}  # copied when created
    services.case_assign_officer(case=case, actor=officer, officer=other_officer)
    assert set(case.deadlines.values_list("officer", flat=True)) == {other_officer.pk}
    assert set(other.deadlines.values_list("officer", flat=True)) == {officer.pk}  # another case's stay put
    services.case_assign_officer(case=case, actor=other_officer, officer=None)
    assert set(case.deadlines.values_list("officer", flat=True)) == {None}


def test_a_new_clock_takes_whoever_holds_the_case_now_not_a_stale_copy(officer, other_officer):
    case = CaseFactory(officer=officer)
    loaded_earlier = Case.objects.get(pk=case.pk)
    services.case_assign_officer(case=case, actor=officer, officer=other_officer)
    clock = Deadline.objects.create(case=loaded_earlier, key="C1", clock="C1", title="C1", due_on=date(2026, 5, 1))
    assert loaded_earlier.officer_id == officer.pk
    assert Deadline.objects.get(pk=clock.pk).officer_id == other_officer.pk


def test_cannot_assign_a_mediator_as_officer(officer, mediator_user):
    case = CaseFactory()
    with pytest.raises(ValidationError):
        services.case_assign_officer(case=case, actor=officer, officer=mediator_user)
    case.refresh_from_db()
    assert case.officer is None


def test_unassign(officer):
    case = CaseFactory(officer=officer)
    services.case_assign_officer(case=case, actor=officer, officer=None)
    case.refresh_from_db()
    assert case.officer is None
    assert case.events.get().description == "Assigned to nobody"


def test_allowed_status_change_is_saved_with_timeline_entry(officer):
    case = CaseFactory()
    services.case_change_status(case=case, actor=officer, to_status=Status.TRIAGED)
    case.refresh_from_db()
    assert case.status == Status.TRIAGED
    event = case.events.get()
    assert event.description == "Status changed from Intake to Triaged"
    assert event.data == {"from": "intake", "to": "triaged"}


def test_disallowed_status_change_is_refused_and_changes_nothing(officer):
    case = CaseFactory()
    with pytest.raises(ValidationError) as exc:
        services.case_change_status(case=case, actor=officer, to_status=Status.CLOSED)
    assert exc.value.messages == ["A case that is intake cannot move to closed."]
    case.refresh_from_db()
    assert case.status == Status.INTAKE
    assert not case.events.exists()


@time_machine.travel(LONDON_NOON, tick=False)
def test_withdrawal_records_reason_then_close_records_date(officer):
    case = CaseFactory(status=Status.MEDIATION_ROUTE)
    services.case_change_status(case=case, actor=officer, to_status=Status.WITHDRAWN, reason="Family moved away")
    services.case_change_status(case=case, actor=officer, to_status=Status.CLOSED)
    case.refresh_from_db()
    assert case.withdrawn_reason == "Family moved away"
    assert case.closed_on == date(2026, 11, 20)
    assert [e.description for e in case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED).order_by("id")] == [
        "Status changed from Mediation to Withdrawn by the family: Family moved away",
        "Status changed from Withdrawn by the family to Closed",
    ]
    # Closing settles the case's clocks, and says so: the family's windows that had passed are missed.
    settled = case.events.exclude(kind=CaseEvent.Kind.STATUS_CHANGED).values_list("description", flat=True)
    assert "Tribunal must receive the appeal: missed (the case was closed)" in settled


def test_walk_a_case_through_the_whole_mediation_lifecycle(officer):
    case = CaseFactory()
    path = [
        Status.TRIAGED,
        Status.MEDIATION_ROUTE,
        Status.POST_MEDIATION,
        Status.APPEAL_WINDOW_OPEN,
        Status.APPEAL_LODGED,
        Status.ORDER_MADE,
        Status.COMPLIANCE,
        Status.CLOSED,
    ]
    for status in path:
        services.case_change_status(case=case, actor=officer, to_status=status)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED).count() == len(path)


def test_note_is_added_and_logged(officer):
    case = CaseFactory()
    note = services.case_note_add(case=case, actor=officer, text="  Called mum back  ", visibility="shared")
    assert note.text == "Called mum back"
    assert case.events.get().description == "Shared note added"


def test_blank_note_is_refused(officer):
    case = CaseFactory()
    with pytest.raises(ValidationError):
        services.case_note_add(case=case, actor=officer, text="   ")
    assert not case.notes.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_never_share_a_reference(officer):
    """Several threads take in cases at once: every reference is different and the counter matches."""
    school = SchoolFactory()
    threads, errors, barrier = [], [], Barrier(4)

    def work():
        try:
            barrier.wait()
            for _ in range(5):
                services.case_create(actor=officer, data=intake_data(school=school))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    for _ in range(4):
        threads.append(Thread(target=work))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    refs = list(Case.objects.values_list("reference", flat=True))
    assert len(refs) == 20
    assert len(set(refs)) == 20
