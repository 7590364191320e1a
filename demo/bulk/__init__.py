"""Scale data for the benchmark (`make bench`), the load test and the drills: 100,000 cases in minutes.

Rows go in through RowWriter, never the per-case services (which lock, write an event and recompute the clocks of
every step: hours at this size). The clocks are still the clock registry's (clock_services.recompute_cases), and
demo/tests/test_bulk_replay.py does a sample of bulk cases again through the real services, each step on its day,
and finds the same statuses, clocks, due dates and states. The demo that `make run` shows is made by demo.seed,
through the services."""

from __future__ import annotations

import time

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from demo.bulk.cases import seed_cases
from demo.bulk.pathway import seed_pathway
from demo.bulk.shapes import DEFAULT_CASES
from demo.reference import DEFAULT_SEED, DEMO_PASSWORD, seed_mediators, seed_reference_data, seed_users
from demo.seeded import SeedReport, delete_seeded_cases, refresh_planner_statistics


def run(
    *,
    cases: int = DEFAULT_CASES,
    rng_seed: int = DEFAULT_SEED,
    password: str = DEMO_PASSWORD,
    reset_cases: bool = False,
    real_pdfs: int | None = None,
) -> SeedReport:
    """Seed everything, in dependency order, in one transaction. `real_pdfs`: see seed_pathway."""
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def step(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = now - since
        return now

    moment = timezone.now()
    with disable_auditlog(), transaction.atomic():
        seed_reference_data()
        sign_ins = seed_users(password=password)
        seed_mediators()
        mark = step("reference data and users", started)
        removed = delete_seeded_cases() if reset_cases else 0
        mark = step("removing seeded cases", mark) if reset_cases else mark
        added = seed_cases(cases, rng_seed=rng_seed, now=moment)
        mark = step("cases", mark)
        pathway_rows = seed_pathway(rng_seed=rng_seed, now=moment, real_pdfs=real_pdfs)
        mark = step("pathway and clocks", mark)
    mark = step("commit", mark)
    refresh_planner_statistics()
    step("planner statistics", mark)
    return SeedReport.finished(
        started, sign_ins=sign_ins, added=added, removed=removed, timings=timings, pathway_rows=pathway_rows
    )
