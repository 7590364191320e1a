"""Settings for app servers a test starts as separate processes (gunicorn) against the test database.

The test settings (fast hashing, fixed secret) with what several servers share in production: the database
sessions, lockouts and export log, and the management figures kept for 5 minutes. The test
passes its database in TEST_SERVER_DATABASE_URL.
"""

import os

import dj_database_url

from sendportal.settings.test import *  # noqa: F403

DATABASES = {
    "default": tune_database(  # noqa: F405
        dj_database_url.parse(os.environ["TEST_SERVER_DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
    )
}
DASHBOARD_FIGURES_SECONDS = 300
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
