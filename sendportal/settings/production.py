"""Production settings: every secret and host comes from the environment.

Refuses to start without SECRET_KEY. `manage.py check --deploy` must report nothing.
"""

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment for production.")

DEBUG = False
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# One slow query cannot hold a web worker (and its connection) for ever: PostgreSQL cancels a statement after
# DATABASE_STATEMENT_TIMEOUT seconds (default 15, well inside gunicorn's 30-second worker timeout) and the
# request gets the 503 page with its transaction rolled back. Management commands (migrate, recompute_deadlines,
# the retention purge, the seed) run long statements on purpose: they get DATABASE_COMMAND_STATEMENT_TIMEOUT
# (default 0, no limit). A connection attempt gives up after DATABASE_CONNECT_TIMEOUT seconds (default 5), so
# while the database is unreachable pages answer 503 quickly instead of hanging.
RUNNING_MANAGEMENT_COMMAND = Path(sys.argv[0]).name in {"manage.py", "django-admin"}
STATEMENT_TIMEOUT_SECONDS = float(
    os.environ.get("DATABASE_COMMAND_STATEMENT_TIMEOUT", "0")
    if RUNNING_MANAGEMENT_COMMAND
    else os.environ.get("DATABASE_STATEMENT_TIMEOUT", "15")
)
limit_database(  # noqa: F405
    DATABASES["default"],  # noqa: F405
    statement_timeout_ms=round(STATEMENT_TIMEOUT_SECONDS * 1000),
    connect_timeout_s=int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")),
)

# TLS is terminated at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() != "false"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": os.environ.get("EMAIL_USE_TLS", "true").lower() == "true",
            "timeout": 30,
        },
    }
}

# Several app servers share one database; behind the load balancer the lockout must see the client's address, not
# the balancer's: django-ipware (installed for axes) reads it from X-Forwarded-For, trusting AXES_PROXY_COUNT proxies
# (and, when set, only those whose addresses start with one of AXES_PROXY_TRUSTED_IPS).
AXES_IPWARE_PROXY_COUNT = ipware_proxy_count(int(os.environ.get("AXES_PROXY_COUNT", "1")))  # noqa: F405
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_IPWARE_PROXY_TRUSTED_IPS = [p for p in os.environ.get("AXES_PROXY_TRUSTED_IPS", "").split(",") if p] or None

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405
