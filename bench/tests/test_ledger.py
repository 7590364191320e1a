"""The write ledger check the load test and the drill run after the load (bench/ledger.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bench.ledger import ACKNOWLEDGED, REFUSED, UNKNOWN, outcome_for, verify
from cases import services
from cases.models import CaseNote, Deadline
from cases.tests.factories import CaseFactory
from referrals.models import MediationSession
from referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db
RUN = "1a2b3c"


def marker(n: int) -> str:
    return f"LT-{RUN}-{n:012x}"


def write(n, outcome, kind="note", target=0):
    return {"kind": kind, "marker": marker(n), "target": target, "outcome": outcome}


@pytest.fixture
def since():
    return timezone.now() - timedelta(seconds=1)


def test_outcome_of_an_answer():
    assert outcome_for(302) == ACKNOWLEDGED
    assert outcome_for(503) == REFUSED
    assert outcome_for(400) == REFUSED
    assert outcome_for(None) == UNKNOWN


def test_acknowledged_notes_found_whole_refused_absent_unknown_either_way(officer, since):
    case = CaseFactory(officer=officer)
    services.case_note_add(case=case, actor=officer, text=f"Load test note {marker(1)}")
    services.case_note_add(case=case, actor=officer, text=f"Load test note {marker(3)}")  # no answer, but stored
    report = verify(
        [write(1, ACKNOWLEDGED), write(2, REFUSED), write(3, UNKNOWN), write(4, UNKNOWN)], run_id=RUN, since=since
    )
    assert report.ok, report.as_dict()
    assert report.acknowledged_found == 1
    assert (report.unknown_stored, report.unknown_absent) == (1, 1)
    assert report.as_dict()["writes"] == {"note acknowledged": 1, "note refused": 1, "note unknown": 2}


def test_an_acknowledged_write_that_is_missing_fails_the_check(since):
    report = verify([write(1, ACKNOWLEDGED)], run_id=RUN, since=since)
    assert not report.ok
    assert report.missing == [marker(1)]


def test_a_refused_write_that_was_stored_fails_the_check(officer, since):
    case = CaseFactory(officer=officer)
    services.case_note_add(case=case, actor=officer, text=f"Load test note {marker(5)}")
    report = verify([write(5, REFUSED)], run_id=RUN, since=since)
    assert not report.ok
    assert report.refused_but_stored == [marker(5)]


def test_a_note_without_its_timeline_event_is_half_stored(officer, since):
    case = CaseFactory(officer=officer)
    CaseNote.objects.create(case=case, author=officer, text=f"Load test note {marker(6)}")  # no event
    report = verify([write(6, UNKNOWN)], run_id=RUN, since=since)
    assert not report.ok
    assert report.half_stored == [f"case {case.pk}: 1 run notes but 0 'note added' events"]


def test_a_session_needs_its_timeline_event_and_its_notice_clock(officer, since):
    referral = ReferralFactory(case=CaseFactory(officer=officer))
    session = MediationSession.objects.create(
        referral=referral,
        starts_at=timezone.now() + timedelta(days=20),
        mode="online",
        venue=f"Load test {marker(7)}",
        notice_sent_on=timezone.localdate(),
        recorded_by=officer,
    )
    report = verify([write(7, ACKNOWLEDGED, "session", referral.pk)], run_id=RUN, since=since)
    assert report.half_stored == [
        f"session {session.pk}: no timeline event",
        f"session {session.pk}: no notice clock (C7)",
    ]
    services.case_event_record(
        case=referral.case,
        actor=officer,
        kind="mediation",
        description="Session arranged",
        data={"session": session.pk},
    )
    Deadline.objects.create(
        case=referral.case,
        key=f"C7:{session.pk}",
        clock="C7",
        title="Notice",
        due_on=timezone.localdate(),
        state=Deadline.State.MET,
        met_on=timezone.localdate(),
    )
    report = verify([write(7, ACKNOWLEDGED, "session", referral.pk)], run_id=RUN, since=since)
    assert report.ok, report.as_dict()


def test_the_same_marker_stored_twice_is_reported(officer, since):
    case = CaseFactory(officer=officer)
    for _ in range(2):
        services.case_note_add(case=case, actor=officer, text=f"Load test note {marker(8)}")
    report = verify([write(8, ACKNOWLEDGED)], run_id=RUN, since=since)
    assert report.duplicated == [marker(8)]
    assert not report.ok
