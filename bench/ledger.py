"""The write ledger of a load or drill run, and the check that the database agrees with it.

Simulated users write through the portal's own pages (an officer's note, a mediator's session) with a unique
marker in the text, and record what answer they got:

- acknowledged: the success response (the redirect after the POST): the write must be in the database, exactly
  once and whole;
- refused: any other response (the 503 page while the database was down, say): the write must not be there at
  all, not even in part;
- unknown: no response (the connection dropped mid-request): either answer is allowed, but whatever is there
  must be whole.

"Whole" is what each service writes in one transaction: a note and its "note added" timeline event; a session,
its timeline event and its notice clock (C7). Runs in a Django process (the runner calls `python -m bench.ledger`
with bench.settings pointed at the run's database); the suite tests verify() directly.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

ACKNOWLEDGED, REFUSED, UNKNOWN = "acknowledged", "refused", "unknown"
OUTCOMES = (ACKNOWLEDGED, REFUSED, UNKNOWN)
NOTE, SESSION = "note", "session"
MARKER = re.compile(r"LT-[0-9a-z]+-[0-9a-f]{12}")


def marker_prefix(run_id: str) -> str:
    return f"LT-{run_id}-"


def outcome_for(status: int | None, success: int = 302) -> str:
    """What a write's answer means: the success redirect, another answer, or none at all."""
    if status is None:
        return UNKNOWN
    return ACKNOWLEDGED if status == success else REFUSED


@dataclass
class LedgerReport:
    writes: Counter = field(default_factory=Counter)  # (kind, outcome) -> n
    acknowledged_found: int = 0
    missing: list[str] = field(default_factory=list)  # acknowledged, not in the database
    refused_but_stored: list[str] = field(default_factory=list)
    unknown_stored: int = 0
    unknown_absent: int = 0
    duplicated: list[str] = field(default_factory=list)
    half_stored: list[str] = field(default_factory=list)  # what was found without the rest of its transaction

    @property
    def ok(self) -> bool:
        return not (self.missing or self.refused_but_stored or self.duplicated or self.half_stored)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["writes"] = {f"{kind} {outcome}": n for (kind, outcome), n in sorted(self.writes.items())}
        data["ok"] = self.ok
        return data


def verify(writes: list[dict], *, run_id: str, since: datetime) -> LedgerReport:
    """Check the ledger against the database. `writes`: dicts with kind, marker, target and outcome."""
    from cases.models import CaseNote
    from referrals.models import MediationSession

    prefix = marker_prefix(run_id)
    report = LedgerReport()
    for write in writes:
        report.writes[(write["kind"], write["outcome"])] += 1

    stored: dict[str, list] = {}
    notes = list(CaseNote.objects.filter(text__contains=prefix).values("pk", "case_id", "text"))
    for note in notes:
        for marker in MARKER.findall(note["text"]):
            stored.setdefault(marker, []).append((NOTE, note))
    sessions = list(MediationSession.objects.filter(venue__contains=prefix).values("pk", "venue", "referral__case_id"))
    for session in sessions:
        for marker in MARKER.findall(session["venue"]):
            stored.setdefault(marker, []).append((SESSION, session))

    for write in writes:
        _check_write(report, write, stored.get(write["marker"], []))
    # Whole: every note written in the run has its "note added" event (counted per case: the event does not
    # name the note), every session its timeline event and its notice clock.
    _check_notes_whole(report, notes, since)
    _check_sessions_whole(report, sessions, since)
    return report


def _check_write(report: LedgerReport, write: dict, found: list) -> None:
    """Exactly once: an acknowledged write is stored once, a refused one not at all; an unknown one is counted."""
    if len(found) > 1:
        report.duplicated.append(write["marker"])
    if write["outcome"] == ACKNOWLEDGED:
        if found:
            report.acknowledged_found += 1
        else:
            report.missing.append(write["marker"])
    elif write["outcome"] == REFUSED:
        if found:
            report.refused_but_stored.append(write["marker"])
    elif found:
        report.unknown_stored += 1
    else:
        report.unknown_absent += 1


def _check_notes_whole(report: LedgerReport, notes: list[dict], since: datetime) -> None:
    from cases.models import CaseEvent

    note_cases = Counter(note["case_id"] for note in notes)
    events = Counter(
        CaseEvent.objects.filter(
            case_id__in=note_cases, kind=CaseEvent.Kind.NOTE_ADDED, created_at__gte=since
        ).values_list("case_id", flat=True)
    )
    for case_id, n in sorted(note_cases.items()):
        if events[case_id] != n:
            report.half_stored.append(f"case {case_id}: {n} run notes but {events[case_id]} 'note added' events")


def _check_sessions_whole(report: LedgerReport, sessions: list[dict], since: datetime) -> None:
    from cases.models import CaseEvent, Deadline

    session_ids = {s["pk"] for s in sessions}
    with_event = {
        data.get("session")
        for data in CaseEvent.objects.filter(
            kind=CaseEvent.Kind.MEDIATION, created_at__gte=since, case_id__in={s["referral__case_id"] for s in sessions}
        ).values_list("data", flat=True)
    }
    with_clock = set(Deadline.objects.filter(key__in=[f"C7:{pk}" for pk in session_ids]).values_list("key", flat=True))
    for pk in sorted(session_ids):
        if pk not in with_event:
            report.half_stored.append(f"session {pk}: no timeline event")
        if f"C7:{pk}" not in with_clock:
            report.half_stored.append(f"session {pk}: no notice clock (C7)")


def main(argv: list[str]) -> int:
    """python -m bench.ledger LEDGER.json: verify a run's ledger, print the report as JSON."""
    import django

    django.setup()
    data = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    report = verify(data["writes"], run_id=data["run_id"], since=datetime.fromisoformat(data["since"]))
    print(json.dumps(report.as_dict()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
