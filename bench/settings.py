"""Settings for `make bench`: the test settings' shortcuts against a real file database the benchmark creates.

`python -m bench` sets BENCH_DATABASE (the database it made: an SQLite file in a temporary folder, or the
dedicated PostgreSQL database `sendportal_bench`) and BENCH_MEDIA_ROOT before Django starts. Nothing here is
used by the portal itself.
"""

import os

import dj_database_url

from sendportal.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405

_url = os.environ.get("BENCH_DATABASE")
if not _url:
    raise RuntimeError("bench.settings is only for `python -m bench`, which sets BENCH_DATABASE.")

# As in production: persistent connections on PostgreSQL (the test client keeps one open anyway), and the
# portal's own engine options (JIT off on PostgreSQL; WAL and a busy timeout on SQLite).
DATABASES = {
    "default": tune_database(  # noqa: F405
        dj_database_url.parse(_url, conn_max_age=60, conn_health_checks=True)
    )
}

# Requests answered 403/404 on purpose (pages not built yet, roles without access) are not news.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "ERROR"}, "django.security": {"level": "ERROR"}},
}
