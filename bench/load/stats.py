"""Figures of a load run from the raw request times the locust users kept: per page and overall."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

BASELINE = "admin changelist (baseline)"
NOT_PAGES = ("sign in", "export:", "add a note", "arrange a session", "case list, search (POST)")
"""Requests reported but not held to the changelist: sign-in (argon2 on purpose), exports (files of thousands of
rows, limited to 10 an hour) and the POSTs of writes (their redirect is timed with the page it leads to)."""


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


@dataclass
class PageStats:
    name: str
    requests: int
    failures: int
    median: float
    p95: float
    p99: float
    slowest: float

    @property
    def held_to_baseline(self) -> bool:
        return self.name != BASELINE and not self.name.startswith(NOT_PAGES)


def page_stats(
    timings: dict[str, list[tuple[float, float]]], failures: dict[str, list[str]], *, after: float = 0.0
) -> list[PageStats]:
    """Per page: requests made `after` seconds into the run or later (the steady state once every user has
    signed in); errors are counted over the whole run."""
    rows = []
    for name, timed in timings.items():
        times = [ms for at, ms in timed if at >= after]
        if not times:
            continue
        rows.append(
            PageStats(
                name=name,
                requests=len(times),
                failures=len(failures.get(name, [])),
                median=statistics.median(times),
                p95=percentile(times, 95),
                p99=percentile(times, 99),
                slowest=max(times),
            )
        )
    rows.sort(key=lambda r: (r.name == BASELINE, r.name))
    return rows


def checks(rows: list[PageStats]) -> list[tuple[str, bool, str]]:
    """(what, passed, detail): no errors, and every page's 95th percentile no slower than the changelist's."""
    result = []
    errors = sum(r.failures for r in rows)
    result.append(("no errors", errors == 0, f"{errors} failed requests"))
    baseline = next((r for r in rows if r.name == BASELINE), None)
    if baseline is None:
        result.append(("admin changelist measured", False, "no requests to the baseline"))
        return result
    for row in rows:
        if row.held_to_baseline:
            result.append(
                (
                    f"{row.name}: 95th percentile no slower than the changelist's",
                    row.p95 <= baseline.p95,
                    f"{row.p95:,.0f} ms against {baseline.p95:,.0f} ms",
                )
            )
    return result


def table(rows: list[PageStats], seconds: float) -> str:
    lines = [
        "| page | requests | per second | median ms | 95th ms | 99th ms | slowest ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        name = f"**{r.name}**" if r.name == BASELINE else r.name
        lines.append(
            f"| {name} | {r.requests:,} | {r.requests / seconds:.2f} | {r.median:,.0f} | {r.p95:,.0f} | "
            f"{r.p99:,.0f} | {r.slowest:,.0f} | {r.failures} |"
        )
    total = sum(r.requests for r in rows)
    lines.append(f"| all requests | {total:,} | {total / seconds:.2f} |  |  |  |  | {sum(r.failures for r in rows)} |")
    return "\n".join(lines)
