"""What the bulk pathway steps share: one case while its pathway is made, its wishes, and the coverage of choices."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from cases import deadlines
from cases.models import (
    Deadline,
)
from demo.bulk.shapes import S
from referrals.models import (
    AdviserContact,
    Certificate,
    MediationSession,
    Referral,
    TribunalAppeal,
)
from referrals.selectors import ACTIVE_REFERRAL_STATUSES, MEDIATOR_CASELOAD_STATUSES

# --- The mediation pathway ---------------------------------------------------------------------------------
#
# seed_pathway() gives every seeded case the pathway records its route and lifecycle imply, dated inside the
# case's own timeline (the status changes seed_cases wrote), and the statutory clocks the services would have
# set from those records, computed with cases.deadlines. Rows go in through RowWriter, never the services:
# the services take a lock, write an event and recompute clocks for every step, which at 100,000 cases would
# take hours.

RS = Referral.Status
SS = MediationSession.SessionStatus
DS = Deadline.State
CHOICE = AdviserContact.Choice
CERT = Certificate.Kind
APPEAL = TribunalAppeal.Outcome
CASELOAD = frozenset(MEDIATOR_CASELOAD_STATUSES)
CURRENT_REFERRAL = frozenset(ACTIVE_REFERRAL_STATUSES)

IDEAL_WISH_AGE = 18  # days since first contact of the current mediations the demo mediators are given

# The referral stages a current mediation can be at, weighted by days since the referral (0 rules it out).
ACTIVE_STAGES = (
    (RS.REFERRED, lambda e: 6 if e <= 3 else (1 if e <= 10 else 0)),
    (RS.ACCEPTED, lambda e: 0 if e < 1 else (3 if e <= 12 else 1)),
    (RS.ASSIGNED, lambda e: 0 if e < 2 else (4 if e <= 20 else 1)),
    (RS.SCHEDULED, lambda e: 0 if e < 2 else 6),
    (RS.WITHDRAWN, lambda e: 0 if e < 3 else 1),
    (RS.HELD, lambda e: 0 if e < 7 else 3),
    (RS.NOT_HELD, lambda e: 0 if e < 20 else 3),
)
CONCLUDED_FULL, CONCLUDED_PARTIAL, CONCLUDED_NONE = "full", "partial", "none"


class Wish(NamedTuple):
    """A demo sign-in's workspace needs this case to be at a given stage: "upcoming" (a session booked with
    `mediator`), "active" (a current mediation), "awaiting" (concluded, certificate not yet issued), or
    "due_today" (an agreed action due today on the officer's case)."""

    kind: str
    mediator_id: int | None = None


class Coverage:
    """Makes sure even a small seed shows every value of a choice: the first cases to reach a choice take the
    values not yet used (in the order given, if feasible); after that the weights decide."""

    def __init__(self) -> None:
        self.used: set[tuple[str, object]] = set()

    def pick(self, rng: random.Random, group: str, options: Sequence[tuple[object, float]]):
        feasible = [(value, weight) for value, weight in options if weight > 0]
        for value, _ in feasible:
            if (group, value) not in self.used:
                self.used.add((group, value))
                return value
        values, weights = zip(*feasible, strict=True)
        return rng.choices(values, weights=weights)[0]


class MediatorRow(NamedTuple):
    id: int
    user_id: int
    name: str
    provider: int  # index into PROVIDERS
    capacity: int
    bookable: bool
    specialisms: frozenset[str]
    languages: frozenset[str]
    conflict_schools: frozenset[int]
    conflict_notes: str
    conflict_words: frozenset[str]  # the words of the notes, casefolded


CASE_FIELDS = (
    "id", "reference", "route", "decision", "decision_sent_on", "first_contact_on", "first_contact_channel",
    "created_at", "status", "closed_on", "officer_id", "created_by_id", "health_involved", "social_care_involved",
    "school_id", "preferred_language", "interpreter_needed", "sendiass_involved", "supporter_name", "party_type",
    "party_name", "child_first_name", "child_last_name", "child_date_of_birth", "sections_disputed",
)  # fmt: skip


class CaseRow(NamedTuple):
    id: int
    reference: str
    route: str
    decision: str
    decision_sent_on: date | None
    first_contact_on: date
    first_contact_channel: str
    created_at: datetime
    status: str
    closed_on: date | None
    officer_id: int | None
    created_by_id: int | None
    health_involved: bool
    social_care_involved: bool
    school_id: int | None
    preferred_language: str
    interpreter_needed: bool
    sendiass_involved: bool
    supporter_name: str
    party_type: str
    party_name: str
    child_first_name: str
    child_last_name: str
    child_date_of_birth: date
    sections_disputed: list


class CaseWork:
    """One case while its pathway is made: its timeline, and the rows made for it so far."""

    def __init__(self, case: CaseRow, steps: list[tuple[str, date]], today: date) -> None:
        self.c = case
        self.steps = steps
        self.path = [status for status, _ in steps]
        self.when: dict[str, date] = {}
        for status, day in steps:
            self.when.setdefault(status, day)
        self.today = today
        self.limit = self.when.get(S.WITHDRAWN) or self.when.get(S.CLOSED) or today  # nothing happens after
        self.active = [status for status in self.path if status not in (S.WITHDRAWN, S.CLOSED)]
        self.stage = self.active[-1]
        self.actor = case.officer_id or case.created_by_id
        self.clocks: dict[str, dict] = {}
        self.contact: dict | None = None
        self.referral: dict | None = None
        self.certificate_on: date | None = None
        self.appeal_on: date | None = None

    def nxt(self, status: str) -> date:
        """When the case left `status` (today if it is still there)."""
        i = self.path.index(status)
        return self.steps[i + 1][1] if i + 1 < len(self.steps) else self.today

    def moved_on(self, status: str) -> bool:
        return self.path.index(status) + 1 < len(self.path)


def step_label(step: str) -> str:
    """As referrals.services labels a timetable step."""
    return deadlines.DEADLINE_LABELS.get(step, step.replace("_", " ").capitalize())
