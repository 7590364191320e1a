"""A seeded PostgreSQL database kept between runs: `make loadtest` reuses it while its seed still matches.

Seeding 100,000 cases takes about three minutes on PostgreSQL. The load test only reads the seeded data (and
removes what its own users wrote when it ends), so a database seeded once serves every later run, as long as it
was seeded from the same thing: the same case count and random seed, the same demo seed code and the same
migrations. Those go into a fingerprint kept in a one-row table (`bench_seed_marker`) beside the portal's
tables; when the fingerprint differs, or the marker is missing (a seed that never finished), the database is
dropped and seeded again.

    python -m bench.seeded --server postgres://postgres@127.0.0.1:5432/postgres --name sendportal_x --cases 100000

Seeding runs in a child process with bench.settings (the parent never configures Django), so the caller can go
on to start app servers against the result.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MARKER_TABLE = "bench_seed_marker"
SEED_SOURCES = (
    *sorted(f"demo/bulk/{path.name}" for path in (ROOT / "demo" / "bulk").glob("*.py")),
    "demo/people.py",
    "demo/reference.py",
    "demo/seeded.py",
    "demo/wording.py",
    "cases/clock_services.py",
    "cases/deadlines.py",
)
MIGRATION_APPS = ("sendportal", "cases", "referrals", "dashboards")
SEED_FORMAT = "2: argon2 passwords"
"""Bumped when what _seed_here does changes (the demo sign-ins' password hashes, say)."""


def database_url(server_url: str, name: str) -> str:
    """The server's URL with its database name replaced."""
    parts = urlsplit(server_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"a postgres:// URL is needed, not {server_url!r}")
    return urlunsplit(parts._replace(path=f"/{name}"))


def fingerprint(cases: int, rng_seed: int) -> str:
    """What the seeded data depends on: its size and random seed, the seed code and every migration file."""
    digest = hashlib.sha256(f"cases={cases};seed={rng_seed};format={SEED_FORMAT}".encode())
    for relative in SEED_SOURCES:
        digest.update(relative.encode())
        digest.update((ROOT / relative).read_bytes())
    for app in MIGRATION_APPS:
        for migration in sorted((ROOT / app / "migrations").glob("[0-9]*.py")):
            digest.update(f"{app}/{migration.name}".encode())
            digest.update(migration.read_bytes())
    return digest.hexdigest()


@dataclass
class Seeded:
    url: str
    reused: bool
    seconds: float


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _stored_fingerprint(url: str) -> str | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute(f"SELECT fingerprint FROM {MARKER_TABLE}").fetchone()  # noqa: S608
    except psycopg.Error:
        return None
    return row[0] if row else None


def admin_sql(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def ensure(
    server_url: str, name: str, *, cases: int, rng_seed: int = 2026, media_root: str | None = None, log=_log
) -> Seeded:
    """The database `name` on the server, seeded with `cases` cases: reused when its marker matches."""
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"not a plain database name: {name!r}")
    url = database_url(server_url, name)
    wanted = fingerprint(cases, rng_seed)
    if _stored_fingerprint(url) == wanted:
        log(f"Reusing {name}: already seeded with {cases:,} cases from the same seed code and migrations")
        return Seeded(url, reused=True, seconds=0.0)
    log(f"Seeding {name} with {cases:,} cases (reused by later runs while the seed code and migrations match)")
    started = time.perf_counter()
    admin_sql(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin_sql(server_url, f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DATABASE": url,
        "BENCH_MEDIA_ROOT": media_root or os.environ.get("BENCH_MEDIA_ROOT", str(ROOT / "media" / "bench")),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.seeded",
            "--seed-into",
            url,
            "--cases",
            str(cases),
            "--rng-seed",
            str(rng_seed),
            "--fingerprint",
            wanted,
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    seconds = time.perf_counter() - started
    log(f"Seeded {name} in {seconds:.0f} s")
    return Seeded(url, reused=False, seconds=seconds)


def _seed_here(cases: int, rng_seed: int, marker: str) -> None:
    """In the child process: migrate, seed, recompute every clock, VACUUM ANALYZE, then write the marker last."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from cases.clock_services import deadlines_recompute_all
    from demo import bulk

    call_command("migrate", interactive=False, verbosity=0)
    # The app servers run production's hashers: the demo sign-ins get an argon2 hash, not bench.settings' MD5.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        report = bulk.run(cases=cases, rng_seed=rng_seed)
    _log(f"  seed: {report.cases_added:,} cases in {report.seconds:.0f} s")
    started = time.perf_counter()
    deadlines_recompute_all()
    _log(f"  recompute every clock: {time.perf_counter() - started:.0f} s")
    connection.close()
    connection.connect()
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (fingerprint text NOT NULL, cases integer NOT NULL)")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s)", [marker, cases])  # noqa: S608


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seeded", description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", help="postgres:// URL of a database on the server (for DROP/CREATE)")
    parser.add_argument("--name", help="the database to seed or reuse")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rng-seed", type=int, default=2026)
    parser.add_argument("--seed-into", help=argparse.SUPPRESS)
    parser.add_argument("--fingerprint", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed_into:
        _seed_here(args.cases, args.rng_seed, args.fingerprint)
        return 0
    if not args.server or not args.name:
        parser.error("--server and --name are needed")
    print(ensure(args.server, args.name, cases=args.cases, rng_seed=args.rng_seed).url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
