"""Start and stop the test OpenID Connect provider (a separate Django project: see settings.py here).

provider = IdentityProvider(tmp_dir)
provider.start(redirect_uris=[...], post_logout_uris=[...])
provider.set_user("olivia", groups=["sendportal-officers"])
...
provider.stop()
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests
import time_machine

BASE_DIR = Path(__file__).resolve().parents[3]
SETTINGS = "accounts.tests.idp.settings"
PASSWORD = "council-password-2026"
CLIENT_ID = "sendportal-test"
CLIENT_SECRET = "sendportal-test-secret-0123456789"
START_SECONDS = 60


class IdentityProvider:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "IDP_DATABASE": str(self.directory / "idp.sqlite3"),
            "PYTHONPATH": str(BASE_DIR),
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        # The suite may run as if it were another day (SENDPORTAL_TEST_TODAY): the provider keeps the same clock,
        # or the portal would find its ID tokens long expired (or not yet issued).
        real_now = time_machine.escape_hatch.time.time() if time_machine.escape_hatch.is_travelling() else time.time()
        self.env["IDP_CLOCK_OFFSET"] = str(time.time() - real_now)
        self.process: subprocess.Popen | None = None
        self.url = ""

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "django", *args], env=self.env, cwd=BASE_DIR, check=True, capture_output=True
        )

    def start(self, *, redirect_uris: list[str], post_logout_uris: list[str]) -> None:
        args = ["idp_setup"]
        for uri in redirect_uris:
            args += ["--redirect-uri", uri]
        for uri in post_logout_uris:
            args += ["--post-logout-uri", uri]
        self.manage(*args)
        log = self.directory / "gunicorn.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "accounts.tests.idp.wsgi:application",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                "1",
                "--threads",
                "4",
                "--timeout",
                "60",
                "--error-logfile",
                str(log),
                "--log-level",
                "info",
            ],
            env=self.env,
            cwd=BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The test identity provider stopped: {log.read_text() if log.exists() else ''}")
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text() if log.exists() else "")
            if found:
                self.url = found.group(1)
                try:
                    if requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=2).ok:
                        return
                except (requests.ConnectionError, requests.Timeout):
                    # Gunicorn listens before its worker has loaded the app; on a busy machine (the suite runs on
                    # several processes) the first answer can take longer than one try waits: ask again.
                    pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("The test identity provider did not start in time")

    def set_user(
        self,
        username: str,
        *,
        groups: list[str],
        first_name: str = "Council",
        last_name: str = "Person",
        email: str | None = None,
        password: str = PASSWORD,
    ) -> None:
        email = email or f"{username}@council.example.gov.uk"
        self.manage(
            "idp_setup", "--user", ":".join([username, password, first_name, last_name, email, ",".join(groups)])
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
