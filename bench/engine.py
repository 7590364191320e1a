"""Deadline engine throughput: appeal deadlines (C9) per second, with no database involved."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from cases.deadlines import EnglandBankHolidaysPlus, appeal_deadline

FIRST_DECISION = date(2014, 9, 1)  # the Children and Families Act 2014 duties start
LAST_DECISION = date(2030, 12, 31)
CERTIFICATE_SHARE = 0.5  # half the pairs have a mediation certificate
MAX_CERTIFICATE_DAYS = 150  # certificates come up to five months after the decision
# Extra non-working days as the admin might hold them (a proclaimed bank holiday, an office closure).
EXTRA_DAYS = (date(2026, 12, 29), date(2027, 5, 7), date(2028, 8, 30))


@dataclass(frozen=True)
class EngineResult:
    calendar: str
    pairs: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.pairs / self.seconds if self.seconds else 0.0


def random_pairs(n: int, seed: int = 2026) -> list[tuple[date, date | None]]:
    """`n` (decision sent, certificate issued or None) pairs spread over 2014 to 2030."""
    rng = random.Random(seed)
    span = (LAST_DECISION - FIRST_DECISION).days
    pairs = []
    for _ in range(n):
        decision = FIRST_DECISION + timedelta(days=rng.randrange(span + 1))
        certificate = None
        if rng.random() < CERTIFICATE_SHARE:
            certificate = decision + timedelta(days=rng.randrange(MAX_CERTIFICATE_DAYS + 1))
        pairs.append((decision, certificate))
    return pairs


def _time(pairs, holidays) -> float:
    for decision, certificate in pairs[:1000]:  # warm the per-year holiday caches
        appeal_deadline(decision, certificate, holidays=holidays)
    started = time.perf_counter()
    for decision, certificate in pairs:
        appeal_deadline(decision, certificate, holidays=holidays)
    return time.perf_counter() - started


def measure(n: int = 200_000) -> list[EngineResult]:
    pairs = random_pairs(n)
    calendars = (
        ("default (England and Wales bank holidays)", None),
        ("EnglandBankHolidaysPlus with 3 extra days", EnglandBankHolidaysPlus(EXTRA_DAYS)),
    )
    return [EngineResult(label, n, _time(pairs, holidays)) for label, holidays in calendars]
