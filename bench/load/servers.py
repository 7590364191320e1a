"""App servers, the balancer and locust as child processes of a load or drill run; stopped however the run ends."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Processes:
    """Every child started through it is stopped (TERM, then KILL) by stop_all(), in reverse order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        output = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.children.append((name, process))
        return process

    def stop(self, process: subprocess.Popen, timeout: float = 15) -> None:
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def stop_all(self) -> None:
        for _name, process in reversed(self.children):
            try:
                self.stop(process)
            except Exception as exc:  # keep stopping the others
                log(f"could not stop a child process: {exc}")


def start_app_server(
    processes: Processes,
    name: str,
    *,
    port: int,
    database_url: str,
    media_root: Path,
    workers: int,
    extra_env: dict | None = None,
) -> subprocess.Popen:
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        **(extra_env or {}),
    }
    return processes.start(
        name,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sendportal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            # Longer than the statement timeout, so a slow query is cancelled (a clean 503) before the worker
            # is killed; exports stream for many seconds.
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--access-logfile",
            str(processes.folder / f"{name}.access.log"),
        ],
        env,
    )


def get(url: str, timeout: float = 5.0) -> tuple[int | None, dict, str]:
    """(status, headers, body) of a plain GET; status None when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own local servers
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace")
    except OSError:
        return None, {}, ""


def wait_healthy(base_url: str, timeout: float = 90) -> float:
    """Seconds until /healthz answered 200; raises when it does not within `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        status, _, body = get(f"{base_url}/healthz", timeout=3)
        if status == 200 and json.loads(body).get("database") == "ok":
            return time.monotonic() - started
        time.sleep(0.25)
    raise RuntimeError(f"{base_url}/healthz did not answer 200 within {timeout:.0f} s")


def access_log_lines(folder: Path, name: str) -> int:
    path = folder / f"{name}.access.log"
    return sum(1 for _ in path.open(encoding="utf-8", errors="replace")) if path.exists() else 0


def run_locust(
    processes: Processes, *, plan: dict, host: str, users: int, spawn_rate: float, run_time: int, name="locust"
) -> subprocess.Popen:
    plan_path = processes.folder / f"{name}-plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    return processes.start(
        name,
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "load" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{run_time}s",
            "--host",
            host,
            "--only-summary",
            "--stop-timeout",
            "30",
            "--loglevel",
            "WARNING",
        ],
        {"LOADTEST_PLAN": str(plan_path)},
    )
