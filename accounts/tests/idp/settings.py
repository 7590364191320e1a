"""A small, real OpenID Connect provider (django-oidc-provider) for the single sign-on tests.

Never part of the portal: it runs as its own Django project in a subprocess started by the test suite
(accounts/tests/idp/server.py), with its own SQLite file, on a free port of 127.0.0.1. Like Microsoft Entra ID it
puts the user's groups in the ID token only; the userinfo endpoint gives name and email.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Run on the test suite's clock (it may be pretending to be another day: SENDPORTAL_TEST_TODAY).
if abs(_offset := float(os.environ.get("IDP_CLOCK_OFFSET", "0"))) > 1:
    import time

    import time_machine

    time_machine.travel(time.time() + _offset, tick=True).start()

SECRET_KEY = "test-identity-provider-not-secret-0123456789abcdefghijklmnop"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oidc_provider",
    "accounts.tests.idp",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "accounts.tests.idp.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("IDP_DATABASE", str(HERE / "idp.sqlite3")),
        "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/login/"
# The portal and the provider share the host 127.0.0.1/localhost in tests: cookies do not care about ports.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"

OIDC_USERINFO = "accounts.tests.idp.claims.userinfo"
OIDC_IDTOKEN_PROCESSING_HOOK = "accounts.tests.idp.claims.add_groups"
OIDC_IDTOKEN_INCLUDE_CLAIMS = False
OIDC_SKIP_CONSENT_EXPIRE = 0
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
