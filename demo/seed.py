"""The demo `make run` shows (`manage.py seed_demo`): a believable English local authority's SEND disagreement work,
entered through the portal's own services so that what a new user sees is what the portal does.

run() seeds the reference data and the demo sign-ins (demo.reference), then tells each story of demo.stories
through the services (demo.casework), each step on the day it happened, counted back from today. Last, as the
nightly `settle_clocks` job would have, it settles the clocks whose dates have passed since.

Idempotent: a second run refreshes the sign-ins and adds no cases while the demo's cases are there;
`reset_cases=True` removes them first (cases entered through the portal stay). The benchmark's 100,000 cases are
made another way, in bulk (demo.bulk).
"""

from __future__ import annotations

import time

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from cases import clock_services
from demo.casework import Desk
from demo.reference import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_TOTP_KEY,
    seed_mediators,
    seed_reference_data,
    seed_users,
)
from demo.seeded import SeedReport, delete_seeded_cases, seeded_case_count
from demo.stories import STORIES

__all__ = ["DEFAULT_SEED", "DEMO_PASSWORD", "DEMO_TOTP_KEY", "run", "seed_users"]


def seed_casework(*, rng_seed: int = DEFAULT_SEED) -> int:
    """Tell every story through the services. Returns how many cases were opened."""
    desk = Desk(now=timezone.now(), rng_seed=rng_seed)
    for story in STORIES:
        story(desk)
    desk.settle_reference_counters()
    # What the nightly job would have done since: clocks whose date has passed without the facts meeting them.
    clock_services.recompute_lapsed()
    return len(desk.cases)


def run(*, rng_seed: int = DEFAULT_SEED, password: str = DEMO_PASSWORD, reset_cases: bool = False,
        with_cases: bool = True) -> SeedReport:  # fmt: skip
    """Seed the demo in one transaction. Cases are added only when there are no seeded cases yet."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with disable_auditlog(), transaction.atomic():
        seed_reference_data()
        sign_ins = seed_users(password=password)
        seed_mediators()
        mark = time.perf_counter()
        timings["reference data and users"] = mark - started
        removed = delete_seeded_cases() if reset_cases else 0
        added = 0
        if with_cases and not seeded_case_count():
            added = seed_casework(rng_seed=rng_seed)
            timings["casework through the services"] = time.perf_counter() - mark
    return SeedReport.finished(started, sign_ins=sign_ins, added=added, removed=removed, timings=timings)
