"""How the drills look at the portal: a signed-in member of staff (Probe), one look at a page or /healthz
(observe), and a count straight from the database (count)."""

from __future__ import annotations

import time

import psycopg
import requests

from bench.load.__main__ import PASSWORD

UNAVAILABLE_HEADING = "Sorry, the service is unavailable"


class Probe:
    """A signed-in member of staff looking at the portal through one address (requests, cookies kept)."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.headers["Connection"] = "close"
        self.session.get(f"{base}/sign-in/", timeout=30)
        answer = self.post("/sign-in/", {"username": username, "password": PASSWORD})
        if answer.status_code != 302:
            raise RuntimeError(f"{username} could not sign in at {base}: HTTP {answer.status_code}")

    def get(self, path: str, timeout: float = 30):
        return self.session.get(f"{self.base}{path}", timeout=timeout, allow_redirects=False)

    def post(self, path: str, data: dict, timeout: float = 30):
        data = {**data, "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        return self.session.post(f"{self.base}{path}", data=data, timeout=timeout, allow_redirects=False)


def observe(url: str, session=None) -> dict:
    """One look at a page or /healthz: status, Retry-After, and whether the body is the clean page."""
    started = time.time()
    try:
        response = (session or requests).get(url, timeout=10, allow_redirects=False)
    except requests.RequestException as exc:
        return {"at": started, "status": None, "error": type(exc).__name__}
    body = response.text
    return {
        "at": started,
        "status": response.status_code,
        "retry_after": response.headers.get("Retry-After"),
        "clean_503": response.status_code == 503 and UNAVAILABLE_HEADING in body and "Traceback" not in body,
        "health": body.strip() if url.endswith("/healthz") else None,
        "ms": (time.time() - started) * 1000,
    }


def count(url: str, sql: str, params=()) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchone()[0]
