"""The restart drill (`make drill`, part 1): PostgreSQL stopped under load and started again. While it is down,
pages must answer the clean 503 page with Retry-After and /healthz 503; afterwards the same app servers answer
200 again; every write that got a success response is in the database whole, and no refused one at all."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.drill.cluster import Cluster
from bench.drill.probes import Probe, observe
from bench.load import servers
from bench.load.__main__ import make_plan, user_counts, verify_ledger


class Watcher:
    """Looks, every half second in a thread, at each app server's /healthz and at the case list through the
    balancer (signed in as `probe`), keeping every observation with what was looked at."""

    def __init__(self, ports: list[int], balancer: str, probe: Probe) -> None:
        self.ports = ports
        self.balancer = balancer
        self.probe = probe
        self.observations: list[dict] = []
        self._stop = threading.Event()
        self._thread = None

    def _watch(self) -> None:
        while not self._stop.is_set():
            for port in self.ports:
                self.observations.append({"what": f"healthz :{port}", **observe(f"http://127.0.0.1:{port}/healthz")})
            self.observations.append({"what": "case list", **observe(f"{self.balancer}/cases/", self.probe.session)})
            self._stop.wait(0.5)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)


@dataclass
class Outage:
    """When PostgreSQL went down and came back, and how long each app server then took to answer /healthz 200."""

    down_at: float
    up_at: float
    recovered: dict[int, float]
    recovered_at: float

    def during(self, observations: list[dict]) -> list[dict]:
        return [o for o in observations if self.down_at + 1 <= o["at"] <= self.up_at - 0.5]

    def after(self, observations: list[dict]) -> list[dict]:
        return [o for o in observations if o["at"] >= self.recovered_at + 1]


def restart_postgresql(args, cluster: Cluster, ports: list[int]) -> Outage:
    """PostgreSQL stopped for `args.outage` seconds and started again; then the wait for every app server."""
    servers.log(f"Stopping PostgreSQL for {args.outage} s under load")
    down_at = time.time()
    cluster.stop("fast")
    time.sleep(args.outage)
    cluster.start()
    up_at = time.time()
    recovered = {port: servers.wait_healthy(f"http://127.0.0.1:{port}", timeout=120) for port in ports}
    recovered_at = time.time()
    servers.log(f"PostgreSQL back; servers healthy again {max(recovered.values()):.1f} s after it accepted connections")
    return Outage(down_at, up_at, recovered, recovered_at)


def restart_drill(args, cluster: Cluster, processes, url: str, ports: list[int], balancer: str, folder: Path):
    run_id = f"{int(time.time()):x}"
    plan = make_plan(
        url, run_id=run_id, results_path=folder / "results.json", counts=user_counts(args.users), close_connections=True
    )
    plan["outage_expected"] = True
    masters = {name: p.pid for name, p in processes.children if name.startswith("server-")}
    watcher = Watcher(ports, balancer, Probe(balancer, "officer2"))

    locust = servers.run_locust(
        processes, plan=plan, host=balancer, users=args.users, spawn_rate=max(1, args.users / 5), run_time=args.run_time
    )
    time.sleep(args.restart_at)
    watcher.start()
    time.sleep(3)
    outage = restart_postgresql(args, cluster, ports)
    locust.wait(timeout=args.run_time + 180)
    time.sleep(2)
    watcher.stop()
    results = json.loads((folder / "results.json").read_text())
    alive = {name: processes_alive(processes, name) for name in masters}

    during = outage.during(watcher.observations)
    unavailable, outside, failures = what_the_users_saw(results, outage)
    ledger = verify_ledger(url, results, run_id, folder)
    checks = [
        healthz_check([o for o in during if o["what"].startswith("healthz")]),
        pages_check([o for o in during if o["what"] == "case list"]),
        recovery_check(alive, outage.after(watcher.observations), outage.recovered),
        users_check(unavailable, outside, failures),
        ledger_check(ledger),
    ]
    return {
        "outage_seconds": outage.up_at - outage.down_at,
        "recovery_seconds": max(outage.recovered.values()),
        "requests": sum(len(v) for v in results["timings"].values()),
        "unavailable": len(unavailable),
        "ledger": ledger,
        "checks": checks,
    }


def what_the_users_saw(results: dict, outage: Outage) -> tuple[list, list, dict[str, list[str]]]:
    """The 503s the locust users were answered (time, page), those of them outside the outage, and every other
    error by page."""
    # 503s the users saw, at the wall-clock times they saw them, against the outage's own times.
    unavailable = [(at, name) for at, name in results["unavailable"]]
    outside = [u for u in unavailable if not (outage.down_at - 1 <= u[0] <= outage.recovered_at + 3)]
    failures = {name: msgs for name, msgs in results["failures"].items() if msgs}
    return unavailable, outside, failures


def healthz_check(looks: list[dict]) -> tuple[str, bool, str]:
    """Every look at /healthz while PostgreSQL was down said 503, database unavailable, with Retry-After."""
    return (
        "/healthz said 503 (database unavailable, Retry-After) throughout the outage",
        bool(looks)
        and all(o["status"] == 503 and o["retry_after"] and "unavailable" in (o["health"] or "") for o in looks),
        f"{len(looks)} checks while PostgreSQL was down",
    )


def pages_check(looks: list[dict]) -> tuple[str, bool, str]:
    """Every look at the case list while PostgreSQL was down was the clean 503 page with Retry-After."""
    slowest = max((o.get("ms", 0) for o in looks), default=0)
    unanswered = sum(1 for o in looks if o["status"] is None)  # no answer at all (a timeout, a refused connection)
    return (
        "pages answered the clean 503 page with Retry-After throughout the outage",
        bool(looks) and all(o.get("clean_503") and o.get("retry_after") for o in looks),
        f"{len(looks)} looks at the case list while down ({unanswered} unanswered); slowest {slowest:.0f} ms",
    )


def recovery_check(alive: dict[str, bool], looks: list[dict], recovered: dict[int, float]) -> tuple[str, bool, str]:
    """The same app server processes still running, and every look after recovery answered 200."""
    return (
        "the app recovered without a restart: same app server processes, pages 200 again",
        all(alive.values()) and bool(looks) and all(o["status"] == 200 for o in looks),
        f"healthy {max(recovered.values()):.1f} s after PostgreSQL accepted connections; "
        f"{len(looks)} looks after recovery",
    )


def users_check(unavailable: list, outside: list, failures: dict[str, list[str]]) -> tuple[str, bool, str]:
    """The locust users saw 503s only while PostgreSQL was down, and no other error."""
    return (
        "the users saw 503s only during the outage, and no other error",
        not outside and not failures,
        f"{len(unavailable)} 503s during the outage, {len(outside)} outside it; other errors: "
        + (", ".join(f"{k} {len(v)} ({v[0]})" for k, v in failures.items()) or "none"),
    )


def ledger_check(ledger: dict) -> tuple[str, bool, str]:
    return (
        "every acknowledged write found whole; no refused write stored, not even in part",
        ledger["ok"],
        f"{ledger['acknowledged_found']} acknowledged writes found",
    )


def processes_alive(processes, name: str) -> bool:
    return any(n == name and p.poll() is None for n, p in processes.children)
