"""Settings for the app servers `make loadtest` and `make drill` start: production's, served over plain HTTP.

Everything that matters under load is production's: argon2 sign-ins, the database sessions, cache and lockouts,
the statement and connect timeouts, persistent connections, DEBUG off. Only what needs TLS is turned off (the
load generator talks plain HTTP to 127.0.0.1), and static files are served uncollected. The runner sets
DATABASE_URL (the run's database) and MEDIA_ROOT in the environment.
"""

import os

os.environ.setdefault("SECRET_KEY", "loadtest-only-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from sendportal.settings.production import *  # noqa: E402, F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

# The run's own report counts errors; the servers log warnings and errors only (the 503s of a drill included).
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["django.request"] = {"level": "ERROR"}  # noqa: F405
