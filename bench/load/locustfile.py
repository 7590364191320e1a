"""The staff who use the portal at once, for locust (run by `python -m bench.load` and `python -m bench.drill`).

Each simulated user signs in through the real sign-in form as a demo user of their role, then works through the
pages that role uses, with a few seconds between requests:

- officers: the case list (plain, filtered, searched by surname), case pages, deadlines, my work, referrals,
  and now and then a note on a case (a write);
- mediators: their home page, their referrals and a referral's page, and now and then arranging a session on
  one of their referrals (a write);
- managers: the management dashboard (as it is, and for one officer), the team's deadlines, the case list and,
  within the hourly export limit, the two CSV exports;
- one administrator on the Django admin changelist for cases: the baseline every page is held to.

The runner writes a plan (JSON, path in LOADTEST_PLAN) with the users, the ids to visit and where to write
results. Every request's time is kept per page; every write goes into the ledger with the answer it got (see
bench/ledger.py). A 503 with Retry-After is the designed answer while the database is down: the drill counts
it separately (with its time) instead of as an error.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
import uuid
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text(encoding="utf-8"))
_lock = threading.Lock()
TIMINGS: dict[str, list[tuple[float, float]]] = defaultdict(list)  # (seconds into the run, ms)
FAILURES: dict[str, list[str]] = defaultdict(list)
UNAVAILABLE: list[tuple[float, str]] = []  # (time, page) of each 503 with Retry-After
LEDGER: list[dict] = []
STARTED = time.time()
_usernames = {role: itertools.cycle(names) for role, names in PLAN["users"].items()}
_exports_left = defaultdict(lambda: PLAN.get("exports_per_user", 8))


def _record(name: str, ms: float, failure: str | None) -> None:
    with _lock:
        TIMINGS[name].append((round(time.time() - STARTED, 3), round(ms, 2)))
        if failure:
            FAILURES[name].append(failure[:200])


def _write(kind: str, marker: str, target: int, answer: tuple[int, str] | None) -> None:
    """Acknowledged: the redirect a successful form gives (back to the page, not to the sign-in page)."""
    if answer is None:
        status, outcome = None, "unknown"
    else:
        status, location = answer
        ok = status == 302 and not location.startswith("/sign-in/")
        outcome = "acknowledged" if ok else "refused"
    with _lock:
        LEDGER.append(
            {"kind": kind, "marker": marker, "target": target, "status": status, "outcome": outcome, "at": time.time()}
        )


@events.quitting.add_listener
def _save(environment, **kwargs):
    out = {
        "started": STARTED,
        "finished": time.time(),
        "timings": TIMINGS,
        "failures": FAILURES,
        "unavailable": UNAVAILABLE,
        "writes": LEDGER,
    }
    Path(PLAN["results_path"]).write_text(json.dumps(out), encoding="utf-8")


class PortalUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(PLAN.get("wait_min", 1.0), PLAN.get("wait_max", 4.0))

    def on_start(self):
        if PLAN.get("close_connections"):
            # Behind the round-robin balancer: every request opens a connection, so it may go to either server.
            self.client.headers["Connection"] = "close"
        self.username = next(_usernames[self.role])
        self.rng = random.Random(f"{self.username}-{id(self)}")
        self.sign_in()

    # --- Requests -----------------------------------------------------------------------------------------

    def _classify(self, response, name: str, ok_statuses=(200,)) -> str | None:
        """None when the answer is what the page should give; otherwise what was wrong (503 noted apart)."""
        status = response.status_code
        if status == 503 and response.headers.get("Retry-After"):
            with _lock:
                UNAVAILABLE.append((time.time(), name))
            return None if PLAN.get("outage_expected") else "503 Service Unavailable"
        if status not in ok_statuses:
            return f"HTTP {status}"
        if status == 200 and "text/html" in response.headers.get("Content-Type", "") and "<main" not in response.text:
            return "page without its main content"
        return None

    def get(self, path: str, name: str, ok_statuses=(200,)):
        started = time.perf_counter()
        try:
            with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
                failure = self._classify(response, name, ok_statuses)
                if failure:
                    response.failure(failure)
                else:
                    response.success()
                _record(name, (time.perf_counter() - started) * 1000, failure)
                return response
        except Exception as exc:  # connection refused or reset: an error for the report
            _record(name, (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}")
            return None

    def post(self, path: str, data: dict, name: str):
        """A form POST with the CSRF token: (status, Location), or None when no answer came back."""
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        started = time.perf_counter()
        try:
            with self.client.post(path, data=data, name=name, catch_response=True, allow_redirects=False) as r:
                failure = self._classify(r, name, ok_statuses=(302,))
                if not failure and r.headers.get("Location", "").startswith("/sign-in/"):
                    failure = "sent to the sign-in page"
                if failure:
                    r.failure(failure)
                else:
                    r.success()
                _record(name, (time.perf_counter() - started) * 1000, failure)
                return r.status_code, r.headers.get("Location", "")
        except Exception as exc:
            _record(name, (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}")
            return None

    def sign_in(self):
        self.get("/sign-in/", "sign in (form)")
        self.post("/sign-in/", {"username": self.username, "password": PLAN["password"]}, "sign in")

    def marker(self) -> str:
        return f"LT-{PLAN['run_id']}-{uuid.uuid4().hex[:12]}"


class Officer(PortalUser):
    role = "officer"
    fixed_count = PLAN["counts"]["officer"]

    @task(4)
    def case_list(self):
        self.get("/cases/", "case list")

    @task(2)
    def case_list_filtered(self):
        statuses = "".join(f"status={s}&" for s in PLAN["statuses"])
        self.get(f"/cases/?{statuses}officer=mine&sort=next_deadline", "case list, filtered")

    @task(1)
    def case_search(self):
        self.post("/cases/", {"q": self.rng.choice(PLAN["surnames"]), "keep": ""}, "case list, search (POST)")
        self.get("/cases/", "case list, search")

    @task(4)
    def case_detail(self):
        self.get(f"/cases/{self.rng.choice(PLAN['case_ids'])}/", "case detail")

    @task(2)
    def deadlines(self):
        self.get("/deadlines/", "deadlines (officer)")

    @task(2)
    def my_work(self):
        self.get("/my-work/", "my work")

    @task(1)
    def referrals(self):
        self.get("/referrals/", "referrals (officer)")

    @task(1)
    def add_note(self):
        case_id = self.rng.choice(PLAN["case_ids"])
        marker = self.marker()
        answer = self.post(
            f"/cases/{case_id}/notes/", {"text": f"Load test note {marker}", "visibility": "internal"}, "add a note"
        )
        _write("note", marker, case_id, answer)


class Mediator(PortalUser):
    role = "mediator"
    fixed_count = PLAN["counts"]["mediator"]

    @task(3)
    def home(self):
        self.get("/mediator/", "mediator home")

    @task(2)
    def referrals(self):
        self.get("/referrals/", "referrals (mediator)")

    @task(2)
    def referral_detail(self):
        mine = PLAN["mediator_referrals"].get(self.username)
        if mine:
            self.get(f"/referrals/{self.rng.choice(mine)}/", "referral detail (mediator)")

    @task(1)
    def arrange_session(self):
        mine = PLAN["mediator_referrals"].get(self.username)
        if not mine:
            return
        referral_id = self.rng.choice(mine)
        marker = self.marker()
        today = date.fromisoformat(PLAN["today"])
        starts = today + timedelta(days=self.rng.randint(10, 40))
        answer = self.post(
            f"/referrals/{referral_id}/sessions/",
            {
                "starts_at": f"{starts:%Y-%m-%d}T10:00",
                "mode": "online",
                "venue": f"Load test {marker}",
                "notice_sent_on": f"{today:%Y-%m-%d}",
                "short_notice_consent": "on",
            },
            "arrange a session",
        )
        _write("session", marker, referral_id, answer)


class Manager(PortalUser):
    role = "manager"
    fixed_count = PLAN["counts"]["manager"]

    @task(4)
    def dashboard(self):
        self.get("/dashboard/", "management dashboard")

    @task(1)
    def dashboard_for_an_officer(self):
        self.get(f"/dashboard/?officer={self.rng.choice(PLAN['officer_ids'])}", "management dashboard, one officer")

    @task(2)
    def team_deadlines(self):
        self.get("/deadlines/", "deadlines (manager, team)")

    @task(1)
    def cases(self):
        self.get("/cases/", "case list")

    @task(1)
    def export(self):
        with _lock:
            if _exports_left[self.username] <= 0:
                return
            _exports_left[self.username] -= 1
        if self.rng.random() < 0.5:
            statuses = "".join(f"status={s}&" for s in PLAN["export_statuses"])
            self.get(
                f"/exports/cases.csv?{statuses}officer={self.rng.choice(PLAN['officer_ids'])}",
                "export: cases CSV (filtered)",
            )
        else:
            self.get("/exports/sen2.csv", "export: SEN2 CSV")


class Administrator(PortalUser):
    role = "admin"
    fixed_count = PLAN["counts"]["admin"]

    @task
    def changelist(self):
        self.get("/admin/cases/case/", "admin changelist (baseline)")
