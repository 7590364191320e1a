"""python -m bench [--sizes 10000,100000] [--repeat 15] [--postgres URL]

Django is configured here (bench.settings against a database this run creates), so nothing else may import
Django settings before main() has set the environment.
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE_NAME = os.environ.get("BENCH_DATABASE_NAME", "sendportal_bench")
"""The PostgreSQL database each run creates and drops (BENCH_DATABASE_NAME chooses another, e.g. per branch)."""
RESULTS = Path(__file__).resolve().parent / "results"


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"sizes must be whole numbers separated by commas: {text!r}") from exc
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("give at least one size, each at least 1")
    return sizes


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Seed, recompute and time sendportal's pages at each size on a database made for the run.",
    )
    parser.add_argument(
        "--sizes", type=_sizes, default=[10_000, 100_000], help="comma-separated case counts (default 10000,100000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=15, help="requests per page; the first is a warm-up and is discarded (default 15)"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="a PostgreSQL server to use instead of SQLite, e.g. postgres://user@host:5432/postgres "
        f"(default: $BENCH_DATABASE_URL); the run creates and drops the database {BENCH_DATABASE_NAME}",
    )
    parser.add_argument(
        "--engine-pairs",
        type=int,
        default=200_000,
        help="random decision/certificate pairs for the deadline engine (default 200000)",
    )
    parser.add_argument(
        "--keep-database",
        metavar="FILE",
        nargs="?",
        const="",
        default=None,
        help="keep the last size's database to look into: SQLite copies it to FILE; PostgreSQL leaves "
        f"{BENCH_DATABASE_NAME} in place",
    )
    parser.add_argument("--no-write", action="store_true", help="print the results without writing bench/results/")
    args = parser.parse_args(argv)
    if args.repeat < 2:
        parser.error("--repeat must be at least 2 (the first request is discarded)")
    return args


# --- Databases made for the run ---------------------------------------------------------------------------


class SQLiteDatabases:
    """A fresh file per size in a temporary folder, removed at the end."""

    label = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.current: Path | None = None

    def url_for(self, size: int) -> str:
        return f"sqlite:///{self.folder / f'bench-{size}.sqlite3'}"

    def fresh(self, size: int) -> None:
        """Point Django's connection at a new, empty file (the previous one is deleted)."""
        from django.db import connection

        connection.close()
        self.drop()
        self.current = self.folder / f"bench-{size}.sqlite3"
        connection.settings_dict["NAME"] = str(self.current)

    def size_mb(self) -> float | None:
        if self.current is None:
            return None
        files = [self.current, Path(f"{self.current}-wal")]
        return sum(f.stat().st_size for f in files if f.exists()) / 1024 / 1024

    def drop(self) -> None:
        if self.current is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.current}{suffix}").unlink(missing_ok=True)
            self.current = None


class PostgresDatabases:
    """The database sendportal_bench on the given server, dropped and created again for each size."""

    label = "postgresql"

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql", "pgsql"):
            raise SystemExit("--postgres needs a postgres:// URL")
        self.admin_url = url
        self.bench_url = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE_NAME}"))

    def url_for(self, size: int) -> str:
        return self.bench_url

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def fresh(self, size: int) -> None:
        from django.db import connection

        connection.close()
        self._admin(f"DROP DATABASE IF EXISTS {BENCH_DATABASE_NAME} WITH (FORCE)")
        self._admin(f"CREATE DATABASE {BENCH_DATABASE_NAME}")

    def size_mb(self) -> float | None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("select pg_database_size(current_database())")
            return cursor.fetchone()[0] / 1024 / 1024

    def drop(self) -> None:
        from django.db import connection

        connection.close()
        self._admin(f"DROP DATABASE IF EXISTS {BENCH_DATABASE_NAME} WITH (FORCE)")


# --- One size ---------------------------------------------------------------------------------------------


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed_steps() -> list[str]:
    """The steps demo.bulk.run() calls, read from its source (shows whether the pathway seed has landed)."""
    from demo import bulk

    source = inspect.getsource(bulk.run)
    steps = re.findall(r"\b((?:seed|delete_seeded)_\w+)\(", source)
    return list(dict.fromkeys(steps))


def table_counts() -> dict[str, int]:
    from django.apps import apps
    from django.contrib.auth import get_user_model

    models = [
        get_user_model(),
        *apps.get_app_config("cases").get_models(),
        *apps.get_app_config("referrals").get_models(),
    ]
    counts = {}
    for model in models:
        n = model.objects.count()
        if n:
            counts[str(model._meta.verbose_name_plural)] = n
    return counts


def run_size(databases, size: int, repeat: int):
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from cases.clock_services import deadlines_recompute_all
    from demo import bulk

    from . import pages
    from .report import SizeRun

    _log(f"\n== {size:,} cases on {databases.label}")
    databases.fresh(size)
    ContentType.objects.clear_cache()
    pages.reset_clients()

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_s = time.perf_counter() - started
    _log(f"  migrate: {migrate_s:.1f} s")

    started = time.perf_counter()
    report = bulk.run(cases=size)
    seed_s = time.perf_counter() - started
    seed_detail = f"{report.cases_added:,} cases added"
    if getattr(report, "pathway_rows", 0):
        seed_detail += f", {report.pathway_rows:,} pathway rows"
    if getattr(report, "timings", None):
        seed_detail += " (" + ", ".join(f"{step} {sec:.1f} s" for step, sec in report.timings.items()) + ")"
    _log(f"  seed: {seed_s:.1f} s: {seed_detail}")

    started = time.perf_counter()
    recompute_counts = deadlines_recompute_all()
    recompute_s = time.perf_counter() - started
    _log(f"  recompute every deadline: {recompute_s:.1f} s {recompute_counts}")

    if connection.vendor == "postgresql":
        # What autovacuum would soon do after a bulk load; done now so every run plans from the same statistics.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    fixture = pages.find_fixture()
    _log(f"  pages ({repeat} requests each):")
    page_results = pages.measure_pages(fixture, repeat, log=_log)
    _log("  exports:")
    export_results = pages.measure_exports(log=_log)
    counts, database_mb = table_counts(), databases.size_mb()

    # Last, so the pages saw the seeded clocks as they were: the worst case, every appeal and adviser clock
    # (C1, C9) gone and written again, with a timeline event each.
    from cases.models import Deadline

    Deadline.objects.filter(key__in=["C1", "C9"]).delete()
    started = time.perf_counter()
    cold_counts = deadlines_recompute_all()
    cold_s = time.perf_counter() - started
    _log(f"  recompute every deadline from none: {cold_s:.1f} s {cold_counts}")

    return SizeRun(
        size=size,
        migrate_s=migrate_s,
        seed_s=seed_s,
        seed_added=report.cases_added,
        seed_detail=seed_detail,
        recompute_s=recompute_s,
        recompute_counts=recompute_counts,
        cold_recompute_s=cold_s,
        cold_recompute_counts=cold_counts,
        counts=counts,
        database_mb=database_mb,
        fixture=fixture,
        pages=page_results,
        exports=export_results,
    )


def keep(databases, target: str) -> None:
    if isinstance(databases, PostgresDatabases):
        databases.drop = lambda: None
        _log(f"Kept the database {BENCH_DATABASE_NAME}")
        return
    if databases.current is None or not target:
        _log("--keep-database needs a FILE to copy the SQLite database to")
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    shutil.copyfile(databases.current, target)
    _log(f"Kept the last database as {target}")


# --- Main -------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    folder = Path(tempfile.mkdtemp(prefix="sendportal-bench-"))
    databases = PostgresDatabases(args.postgres) if args.postgres else SQLiteDatabases(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["BENCH_DATABASE"] = databases.url_for(args.sizes[0])
    os.environ["BENCH_MEDIA_ROOT"] = str(folder / "media")
    # The static files are not collected for a benchmark; whitenoise's warning about it is noise.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    try:
        import django

        django.setup()
        from django.utils import timezone

        from . import engine, report

        info = report.machine()
        load_start = os.getloadavg()[0]
        _log(f"Load average at start (1 min): {load_start:.2f}")
        started = timezone.localtime()
        _log(f"Deadline engine: {args.engine_pairs:,} appeal deadlines per calendar")
        engine_results = engine.measure(args.engine_pairs)
        for result in engine_results:
            _log(f"  {result.calendar}: {result.per_second:,.0f} per second")
        run = report.Run(
            database=databases.label,
            database_version="",
            started=started,
            repeat=args.repeat,
            engine=engine_results,
            seed_steps=seed_steps(),
        )
        for size in args.sizes:
            run.sizes.append(run_size(databases, size, args.repeat))
            if not run.database_version:
                run.database_version = report.database_version()
        info["Load average at start and end of the run (1 min)"] = f"{load_start:.1f}, {os.getloadavg()[0]:.1f}"
        text = report.render(run, info)
        print(text)
        if not args.no_write:
            RESULTS.mkdir(exist_ok=True)
            target = RESULTS / f"latest-{databases.label}.md"
            partial = target.with_suffix(".md.tmp")
            partial.write_text(text, encoding="utf-8")
            partial.replace(target)
            _log(f"Written to bench/results/{target.name}")
        return 1 if any(c.state == "FAIL" for c in report.checks(run)) else 0
    finally:
        if args.keep_database is not None:
            keep(databases, args.keep_database)
        try:
            databases.drop()
        except Exception as exc:  # never hide the run's own error behind a clean-up one
            _log(f"Could not drop the benchmark database: {type(exc).__name__}: {exc}")
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
