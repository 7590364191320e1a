"""python -m bench.drill [--cases 3000] [--users 20]: `make drill`, faults and recovery on a throwaway cluster.

On a PostgreSQL cluster it starts itself on a spare port (bench/drill/cluster.py; never the shared server), with
two app servers behind the round-robin balancer and locust users writing through the pages:

1. Restart under load: PostgreSQL is stopped mid-run and started again. While it is down, pages must answer 503
   with Retry-After and the clean page, and /healthz 503; afterwards the same app servers (no restart) must
   answer 200 again; every write that got a success response must be in the database whole, and no refused one
   there at all (bench/ledger.py).
2. Slow database: an app server with a 1-second statement timeout, while the drill holds a lock on the table a
   write needs: the write must fail cleanly (503) within about a second and leave nothing behind.
3. Full and unwritable media folder: issuing a certificate (the portal's only file write) with the media folder
   on a full filesystem, then under a path that cannot be a folder. Reported as found: what the page answered
   and whether anything was saved.
4. Backup and restore: scripts/backup, the database dropped and the files deleted, scripts/restore into a fresh
   database and folder, and the manifest check (rows per table, every clock, the audit trail, every certificate
   file by SHA-256); then one restored certificate file is altered to show the check catches it.

Writes bench/results/drill.md; exits 1 when a check fails. The cluster is stopped and deleted however it ends.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psycopg

from bench import seeded
from bench.drill.cluster import Cluster
from bench.drill.probes import UNAVAILABLE_HEADING, Probe, count
from bench.drill.restart import restart_drill
from bench.load import servers
from bench.load.__main__ import LONDON, start_balancer

RESULTS = Path(__file__).resolve().parent.parent / "results"
DRILL_DATABASE = "sendportal_drill"
# --- 2. Slow database -----------------------------------------------------------------------------------------


def slow_database_drill(processes, url: str, media: Path):
    port = servers.free_port()
    servers.start_app_server(
        processes,
        "server-slow",
        port=port,
        database_url=url,
        media_root=media,
        workers=1,
        extra_env={"DATABASE_STATEMENT_TIMEOUT": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    servers.wait_healthy(base)
    probe = Probe(base, "officer3")
    case_id = count(url, "SELECT min(id) FROM cases_case")
    marker = f"LT-slow-{int(time.time() * 1000) % (16**12):012x}"
    notes = "SELECT count(*) FROM cases_casenote WHERE text LIKE %s"
    checks = []
    with psycopg.connect(url) as locker:
        locker.execute("LOCK TABLE cases_caseevent IN ACCESS EXCLUSIVE MODE")
        started = time.time()
        answer = probe.post(f"/cases/{case_id}/notes/", {"text": f"Drill note {marker}", "visibility": "internal"})
        write_ms = (time.time() - started) * 1000
        half = count(url, notes, [f"%{marker}%"])
        checks.append(
            (
                "a write whose timeline event waits on a locked table fails cleanly and leaves no note",
                answer.status_code == 503 and UNAVAILABLE_HEADING in answer.text and half == 0,
                f"HTTP {answer.status_code} after {write_ms:,.0f} ms (statement timeout 1 s); notes stored: {half}",
            )
        )
        locker.execute("LOCK TABLE cases_case IN ACCESS EXCLUSIVE MODE")
        started = time.time()
        page = probe.get("/cases/")
        read_ms = (time.time() - started) * 1000
        checks.append(
            (
                "a page whose query waits on a locked table answers the clean 503 page",
                page.status_code == 503 and UNAVAILABLE_HEADING in page.text and page.headers.get("Retry-After"),
                f"HTTP {page.status_code} after {read_ms:,.0f} ms",
            )
        )
        locker.rollback()
    answer = probe.post(f"/cases/{case_id}/notes/", {"text": f"Drill note {marker}", "visibility": "internal"})
    stored = count(url, notes, [f"%{marker}%"])
    checks.append(
        (
            "once the lock is gone the same write succeeds, once",
            answer.status_code == 302 and stored == 1,
            f"HTTP {answer.status_code}; notes stored: {stored}",
        )
    )
    return {"checks": checks}


# --- 3. Full and unwritable media folder -------------------------------------------------------------------------


def issuable_referral(url: str, probe: Probe) -> tuple[int, str, str, bool] | None:
    """A referral of mediator1's whose certificate page offers a certificate: (id, kind, issuer role, replaces)."""
    with psycopg.connect(url) as conn:
        candidates = [
            r[0]
            for r in conn.execute(
                "SELECT r.id FROM referrals_referral r JOIN referrals_mediator m ON m.id = r.mediator_id "
                "JOIN auth_user u ON u.id = m.user_id WHERE u.username = 'mediator1' "
                "AND r.status IN ('concluded', 'not_held') ORDER BY r.concluded_on DESC NULLS LAST, r.id DESC LIMIT 60"
            )
        ]
    for referral_id in candidates:
        page = probe.get(f"/referrals/{referral_id}/certificate/")
        kinds = re.findall(r'name="kind" value="([^"]+)"', page.text)
        roles = re.findall(r'name="issuer_role" value="([^"]+)"', page.text)
        if page.status_code == 200 and kinds and roles:
            return referral_id, kinds[0], roles[0], 'name="correction_reason"' in page.text
    return None


def media_drill(processes, url: str, folder: Path, today: str):
    results = []
    full = folder / "full-media"
    full.mkdir()
    mounted = (
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(full)], capture_output=True).returncode
        == 0
    )
    if mounted:
        with contextlib.suppress(OSError), (full / "filler").open("wb") as filler:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
    (folder / "not-a-folder").write_text("a file where the media folder should be")
    cases = [("full media filesystem (no space left)", full)] if mounted else []
    cases.append(("media folder path that cannot be created", folder / "not-a-folder" / "media"))
    try:
        for label, media in cases:
            port = servers.free_port()
            name = f"server-media-{len(results) + 1}"
            server = servers.start_app_server(processes, name, port=port, database_url=url, media_root=media, workers=1)
            base = f"http://127.0.0.1:{port}"
            servers.wait_healthy(base)
            probe = Probe(base, "mediator1")
            found = issuable_referral(url, probe)
            if found is None:
                results.append((label, False, "no referral of mediator1 offers a certificate to issue"))
                processes.stop(server)
                continue
            referral_id, kind, role, replaces = found
            case_id = count(url, "SELECT case_id FROM referrals_referral WHERE id = %s", [referral_id])
            certificates = f"SELECT count(*) FROM referrals_certificate WHERE case_id = {case_id:d}"
            events = f"SELECT count(*) FROM cases_caseevent WHERE case_id = {case_id:d}"
            before = count(url, certificates), count(url, events)
            data = {"kind": kind, "issued_on": today, "issuer_name": "Drill Mediator", "issuer_role": role}
            if replaces:
                data["correction_reason"] = "Drill: a corrected certificate"
            answer = probe.post(f"/referrals/{referral_id}/certificate/", data)
            after = count(url, certificates), count(url, events)
            heading = re.search(r"<h1[^>]*>(.*?)</h1>", answer.text, re.S)
            title = re.sub(r"<[^>]+>|\s+", " ", heading.group(1)).strip() if heading else "?"
            clean = "Traceback" not in answer.text and answer.status_code != 200
            results.append(
                (
                    label,
                    clean and after == before,
                    f"HTTP {answer.status_code}, page '{title}'; the case's certificates {before[0]} -> {after[0]}, "
                    f"its timeline events {before[1]} -> {after[1]}",
                )
            )
            processes.stop(server)
    finally:
        if mounted:
            subprocess.run(["umount", str(full)], check=False)
    return {
        "checks": [
            (f"issuing a certificate with a {label} fails without saving anything", ok, detail)
            for label, ok, detail in results
        ]
    }


# --- 4. Backup and restore --------------------------------------------------------------------------------------


def backup_restore_drill(cluster: Cluster, url: str, media: Path, folder: Path):
    backups = folder / "backups"
    restored_media = folder / "media-restored"
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "PATH": f"{cluster.bin}:{os.environ.get('PATH', '')}",
    }
    started = time.time()
    backup = subprocess.run(
        ["scripts/backup", str(backups)],
        cwd=servers.ROOT,
        capture_output=True,
        text=True,
        env={**env, "DATABASE_URL": url, "MEDIA_ROOT": str(media)},
    )
    if backup.returncode != 0:
        raise RuntimeError(f"scripts/backup failed: {backup.stderr[-2000:]}")
    stamp = backup.stdout.strip().splitlines()[-1]
    backup_s = time.time() - started
    manifest = json.loads((backups / f"manifest-{stamp}.json").read_text())
    sizes = {p.name.split("-")[0]: p.stat().st_size for p in backups.iterdir()}

    # Wipe: the database dropped, the files deleted.
    seeded.admin_sql(cluster.url, f"DROP DATABASE {DRILL_DATABASE} WITH (FORCE)")
    shutil.rmtree(media)
    restored = seeded.database_url(cluster.url, f"{DRILL_DATABASE}_restored")
    seeded.admin_sql(cluster.url, f"CREATE DATABASE {DRILL_DATABASE}_restored")
    started = time.time()
    restore = subprocess.run(
        ["scripts/restore", str(backups), stamp],
        cwd=servers.ROOT,
        capture_output=True,
        text=True,
        env={**env, "DATABASE_URL": restored, "MEDIA_ROOT": str(restored_media)},
    )
    restore_s = time.time() - started
    output = (restore.stdout + restore.stderr).strip()

    # The check must notice an altered certificate file.
    victim = next(p for p in sorted((restored_media / "certificates").iterdir()) if p.is_file())
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    tampered = subprocess.run(
        [sys.executable, "manage.py", "backup_manifest", "--compare", str(backups / f"manifest-{stamp}.json")],
        cwd=servers.ROOT,
        capture_output=True,
        text=True,
        env={**env, "DATABASE_URL": restored, "MEDIA_ROOT": str(restored_media)},
    )
    files = manifest["certificate_files"]
    checks = [
        (
            "backup, wipe, restore into a fresh database and folder: everything back",
            restore.returncode == 0,
            output.splitlines()[-1] if output else "no output",
        ),
        (
            "an altered certificate file is caught by its SHA-256",
            tampered.returncode != 0 and victim.name in tampered.stderr,
            (tampered.stderr.strip().splitlines() or ["no complaint"])[0],
        ),
    ]
    return {
        "checks": checks,
        "backup_seconds": backup_s,
        "restore_seconds": restore_s,
        "sizes": sizes,
        "tables": len(manifest["tables"]),
        "rows": sum(manifest["tables"].values()),
        "cases": manifest["tables"].get("cases_case", 0),
        "clocks": manifest["clocks"]["rows"],
        "timeline": manifest["audit"]["timeline_events"],
        "log_entries": manifest["audit"]["log_entries"],
        "certificates": files["certificates"],
        "files": files["files"],
    }


# --- Run ----------------------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.drill", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=3000, help="cases seeded on the throwaway cluster")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--run-time", type=int, default=100, help="seconds of load in the restart drill")
    parser.add_argument("--restart-at", type=int, default=35, help="seconds into the load when PostgreSQL stops")
    parser.add_argument("--outage", type=int, default=10, help="seconds PostgreSQL stays down")
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    folder = Path(tempfile.mkdtemp(prefix="sendportal-drill-"))
    processes = servers.Processes(folder)
    media = folder / "media"
    sections = {}
    try:
        with Cluster() as cluster:
            seed = seeded.ensure(cluster.url, DRILL_DATABASE, cases=args.cases, media_root=str(media))
            url = seeded.database_url(cluster.url, DRILL_DATABASE)
            ports = [servers.free_port(), servers.free_port()]
            for i, port in enumerate(ports, 1):
                servers.start_app_server(
                    processes, f"server-{i}", port=port, database_url=url, media_root=media, workers=2
                )
            for port in ports:
                servers.wait_healthy(f"http://127.0.0.1:{port}")
            balancer = start_balancer(processes, ports)
            today = datetime.now(LONDON).date().isoformat()

            sections["restart"] = restart_drill(args, cluster, processes, url, ports, balancer, folder)
            sections["slow"] = slow_database_drill(processes, url, media)
            sections["media"] = media_drill(processes, url, folder, today)
            processes.stop_all()
            sections["backup"] = backup_restore_drill(cluster, url, media, folder)
            sections["cluster"] = {
                "version": count(cluster.url, "SELECT current_setting('server_version_num')::int"),
                "seeded_s": seed.seconds,
            }
    finally:
        processes.stop_all()
        if os.environ.get("LOADTEST_KEEP_LOGS"):
            servers.log(f"Logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    text = render(args, sections)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "drill.md").write_text(text, encoding="utf-8")
        servers.log("Written to bench/results/drill.md")
    every = [ok for part in ("restart", "slow", "backup") for _, ok, _ in sections[part]["checks"]]
    return 0 if all(every) else 1


def render(args, s: dict) -> str:
    restart, backup = s["restart"], s["backup"]
    ledger = restart["ledger"]
    refused_absent = sum(v for k, v in ledger["writes"].items() if "refused" in k) - len(ledger["refused_but_stored"])
    dump_mb, files_mb = backup["sizes"].get("sendportal", 0) / 1e6, backup["sizes"].get("media", 0) / 1e6
    version = s["cluster"]["version"]
    lines = [
        "# Fault drills",
        "",
        f"Run {datetime.now(LONDON):%d %b %Y %H:%M} (London) on a throwaway PostgreSQL {version // 10000} cluster "
        f"the drill started on a spare port, seeded with {args.cases:,} cases; two app servers (gunicorn, 2 workers "
        f"each, production settings over plain HTTP) behind the round-robin balancer; {args.users} locust users "
        f"for {args.run_time} s. Machine load average at the end: {os.getloadavg()[0]:.1f}.",
        "",
        "## 1. PostgreSQL restarted under load",
        "",
        f"PostgreSQL stopped {args.restart_at + 3} s into the run and started again {restart['outage_seconds']:.1f} s "
        f"later; both app servers answered /healthz 200 again {restart['recovery_seconds']:.1f} s after it accepted "
        f"connections. {restart['requests']:,} requests in the run, {restart['unavailable']} of them answered 503 "
        "during the outage.",
        "",
        *[f"- {'PASS' if ok else 'FAIL'}: {what} ({detail})" for what, ok, detail in restart["checks"]],
        "",
        "Writes: "
        + ", ".join(f"{k} {v}" for k, v in restart["ledger"]["writes"].items())
        + f"; acknowledged and found whole after the restart: {restart['ledger']['acknowledged_found']}; "
        f"refused and absent: {refused_absent}; "
        f"no answer: {restart['ledger']['unknown_stored']} stored whole, {restart['ledger']['unknown_absent']} absent; "
        f"half-stored: {len(restart['ledger']['half_stored'])}.",
        "",
        "## 2. Slow database (statement timeout 1 s, a table locked)",
        "",
        *[f"- {'PASS' if ok else 'FAIL'}: {what} ({detail})" for what, ok, detail in s["slow"]["checks"]],
        "",
        "## 3. Media folder full or unwritable (certificate PDFs)",
        "",
        "Reported as found: the portal's only file write, issuing a certificate. Nothing is saved and no traceback "
        "shows, but the answer is the generic 500 page, not a message saying the file could not be stored (that "
        "page is being built on another branch):",
        "",
        *[f"- {'as wanted' if ok else 'NOT YET'}: {what} ({detail})" for what, ok, detail in s["media"]["checks"]],
        "",
        "## 4. Backup, wipe, restore",
        "",
        f"scripts/backup took {backup['backup_seconds']:.1f} s (dump {dump_mb:.1f} MB, files {files_mb:.1f} MB); "
        "the database was dropped and the files deleted; "
        f"scripts/restore into a fresh database and folder took {backup['restore_seconds']:.1f} s and checked "
        f"{backup['rows']:,} rows in {backup['tables']} tables ({backup['cases']:,} cases), {backup['clocks']:,} "
        f"clocks, {backup['timeline']:,} timeline events and {backup['log_entries']:,} audit log entries, and "
        f"{backup['certificates']:,} certificates against {backup['files']:,} files by SHA-256.",
        "",
        *[f"- {'PASS' if ok else 'FAIL'}: {what} ({detail})" for what, ok, detail in backup["checks"]],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
