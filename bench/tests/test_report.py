"""The benchmark's checks (bench/report.py): what each one says for passing, failing and missing figures."""

from datetime import UTC, datetime

from bench.pages import BASELINE, ExportResult, Fixture, PageResult, Query
from bench.report import Run, SizeRun, checks, render

TARGET = 100_000


def page(key, label, queries=5, median=10.0, status="ok"):
    return PageResult(
        key=key,
        label=label,
        username="officer",
        path=f"/{key}/",
        status=status,
        shown=3 if status == "ok" else None,
        median_ms=median if status == "ok" else None,
        p95_ms=median if status == "ok" else None,
        queries=[Query(f"SELECT {i}", 1.0) for i in range(queries)],
    )


def admin(median=20.0, status="ok"):
    return page(BASELINE, "Admin changelist (baseline)", median=median, status=status)


def export(label, rss=100.0, status="ok"):
    return ExportResult("cases_csv", label, "/exports/cases.csv", status, rss_peak_mb=rss, tracemalloc_peak_mb=10.0)


def size_run(size, pages, exports=(), seed_s=100.0, recompute_s=10.0, cold_recompute_s=20.0):
    return SizeRun(
        size=size,
        migrate_s=1.0,
        seed_s=seed_s,
        seed_added=size,
        seed_detail="",
        recompute_s=recompute_s,
        recompute_counts={},
        cold_recompute_s=cold_recompute_s,
        cold_recompute_counts={},
        counts={},
        database_mb=None,
        fixture=Fixture(detail_pk=None, statuses=(), surname="Smith"),
        pages=list(pages),
        exports=list(exports),
    )


def run(*sizes):
    return Run("sqlite", "SQLite 3", datetime(2026, 1, 1, tzinfo=UTC), 5, [], [], list(sizes))


def lines(result):
    return [f"{c.state}  {c.text}" for c in result]


def test_query_counts_the_same_at_every_size_and_low_pass():
    result = checks(run(size_run(1_000, [page("cases", "Case list")]), size_run(3_000, [page("cases", "Case list")])))
    assert lines(result)[0] == "PASS  query count same at 1,000 and 3,000 and <= 15: Case list: 5 at 1,000, 5 at 3,000"


def test_query_count_growing_with_the_size_fails_and_names_the_worst_request():
    small, large = page("cases", "Case list", queries=5), page("cases", "Case list", queries=7)
    result = checks(run(size_run(1_000, [small]), size_run(3_000, [large])))
    assert lines(result)[0] == "FAIL  query count same at 1,000 and 3,000 and <= 15: Case list: 5 at 1,000, 7 at 3,000"
    assert (result[0].page, result[0].size, result[0].kind) == (large, 3_000, "queries")


def test_more_than_fifteen_queries_fail_even_at_one_size():
    result = checks(run(size_run(1_000, [page("cases", "Case list", queries=16)])))
    assert lines(result)[0] == "FAIL  query count (one size run) and <= 15: Case list: 16 at 1,000"


def test_a_page_not_built_at_any_size_is_skipped_and_a_page_built_at_one_size_only_fails():
    first = size_run(1_000, [page("cases", "Case list", status="not built"), page("deadlines", "Deadlines")])
    second = size_run(
        3_000, [page("cases", "Case list", status="HTTP 403"), page("deadlines", "Deadlines", 3, status="error")]
    )
    assert lines(checks(run(first, second)))[:2] == [
        "SKIP  query count same at 1,000 and 3,000 and <= 15: Case list (not built)",
        "FAIL  query count same at 1,000 and 3,000 and <= 15: Deadlines: 5 at 1,000",
    ]


def test_without_the_target_size_its_checks_are_skipped():
    assert lines(checks(run(size_run(3_000, [admin()]))))[-4:] == [
        "SKIP  median no slower than admin changelist at 100,000: (100,000 cases not run; largest size 3,000)",
        "SKIP  recompute < 120 s at 100,000: (100,000 cases not run; largest size 3,000)",
        "SKIP  export peak < 250 MB at 100,000: (100,000 cases not run; largest size 3,000)",
        "SKIP  seed 100,000 < 300 s: (100,000 cases not run; largest size 3,000)",
    ]
    assert lines(checks(run())) == [
        f"SKIP  {what}: (100,000 cases not run; largest size 0)"
        for what in (
            "median no slower than admin changelist at 100,000",
            "recompute < 120 s at 100,000",
            "export peak < 250 MB at 100,000",
            "seed 100,000 < 300 s",
        )
    ]


def test_medians_are_held_to_the_admin_changelist_except_the_cold_dashboard():
    fast, slow = page("cases", "Case list", median=20.0), page("my_work", "My work", median=20.5)
    cold = page("dashboard_cold", "Cold dashboard", median=900.0)
    result = checks(run(size_run(TARGET, [fast, slow, cold, admin(median=20.0)])))
    medians = [line for line in lines(result) if "admin changelist at" in line]
    assert medians[0] == "PASS  median no slower than admin changelist at 100,000: Case list: 20.0 ms vs 20.0 ms"
    assert medians[1] == "FAIL  median no slower than admin changelist at 100,000: My work: 20.5 ms vs 20.0 ms"
    assert medians[2].startswith(
        "INFO  not held to the admin changelist at 100,000: Cold dashboard: 900.0 ms vs 20.0 ms (what one manager"
    )
    failed = next(c for c in result if c.state == "FAIL" and c.kind == "time")
    assert (failed.page, failed.size) == (slow, TARGET)


def test_medians_are_skipped_when_the_page_or_the_changelist_failed():
    broken = page("case_detail", "Case detail", status="not built")
    result = lines(checks(run(size_run(TARGET, [broken, page("cases", "Case list"), admin(status="HTTP 500")]))))
    assert "SKIP  median no slower than admin changelist at 100,000: Case detail (not built)" in result
    assert "SKIP  median no slower than admin changelist at 100,000: Case list (admin changelist HTTP 500)" in result


def test_medians_are_skipped_when_the_changelist_was_not_measured():
    result = lines(checks(run(size_run(TARGET, [page("cases", "Case list")]))))
    assert (
        "SKIP  median no slower than admin changelist at 100,000: Case list (admin changelist not measured)" in result
    )


def test_an_export_without_a_measured_peak_is_skipped():
    unmeasured = ExportResult("cases_csv", "Cases CSV", "/exports/cases.csv", "ok")
    result = lines(checks(run(size_run(TARGET, [admin()], [unmeasured]))))
    assert "SKIP  export peak < 250 MB at 100,000: Cases CSV (no peak measured)" in result


def test_recompute_exports_and_seed_at_the_target_size():
    exports = [export("Cases CSV", rss=249.6), export("SEN2 CSV", rss=250.0), export("Old CSV", status="not built")]
    passing = size_run(TARGET, [admin()], exports, seed_s=299.9, recompute_s=119.9, cold_recompute_s=100.0)
    assert lines(checks(run(passing)))[-5:] == [
        "PASS  recompute < 120 s at 100,000: 119.9 s after the seed, 100.0 s writing every C1 and C9 clock",
        "PASS  export peak < 250 MB at 100,000: Cases CSV: 250 MB",
        "FAIL  export peak < 250 MB at 100,000: SEN2 CSV: 250 MB",
        "SKIP  export peak < 250 MB at 100,000: Old CSV (not built)",
        "PASS  seed 100,000 < 300 s: 299.9 s",
    ]
    failing = size_run(TARGET, [admin()], seed_s=300.0, recompute_s=10.0, cold_recompute_s=120.0)
    assert lines(checks(run(failing)))[-2:] == [
        "FAIL  recompute < 120 s at 100,000: 10.0 s after the seed, 120.0 s writing every C1 and C9 clock",
        "FAIL  seed 100,000 < 300 s: 300.0 s",
    ]


def test_the_report_lists_the_checks_and_explains_each_failing_page_once():
    slow = page("cases", "Case list", queries=16, median=30.0)
    text = render(run(size_run(TARGET, [slow, admin()])), {})
    assert "FAIL  query count (one size run) and <= 15: Case list: 16 at 100,000" in text
    assert "FAIL  median no slower than admin changelist at 100,000: Case list: 30.0 ms vs 20.0 ms" in text
    assert text.count("### Case list, query count, at 100,000 cases (`/cases/`)") == 1
    assert text.count("### Case list, time, at 100,000 cases (`/cases/`)") == 1
