"""Bulk cases: case rows and their timeline events (created, officer assigned, each status change) by the thousand."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.models import (
    Case,
    CaseEvent,
    CaseReferenceCounter,
    Decision,
    HealthBody,
    Route,
)
from cases.services import REFERENCE_PREFIX
from demo.bulk.rows import RowWriter
from demo.bulk.shapes import (
    APPEAL_STATUSES,
    BATCH_SIZE,
    CHANNEL_WEIGHTS,
    DRS_DECISIONS,
    HISTORY_DAYS,
    HSC_CHOICES,
    MAX_STAGE_AGE,
    MEDIATION_DECISIONS,
    ROUTE_WEIGHTS,
    SECTION_CHOICES,
    SECTION_ORDER,
    STAGES,
    Forced,
    LifecyclePath,
    S,
    coverage_plan,
    path_table,
    status_table,
)
from demo.people import (
    WITHDRAWN_REASONS,
    FamilyMaker,
    Pools,
    build_pools,
)
from demo.reference import DEFAULT_SEED, ICB_WEIGHTS, ICBS, pick, weighted
from demo.seeded import SEED_MARKER, chunks, highest_reference_number, seeded_case_count


class _Staff(NamedTuple):
    holders: tuple[tuple, tuple[float, ...]]  # user ids of who holds cases, weighted
    names: dict[int, str]
    ids: dict[str, int]  # by username


def _case_holders() -> _Staff:
    User = get_user_model()
    weights = {"officer": 30, "officer2": 25, "officer3": 20, "officer4": 20, "manager": 5}
    users = {user.username: user for user in User.objects.filter(username__in=weights)}
    missing = set(weights) - set(users)
    if missing:
        raise RuntimeError(f"Seed the demo users first (missing: {', '.join(sorted(missing))}).")
    return _Staff(
        holders=weighted([(users[name].pk, weight) for name, weight in weights.items()]),
        names={user.pk: user.get_full_name() for user in users.values()},
        ids={name: user.pk for name, user in users.items()},
    )


class References:
    """Hands out SEND-<year>-<5 digits> references after whatever each year already used, then leaves each
    year's counter at the highest number used, so cases.services.next_case_reference carries on cleanly."""

    def __init__(self) -> None:
        self.last: dict[int, int] = {}

    def next(self, year: int) -> str:
        if year not in self.last:
            self.last[year] = highest_reference_number(year)
        self.last[year] += 1
        return f"{REFERENCE_PREFIX}-{year}-{self.last[year]:05d}"

    def save(self) -> None:
        for year, last in self.last.items():
            CaseReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": last})


WINDOW_CLOSED_AFTER_DAYS = 70  # 2 months, a weekend and a bank holiday after the decision letter


class CaseMaker(FamilyMaker):
    """Builds case rows and their timeline event rows (plain dicts of column values, keyed by attname).
    One seeded random.Random drives every choice."""

    def __init__(self, *, rng: random.Random, pools: Pools, now: datetime) -> None:
        super().__init__(rng=rng, pools=pools, today=timezone.localdate(now))
        self.now = now
        self.tz = timezone.get_current_timezone()
        codes = [code for _, code, _ in ICBS]
        by_code = dict(HealthBody.objects.filter(ods_code__in=codes).values_list("ods_code", "pk"))
        self.icbs = [by_code[code] for code in codes]
        self.staff = _case_holders()

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    # Opening times ---------------------------------------------------------------------------------------

    def opening_times(self, forced: Sequence[Forced | None]) -> list[tuple[datetime, Forced | None]]:
        """When each case was opened, oldest first (so references run in date order within a year)."""
        rng = self.rng
        openings = []
        for wanted in forced:
            if wanted and wanted.age is not None:
                oldest, age = wanted.age, wanted.age
            elif wanted and wanted.status:
                stage = STAGES[wanted.status]
                oldest = min(stage.max_age, HISTORY_DAYS)
                age = rng.randint(stage.min_age, oldest)
            elif rng.random() < 0.7:
                oldest, age = HISTORY_DAYS, rng.randint(0, HISTORY_DAYS)
            else:  # referrals have risen year on year: more recent cases
                oldest, age = HISTORY_DAYS, int(HISTORY_DAYS * (1 - rng.random() ** 0.5))
            opened = self.today - timedelta(days=age)
            if opened.weekday() >= 5 and rng.random() < 0.85:  # most contact comes on a weekday
                friday = opened - timedelta(days=opened.weekday() - 4)
                if (self.today - friday).days <= oldest:
                    opened = friday
            openings.append((self._office_time(opened, after=None), wanted))
        openings.sort(key=lambda item: item[0])
        return openings

    def _office_time(self, day: date, *, after: datetime | None, before: datetime | None = None) -> datetime:
        """A time in office hours on `day` (or the next weekday), strictly after `after`, not after `before`
        and never after now. When office hours do not fit, any moment between the bounds."""
        rng = self.rng
        while day.weekday() >= 5 and day < self.today:
            day += timedelta(days=1)
        moment = datetime.combine(day, clock_time(8, 30), tzinfo=self.tz) + timedelta(seconds=rng.randint(0, 32400))
        low = after or datetime.combine(day, clock_time(0, 0), tzinfo=self.tz)
        high = min(before or self.now, self.now)
        if low < moment <= high:
            return moment
        if high <= low:
            return low
        return low + (high - low) * rng.uniform(0.05, 0.95)

    # One case -------------------------------------------------------------------------------------------

    def make(self, created_at: datetime, wanted: Forced | None, reference: str) -> tuple[dict, list[dict]]:
        """One case row and its event rows (without case_id: the case has no primary key yet)."""
        rng = self.rng
        wanted = wanted or Forced()
        opened = self.local_date(created_at)
        age = (self.today - opened).days

        route = wanted.route or pick(rng, ROUTE_WEIGHTS)
        if wanted.decision is not None:
            decision = wanted.decision
        elif route == Route.PLACEMENT_ONLY:
            decision = Decision.PLACEMENT_I
        elif route == Route.DRS:
            decision = pick(rng, DRS_DECISIONS)
        elif wanted.status in APPEAL_STATUSES:
            decision = Decision.HSC
            while decision == Decision.HSC:
                decision = pick(rng, MEDIATION_DECISIONS)
        else:
            decision = pick(rng, MEDIATION_DECISIONS)
        health_only = decision == Decision.HSC
        status = wanted.status or pick(rng, status_table(route, health_only, age))
        path = pick(rng, path_table(route, health_only, status, min(age, MAX_STAGE_AGE)))

        decision_sent_on = None
        if decision or route != Route.DRS:
            # Most families make contact within the two months of clock C1; some come late.
            lag = int(rng.triangular(0, 56, 10)) if rng.random() < 0.9 else rng.randint(57, 150)
            decision_sent_on = opened - timedelta(days=lag)
            while decision_sent_on.weekday() >= 5:  # decision letters go out on weekdays
                decision_sent_on -= timedelta(days=1)

        sections, health, social = self._sections(route, decision)
        case = {
            "reference": reference,
            "route": route,
            "decision": decision,
            "sections_disputed": sections,
            "health_involved": health,
            "social_care_involved": social,
            "icb_id": self.icbs[pick(rng, ICB_WEIGHTS)] if health else None,
            "decision_sent_on": decision_sent_on,
            "first_contact_on": opened,
            "first_contact_channel": pick(rng, CHANNEL_WEIGHTS),
            "status": status,
            "created_at": created_at,
        }
        self._child_and_family(case)
        self._support(case)
        case["officer_id"], case["created_by_id"] = self._holders(status)
        if wanted.officer:
            case["officer_id"] = self.staff.ids[wanted.officer]
        events = self._timeline(case, path, age)
        return case, events

    def _sections(self, route: str, decision: str) -> tuple[list[str], bool, bool]:
        rng = self.rng
        if route == Route.PLACEMENT_ONLY:
            return ["I"], False, False
        if decision == Decision.HSC:
            sections, health, social = pick(rng, HSC_CHOICES)
            return list(sections), health, social
        sections = list(pick(rng, SECTION_CHOICES[decision])) if decision in SECTION_CHOICES else []
        health, social = rng.random() < 0.12, rng.random() < 0.08
        if sections and health:
            sections.append(rng.choice(("C", "G")))
        if sections and social:
            sections.append(rng.choice(("D", "H2")))
        return sorted(set(sections), key=SECTION_ORDER.__getitem__), health, social

    def _holders(self, status: str) -> tuple[int | None, int]:
        """(assigned officer, who entered the case): most cases are assigned; half of new ones are not yet."""
        rng = self.rng
        creator = pick(rng, self.staff.holders)
        if rng.random() >= (0.4 if status == S.INTAKE else 0.95):
            return None, creator
        return (creator if rng.random() < 0.9 else pick(rng, self.staff.holders)), creator

    def _timeline(self, case: dict, path: LifecyclePath, age: int) -> list[dict]:
        """The "created" event, the officer assignment and one event per lifecycle step, in order. Sets
        closed_on and withdrawn_reason on the case to match."""
        rng = self.rng
        created_at = case["created_at"]
        creator, officer = case["created_by_id"], case["officer_id"]
        events = [
            {
                "actor_id": creator,
                "kind": CaseEvent.Kind.CREATED,
                "created_at": created_at,
                "data": SEED_MARKER,
                "description": f"Case {case['reference']} opened ({Route(case['route']).label.lower()})",
            }
        ]
        steps = path.statuses[1:]
        times: list[datetime] = []
        if steps:
            final = STAGES[path.statuses[-1]]
            last_day = min(age, rng.randint(path.earliest, max(path.earliest, final.reach[1])))
            offsets = sorted(
                rng.uniform(min(STAGES[status].reach[0], last_day), min(STAGES[status].reach[1], last_day))
                for status in steps[:-1]
            )
            previous = created_at
            for status, offset in zip(steps, (*offsets, last_day), strict=True):
                day = self.local_date(created_at + timedelta(days=offset))
                if status == S.WINDOW_EXPIRED and case["decision_sent_on"]:
                    # Recorded only once the appeal window has closed: 2 months after the decision at the earliest.
                    day = max(day, case["decision_sent_on"] + timedelta(days=WINDOW_CLOSED_AFTER_DAYS))
                previous = self._office_time(min(day, self.today), after=previous)
                times.append(previous)
        if officer:
            end = times[0] if times else min(self.now, created_at + timedelta(days=rng.uniform(0.1, 2)))
            day = self.local_date(created_at + (end - created_at) * rng.uniform(0.1, 0.6))
            events.append(
                {
                    "actor_id": creator,
                    "kind": CaseEvent.Kind.OFFICER_ASSIGNED,
                    "created_at": self._office_time(day, after=created_at, before=end),
                    "description": f"Assigned to {self.staff.names[officer]}",
                    "data": {"officer": officer},
                }
            )
        for old, new, when in zip(path.statuses[:-1], steps, times, strict=True):
            description = f"Status changed from {S(old).label} to {S(new).label}"
            if new == S.WITHDRAWN:
                case["withdrawn_reason"] = rng.choice(WITHDRAWN_REASONS)
                description += f": {case['withdrawn_reason']}"
            if new == S.CLOSED:
                case["closed_on"] = self.local_date(when)
            events.append(
                {
                    "actor_id": officer or creator,
                    "kind": CaseEvent.Kind.STATUS_CHANGED,
                    "created_at": when,
                    "description": description,
                    "data": {"from": old, "to": new},
                }
            )
        return events


@transaction.atomic
def seed_cases(
    n: int, *, rng_seed: int = DEFAULT_SEED, batch_size: int = BATCH_SIZE, now: datetime | None = None
) -> int:
    """Top the seeded cases up to `n` (nothing to do if there are already `n`). Returns how many were added.

    Deterministic for a given seed, existing count and day. Rows go straight in (see RowWriter), skipping
    model signals: the audit log records people's changes, not demo data."""
    existing = seeded_case_count()
    if existing >= n:
        return 0
    now = now or timezone.now()
    rng = random.Random(f"{rng_seed}:{existing}")
    maker = CaseMaker(rng=rng, pools=build_pools(rng_seed), now=now)
    coverage = coverage_plan()[existing:n]
    wanted: list[Forced | None] = [*coverage, *[None] * (n - existing - len(coverage))]
    references = References()
    case_writer, event_writer = RowWriter(Case, now=now), RowWriter(CaseEvent, now=now)
    for batch in chunks(maker.opening_times(wanted), batch_size):
        cases, events = [], []
        for created_at, forced in batch:
            case, case_events = maker.make(created_at, forced, references.next(maker.local_date(created_at).year))
            cases.append(case)
            events.append(case_events)
        case_writer.insert(cases)
        ids = dict(
            Case.objects.filter(reference__in=[case["reference"] for case in cases]).values_list("reference", "pk")
        )
        for case, case_events in zip(cases, events, strict=True):
            for event in case_events:
                event["case_id"] = ids[case["reference"]]
        event_writer.insert([event for case_events in events for event in case_events])
    references.save()
    return n - existing
