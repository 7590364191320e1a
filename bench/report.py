"""The benchmark's results as markdown: machine, set-up timings, one table per size, checks, failure details."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass, field
from datetime import datetime

import django
from django.db import connection

from .engine import EngineResult
from .pages import BASELINE, PAGES, ExportResult, Fixture, PageResult, repeated

TARGET_SIZE = 100_000  # the size the targets are stated for
MAX_QUERIES = 15
MAX_RECOMPUTE_S = 120
MAX_EXPORT_MB = 250
MAX_SEED_S = 300


@dataclass
class SizeRun:
    size: int
    migrate_s: float
    seed_s: float
    seed_added: int
    seed_detail: str
    recompute_s: float
    recompute_counts: dict[str, int]
    cold_recompute_s: float
    cold_recompute_counts: dict[str, int]
    counts: dict[str, int]
    database_mb: float | None
    fixture: Fixture
    pages: list[PageResult] = field(default_factory=list)
    exports: list[ExportResult] = field(default_factory=list)

    def page(self, key: str) -> PageResult | None:
        return next((p for p in self.pages if p.key == key), None)


@dataclass
class Run:
    database: str  # "sqlite" or "postgresql"
    database_version: str
    started: datetime
    repeat: int
    engine: list[EngineResult]
    seed_steps: list[str]
    sizes: list[SizeRun] = field(default_factory=list)


# --- The machine ------------------------------------------------------------------------------------------


def _proc_value(path: str, key: str) -> str | None:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine() -> dict[str, str]:
    cpu = _proc_value("/proc/cpuinfo", "model name") or platform.processor() or "unknown"
    mem_kb = _proc_value("/proc/meminfo", "MemTotal")
    ram = f"{int(mem_kb.split()[0]) / 1024 / 1024:.0f} GB" if mem_kb else "unknown"
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "RAM": ram,
        "Python": sys.version.split()[0],
        "Django": django.get_version(),
    }


def database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        if connection.vendor == "postgresql":
            cursor.execute("show server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return connection.vendor


# --- Checks -----------------------------------------------------------------------------------------------


@dataclass
class Check:
    state: str  # PASS, FAIL, SKIP
    text: str
    page: PageResult | None = None  # for a FAIL: the page whose queries explain it
    size: int | None = None
    kind: str = ""  # "queries" or "time": what to show about the page when it fails


def _at(run: Run, size: int) -> SizeRun | None:
    return next((s for s in run.sizes if s.size == size), None)


def checks(run: Run) -> list[Check]:
    """Query counts at every size; then, at the target size, the medians against the admin changelist, the
    recompute, each export's peak memory and the seed (skipped, each of them, when the target size was not run)."""
    sizes = [s.size for s in run.sizes]
    out = _query_count_checks(run, sizes)
    target = _at(run, TARGET_SIZE)
    if target is None:
        return out + _target_not_run(sizes)
    out += _median_checks(target)
    out.append(_recompute_check(target))
    out += [_export_check(export) for export in target.exports]
    out.append(_seed_check(target))
    return out


def _sizes(sizes: list[int]) -> str:
    return " and ".join(f"{s:,}" for s in sizes)


# 1. Query count: the same at every size, and at most MAX_QUERIES.


def _query_count_checks(run: Run, sizes: list[int]) -> list[Check]:
    keys = [p.key for p in run.sizes[0].pages] if run.sizes else []
    return [_query_count_check(run, key, sizes) for key in keys if key != BASELINE]


def _query_count_check(run: Run, key: str, sizes: list[int]) -> Check:
    results = [(s.size, s.page(key)) for s in run.sizes]
    built = [(size, p) for size, p in results if p is not None and p.ok]
    first = results[0][1]
    label = first.label
    if not built:
        return Check("SKIP", f"query count same at {_sizes(sizes)} and <= {MAX_QUERIES}: {label} ({first.status})")
    counts = {size: p.query_count for size, p in built}
    same = len(set(counts.values())) == 1 and len(built) == len(results)
    low = max(counts.values()) <= MAX_QUERIES
    shown = ", ".join(f"{c} at {size:,}" for size, c in counts.items())
    scope = f"same at {_sizes(sizes)} and" if len(sizes) > 1 else "(one size run) and"
    worst_size, worst = max(built, key=lambda item: item[1].query_count)
    return Check(
        "PASS" if same and low else "FAIL",
        f"query count {scope} <= {MAX_QUERIES}: {label}: {shown}",
        worst,
        worst_size,
        "queries",
    )


# 2. Median no slower than the admin changelist at the target size.


def _median_checks(target: SizeRun) -> list[Check]:
    admin = target.page(BASELINE)
    return [_median_check(p, admin) for p in target.pages if p.key != BASELINE]


def _median_check(p: PageResult, admin: PageResult | None) -> Check:
    if not p.ok or admin is None or not admin.ok:
        return Check(
            "SKIP",
            f"median no slower than admin changelist at {TARGET_SIZE:,}: {p.label} "
            f"({p.status if not p.ok else 'admin changelist ' + (admin.status if admin else 'not measured')})",
        )
    note = next((spec.timing_note for spec in PAGES if spec.key == p.key), "")
    if note:
        return Check(
            "INFO",
            f"not held to the admin changelist at {TARGET_SIZE:,}: {p.label}: "
            f"{p.median_ms:.1f} ms vs {admin.median_ms:.1f} ms ({note})",
        )
    return Check(
        "PASS" if p.median_ms <= admin.median_ms else "FAIL",
        f"median no slower than admin changelist at {TARGET_SIZE:,}: {p.label}: "
        f"{p.median_ms:.1f} ms vs {admin.median_ms:.1f} ms",
        p,
        TARGET_SIZE,
        "time",
    )


# 3. Recompute, 4. export memory, 5. seeding: stated for the target size.


def _target_not_run(sizes: list[int]) -> list[Check]:
    """The target size's checks, each skipped, when that size was not run."""
    why = f"({TARGET_SIZE:,} cases not run; largest size {max(sizes) if sizes else 0:,})"
    return [
        Check("SKIP", f"median no slower than admin changelist at {TARGET_SIZE:,}: {why}"),
        Check("SKIP", f"recompute < {MAX_RECOMPUTE_S} s at {TARGET_SIZE:,}: {why}"),
        Check("SKIP", f"export peak < {MAX_EXPORT_MB} MB at {TARGET_SIZE:,}: {why}"),
        Check("SKIP", f"seed {TARGET_SIZE:,} < {MAX_SEED_S} s: {why}"),
    ]


def _recompute_check(target: SizeRun) -> Check:
    worst = max(target.recompute_s, target.cold_recompute_s)
    return Check(
        "PASS" if worst < MAX_RECOMPUTE_S else "FAIL",
        f"recompute < {MAX_RECOMPUTE_S} s at {TARGET_SIZE:,}: {target.recompute_s:.1f} s after the seed, "
        f"{target.cold_recompute_s:.1f} s writing every C1 and C9 clock",
    )


def _export_check(export: ExportResult) -> Check:
    if not export.ok:
        return Check("SKIP", f"export peak < {MAX_EXPORT_MB} MB at {TARGET_SIZE:,}: {export.label} ({export.status})")
    if export.peak_mb is None:
        return Check("SKIP", f"export peak < {MAX_EXPORT_MB} MB at {TARGET_SIZE:,}: {export.label} (no peak measured)")
    return Check(
        "PASS" if export.peak_mb < MAX_EXPORT_MB else "FAIL",
        f"export peak < {MAX_EXPORT_MB} MB at {TARGET_SIZE:,}: {export.label}: {export.peak_mb:.0f} MB",
    )


def _seed_check(target: SizeRun) -> Check:
    return Check(
        "PASS" if target.seed_s < MAX_SEED_S else "FAIL",
        f"seed {TARGET_SIZE:,} < {MAX_SEED_S} s: {target.seed_s:.1f} s",
    )


# --- Markdown ---------------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return f"{value:,.1f}" if value is not None else ""


def _rows(p: PageResult) -> str:
    if not p.ok:
        return ""
    if p.total is not None:
        return f"{p.shown:,} of {p.total:,}"
    return f"{p.shown:,}"


def _versus(p: PageResult, admin: PageResult | None) -> str:
    if p.key == BASELINE:
        return "baseline"
    if not p.ok or admin is None or not admin.ok or not p.median_ms:
        return ""
    ratio = admin.median_ms / p.median_ms
    return f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def render(run: Run, info: dict[str, str]) -> str:
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(run.database, run.database)
    lines = [
        f"# sendportal benchmark: {name}",
        "",
        f"Run {run.started:%Y-%m-%d %H:%M %Z} with `make bench`; sizes {_sizes([s.size for s in run.sizes])}; "
        f"each page requested {run.repeat} times in rounds (every page once per round, in turn, so a change in "
        "the machine's speed falls on all of them alike), the first round discarded as warm-up (median and 95th "
        "percentile, nearest rank, of the rest); queries counted on one more request.",
        "",
        "## Machine",
        "",
        *_table(["", ""], [[k, v] for k, v in {**info, "Database": run.database_version}.items()]),
        "",
        "Timings are wall-clock through django.test.Client in one process (no web server, no network), so they "
        "are the portal's own cost: views, queries, templates, middleware.",
        "",
        "## Deadline engine (no database)",
        "",
        *_table(
            ["Calendar", "Appeal deadlines", "Seconds", "Per second"],
            [[e.calendar, f"{e.pairs:,}", f"{e.seconds:.2f}", f"{e.per_second:,.0f}"] for e in run.engine],
        ),
        "",
        f"Seed steps in `demo.bulk.run()`: {', '.join(run.seed_steps) or 'unknown'}.",
        "",
    ]
    for size in run.sizes:
        lines += _size_section(size)
    results = checks(run)
    lines += ["## Checks", "", "```", *[f"{c.state}  {c.text}" for c in results], "```", ""]
    failing = [c for c in results if c.state == "FAIL" and c.page is not None]
    if failing:
        lines += ["## What the failures involve", ""]
        seen = set()
        for check in failing:
            if (check.page.key, check.size, check.kind) not in seen:
                seen.add((check.page.key, check.size, check.kind))
                lines += _failure_detail(check)
    return "\n".join(lines).rstrip() + "\n"


def _size_section(size: SizeRun) -> list[str]:
    counts = ", ".join(f"{name} {n:,}" for name, n in size.counts.items())
    rc = size.recompute_counts
    lines = [
        f"## {size.size:,} cases",
        "",
        *_table(
            ["Step", "Seconds", "Detail"],
            [
                ["migrate (empty database)", f"{size.migrate_s:.1f}", ""],
                [f"seed `demo.bulk.run(cases={size.size})`", f"{size.seed_s:.1f}", size.seed_detail],
                [
                    "`deadlines_recompute_all()` after the seed",
                    f"{size.recompute_s:.1f}",
                    ", ".join(f"{k} {v:,}" for k, v in rc.items()),
                ],
                [
                    "`deadlines_recompute_all()` with every C1 and C9 clock deleted first (after the pages)",
                    f"{size.cold_recompute_s:.1f}",
                    ", ".join(f"{k} {v:,}" for k, v in size.cold_recompute_counts.items()),
                ],
            ],
        ),
        "",
        f"Rows: {counts}." + (f" Database size: {size.database_mb:,.0f} MB." if size.database_mb is not None else ""),
        "",
    ]
    admin = size.page(BASELINE)
    rows = []
    for p in size.pages:
        if p.ok:
            rows.append(
                [
                    p.label,
                    p.username,
                    _rows(p),
                    _ms(p.median_ms),
                    _ms(p.p95_ms),
                    str(p.query_count),
                    str(p.overhead_count),
                    _versus(p, admin),
                ]
            )
        else:
            rows.append([p.label, p.username, p.status, "", "", "", "", ""])
    lines += _table(
        [
            "Page",
            "Signed in as",
            "Rows",
            "Median ms",
            "p95 ms",
            "Queries",
            "of which session/auth",
            "vs admin changelist",
        ],
        rows,
    )
    lines += [
        "",
        "Rows: table rows on the page, and the total the page states (its heading, or the admin's count). "
        "Queries: every statement Django ran for the request (BEGIN and COMMIT included, as assertNumQueries "
        "counts them); session/auth: those every signed-in request pays (session read and save, the user, "
        "their permissions).",
        "",
    ]
    if size.exports:
        export_rows = []
        for e in size.exports:
            if e.ok:
                export_rows.append(
                    [
                        e.label,
                        e.username,
                        f"{e.rows:,}",
                        "yes" if e.streamed else "no",
                        f"{e.seconds:.2f}",
                        f"{e.megabytes:.1f}",
                        _ms(e.rss_peak_mb),
                        _ms(e.tracemalloc_peak_mb),
                        str(len(e.queries)),
                    ]
                )
            else:
                export_rows.append([e.label, "", e.status, "", "", "", "", "", ""])
        lines += _table(
            [
                "Export",
                "Signed in as",
                "Rows",
                "Streamed",
                "Seconds (all rows)",
                "MB",
                "Peak RSS rise MB",
                "tracemalloc peak MB",
                "Queries",
            ],
            export_rows,
        )
        lines += [""]
    return lines


def _short(sql: str, limit: int = 700) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= limit else sql[:limit] + " ..."


def _failure_detail(check: Check) -> list[str]:
    p = check.page
    what = "query count" if check.kind == "queries" else "time"
    lines = [
        f"### {p.label}, {what}, at {check.size:,} cases (`{p.path}`)",
        "",
        f"Median {p.median_ms:.1f} ms; {p.query_count} queries taking {p.db_ms:.1f} ms in the database on the "
        "counted request (the rest is Python: view, forms, template, middleware).",
        "",
    ]
    if check.kind == "queries":
        lines += ["Every statement, in order:", ""]
        lines += [f"{i}. {q.ms:.0f} ms `{_short(q.sql, 260)}`" for i, q in enumerate(p.queries, 1)]
        lines.append("")
        again = repeated(p.queries)
        if again:
            lines += ["Statements of the same shape run more than once:", ""]
            lines += [f"- {n} x `{_short(shape, 260)}`" for n, shape in again[:8]]
            lines.append("")
    if p.slowest:
        lines += ["Slowest queries, with the database's plan:", ""]
        for q, plan in p.slowest:
            lines.append(f"- {q.ms:.2f} ms: `{_short(q.sql)}`")
            if plan:
                lines.append("  plan: " + "; ".join(" ".join(step.split()) for step in plan[:8]))
        lines.append("")
    return lines
