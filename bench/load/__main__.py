"""python -m bench.load [--servers 1|2] [--users 40] [--run-time 180] [--cases 100000]

`make loadtest`: gunicorn (4 workers) on PostgreSQL seeded with 100,000 cases, driven by 40 locust users in the
portal's real mix for a few minutes; prints requests per second, median, 95th and 99th percentile and errors per
page beside the Django admin changelist under the same load, checks every write that was acknowledged is in the
database (and no refused one is half there), and writes bench/results/loadtest-<n>-server(s).md.

The seeded database is kept as a template (seeded again only when the seed code, its size or the migrations
change: bench/seeded.py); each run works on a fresh copy of it, dropped at the end, so every run starts from the
same data and the export limit's count starts at nought.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import seeded
from bench.load import servers, stats

RESULTS = Path(__file__).resolve().parent.parent / "results"
LONDON = ZoneInfo("Europe/London")
PASSWORD = "demo-password-2026"  # the demo users' published password (demo.reference)
USERS = {
    "officer": ["officer", "officer2", "officer3", "officer4"],
    "mediator": [f"mediator{n}" for n in range(1, 9)],
    "manager": ["manager"],
    "admin": ["admin"],
}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[1])
    parser.add_argument("--servers", type=int, choices=(1, 2), default=int(os.environ.get("SERVERS", "1")))
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per server (default 4)")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--run-time", type=int, default=180, help="seconds of load (default 180)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a database URL on the PostgreSQL server to use (default $LOADTEST_DATABASE_URL or the local one)",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("LOADTEST_DATABASE", "sendportal_loadtest"),
        help="name of the run's database; the seeded template is NAME_seed (default sendportal_loadtest)",
    )
    parser.add_argument("--no-write", action="store_true", help="print the report without writing bench/results/")
    return parser.parse_args(argv)


def user_counts(total: int) -> dict[str, int]:
    """The real mix: mostly officers, a mediator for every five staff, a few managers, one administrator."""
    admin = 1 if total >= 10 else 0
    manager = max(1, round(total * 0.15))
    mediator = max(1, round(total * 0.2))
    return {"officer": total - admin - manager - mediator, "mediator": mediator, "manager": manager, "admin": admin}


def make_plan(url: str, *, run_id: str, results_path: Path, counts: dict, close_connections: bool) -> dict:
    """What the users need to know about the data: ids to visit and write on, names to search for."""
    import psycopg

    today = datetime.now(LONDON).date()
    rng = random.Random(run_id)
    with psycopg.connect(url) as conn:
        case_ids = [r[0] for r in conn.execute("SELECT id FROM cases_case ORDER BY id")]
        surnames = [
            r[0]
            for r in conn.execute(
                "SELECT child_last_name FROM cases_case GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 30"
            )
        ]
        officer_statuses = [
            r[0]
            for r in conn.execute(
                "SELECT c.status FROM cases_case c JOIN auth_user u ON u.id = c.officer_id "
                "WHERE u.username = 'officer' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2"
            )
        ]
        officer_ids = [
            r[0]
            for r in conn.execute("SELECT DISTINCT officer_id FROM cases_case WHERE officer_id IS NOT NULL ORDER BY 1")
        ]
        export_statuses = [
            r[0]
            for r in conn.execute(
                "SELECT status FROM cases_case WHERE status <> 'closed' GROUP BY 1 ORDER BY count(*) LIMIT 3"
            )
        ]
        mediator_referrals: dict[str, list[int]] = {}
        for username, referral_id in conn.execute(
            "SELECT u.username, r.id FROM referrals_referral r JOIN referrals_mediator m ON m.id = r.mediator_id "
            "JOIN auth_user u ON u.id = m.user_id WHERE r.status IN ('assigned', 'scheduled') "
            "AND r.family_told_la_on <= %s ORDER BY r.id",
            [today],
        ):
            mediator_referrals.setdefault(username, []).append(referral_id)
    return {
        "run_id": run_id,
        "password": PASSWORD,
        "results_path": str(results_path),
        "close_connections": close_connections,
        "users": USERS,
        "counts": counts,
        "case_ids": rng.sample(case_ids, min(5000, len(case_ids))),
        "surnames": surnames,
        "statuses": officer_statuses,
        "officer_ids": officer_ids,
        "export_statuses": export_statuses,
        "mediator_referrals": {k: v[:200] for k, v in mediator_referrals.items()},
        "exports_per_user": 8,  # the limit is 10 an hour per person; the run stays inside it
        "today": today.isoformat(),
    }


def verify_ledger(url: str, results: dict, run_id: str, folder: Path) -> dict:
    ledger_path = folder / "ledger.json"
    since = datetime.fromtimestamp(results["started"] - 5, tz=LONDON).isoformat()
    ledger_path.write_text(json.dumps({"writes": results["writes"], "run_id": run_id, "since": since}))
    out = subprocess.run(
        [sys.executable, "-m", "bench.ledger", str(ledger_path)],
        cwd=servers.ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE": url},
    )
    if not out.stdout.strip():
        raise RuntimeError(f"the ledger check failed to run: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def ledger_lines(report: dict) -> list[str]:
    writes = report["writes"]
    return [
        f"- writes: {', '.join(f'{k} {v:,}' for k, v in writes.items()) or 'none'}",
        f"- acknowledged (the success redirect) and found in the database, whole: {report['acknowledged_found']:,}",
        f"- acknowledged but missing: {len(report['missing'])}; refused but stored: {len(report['refused_but_stored'])}"
        f"; half-stored: {len(report['half_stored'])}; duplicated: {len(report['duplicated'])}",
        f"- no answer at all (connection dropped): {report['unknown_stored']} stored whole, "
        f"{report['unknown_absent']} absent",
    ] + [f"  - {p}" for p in (report["missing"] + report["refused_but_stored"] + report["half_stored"])[:10]]


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    folder = Path(tempfile.mkdtemp(prefix="sendportal-load-"))
    processes = servers.Processes(folder)
    run_url = seeded.database_url(args.postgres, args.database)
    try:
        return run_load_test(args, processes, run_url, folder)
    finally:
        clean_up(args, processes, folder)


def run_load_test(args, processes, run_url: str, folder: Path) -> int:
    """The run itself: a fresh copy of the seeded database, the servers, the load, the checks and the report;
    0 when every check passed, 1 otherwise."""
    seed = copy_seeded_database(args, folder)
    run_id = f"{int(time.time()):x}"
    counts = user_counts(args.users)
    plan = make_plan(
        run_url,
        run_id=run_id,
        results_path=folder / "results.json",
        counts=counts,
        close_connections=args.servers == 2,
    )
    names, host = start_servers(args, processes, run_url, folder)
    servers.log(
        f"{args.servers} server(s), {args.workers} workers each, at {host}; {args.users} users "
        f"({', '.join(f'{n} {r}' for r, n in counts.items())}) for {args.run_time} s"
    )
    load_start = os.getloadavg()[0]
    spawn_rate = max(1, args.users / 10)
    locust = servers.run_locust(
        processes, plan=plan, host=host, users=args.users, spawn_rate=spawn_rate, run_time=args.run_time
    )
    locust.wait(timeout=args.run_time + 120)
    load_end = os.getloadavg()[0]
    results = json.loads((folder / "results.json").read_text())
    seconds = results["finished"] - results["started"]
    served = {name: servers.access_log_lines(folder, name) for name in names}
    processes.stop_all()

    warmup = warmup_seconds(results, args.users / spawn_rate)
    rows = stats.page_stats(results["timings"], results["failures"], after=warmup)
    ledger = verify_ledger(run_url, results, run_id, folder)
    outcome = stats.checks(rows) + [
        ("every acknowledged write found whole, nothing refused stored", ledger["ok"], "see the ledger")
    ]
    passed = all(ok for _, ok, _ in outcome)
    text = render(args, seed, counts, rows, seconds - warmup, served, ledger, outcome, load_start, load_end)
    print(text)
    if not args.no_write:
        write_report(args, text)
    return 0 if passed else 1


def copy_seeded_database(args, folder: Path):
    """The seeded template (seeded first when it is missing or out of date), copied to the run's database."""
    template = f"{args.database}_seed"
    seed = seeded.ensure(args.postgres, template, cases=args.cases, media_root=str(folder / "seed-media"))
    servers.log(f"Copying {template} to {args.database} for this run")
    seeded.admin_sql(args.postgres, f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    seeded.admin_sql(args.postgres, f"CREATE DATABASE {args.database} TEMPLATE {template}")
    return seed


def start_servers(args, processes, run_url: str, folder: Path) -> tuple[list[str], str]:
    """The app servers, and with two of them the balancer in front: their names, and the address the users use."""
    ports = [servers.free_port() for _ in range(args.servers)]
    names = [f"server-{i + 1}" for i in range(args.servers)]
    for name, port in zip(names, ports, strict=True):
        servers.start_app_server(
            processes, name, port=port, database_url=run_url, media_root=folder / "media", workers=args.workers
        )
    for port in ports:
        servers.wait_healthy(f"http://127.0.0.1:{port}")
    host = f"http://127.0.0.1:{ports[0]}"
    if args.servers == 2:
        host = start_balancer(processes, ports)
    return names, host


def start_balancer(processes, ports: list[int]) -> str:
    """The round-robin balancer in front of the app servers on `ports`, once it answers: its address."""
    listen = servers.free_port()
    processes.start(
        "balancer",
        [
            sys.executable,
            "-m",
            "bench.load.balancer",
            "--listen",
            str(listen),
            *[a for p in ports for a in ("--backend", f"127.0.0.1:{p}")],
        ],
    )
    host = f"http://127.0.0.1:{listen}"
    servers.wait_healthy(host)
    return host


def warmup_seconds(results: dict, spawn_seconds: float) -> float:
    """Every user signs in (argon2, slow on purpose) as the users start, and the sign-ins queue for the
    workers: timings count from 5 seconds after the last sign-in finished (or after the users were all
    started, when no sign-in was timed)."""
    sign_ins = [at + ms / 1000 for at, ms in results["timings"].get("sign in", [])]
    return max(sign_ins, default=spawn_seconds) + 5


def write_report(args, text: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"loadtest-{args.servers}-server{'s' if args.servers > 1 else ''}.md"
    target.write_text(text, encoding="utf-8")
    servers.log(f"Written to bench/results/{target.name}")


def clean_up(args, processes, folder: Path) -> None:
    """However the run ended: the servers stopped, the run's database dropped, the logs deleted unless
    LOADTEST_KEEP_LOGS is set."""
    processes.stop_all()
    try:
        seeded.admin_sql(args.postgres, f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    except Exception as exc:
        servers.log(f"Could not drop {args.database}: {exc}")
    if not os.environ.get("LOADTEST_KEEP_LOGS"):
        shutil.rmtree(folder, ignore_errors=True)
    else:
        servers.log(f"Logs kept in {folder}")


def render(args, seed, counts, rows, seconds, served, ledger, outcome, load_start, load_end) -> str:
    now = datetime.now(LONDON)
    total = sum(r.requests for r in rows)
    lines = [
        f"# Load test: {args.servers} app server{'s' if args.servers > 1 else ''}, PostgreSQL, {args.cases:,} cases",
        "",
        f"Run {now:%d %b %Y %H:%M} (London) on a {os.cpu_count()}-core machine shared with "
        f"other work (load average {load_start:.1f} at the start, {load_end:.1f} at the end); Python "
        f"{platform.python_version()}. gunicorn, {args.workers} sync workers per server, production settings over "
        f"plain HTTP (bench/load/settings.py)"
        + (
            ", behind a round-robin balancer with a new connection per request (bench/load/balancer.py)"
            if args.servers > 1
            else ""
        )
        + f". {args.users} locust users, 1-4 s between requests, timed for {seconds:.0f} s once all had signed in: "
        + ", ".join(f"{n} {role}{'s' if n != 1 else ''}" for role, n in counts.items())
        + ". Database: a copy of the seeded template ("
        + ("reused" if seed.reused else f"seeded in {seed.seconds:.0f} s")
        + ").",
        "",
        f"**{total / seconds:.1f} requests per second**, {total:,} requests, "
        f"{sum(r.failures for r in rows)} errors."
        + (
            " Requests answered by each server: " + ", ".join(f"{k} {v:,}" for k, v in served.items()) + "."
            if len(served) > 1
            else ""
        ),
        "",
        "Times in milliseconds as the users saw them (sign-in and the POSTs of writes are listed but not held to "
        "the changelist; exports are files of many rows):",
        "",
        stats.table(rows, seconds),
        "",
        "## Writes",
        "",
        *ledger_lines(ledger),
        "",
        "## Checks",
        "",
        *[f"- {'PASS' if ok else 'FAIL'}: {what} ({detail})" for what, ok, detail in outcome],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
