"""Settings shared by every environment.

Environment-specific modules (local, test, production) differ only in values, mostly read from the
environment. See README "Configuration".
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "sendportal.apps.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "auditlog",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "bootstrap",
    "sendportal",
    "cases",
    "referrals",
    "dashboards",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "sendportal.middleware.NoStoreForSignedInMiddleware",
    # AxesMiddleware must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sendportal.urls"
WSGI_APPLICATION = "sendportal.wsgi.application"
ASGI_APPLICATION = "sendportal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

def tune_database(database: dict) -> dict:
    """The engine options every sendportal connection uses (the portal's, the tests' and the benchmark's)."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        # The dashboards' aggregate queries are short; PostgreSQL's JIT spent longer compiling them than running
        # them (a second compiling the provider figures at 100,000 cases). Random reads cost little more than
        # sequential ones on the SSDs a database runs on now (PostgreSQL's default of 4 assumes spinning disks):
        # at 4 it counted a surname search by reading all 100,000 names (40-70 ms) rather than from the name
        # indexes (under 10 ms).
        database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off -c random_page_cost=1.1")
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Persistent connections do not help SQLite; WAL and a busy timeout let concurrent writers queue.
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {}).update(
            {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
        )
    return database


def limit_database(database: dict, *, statement_timeout_ms: int = 0, connect_timeout_s: int = 0) -> dict:
    """Bounds on how long a connection waits: for a statement to finish (PostgreSQL cancels it, and the request
    gets the 503 page with its transaction rolled back) and for the server to accept the connection. 0: no
    bound. SQLite has neither (its `timeout` is how long a writer waits for the lock)."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        if statement_timeout_ms:
            options["options"] = f"{options.get('options', '')} -c statement_timeout={statement_timeout_ms}".strip()
        if connect_timeout_s:
            options["connect_timeout"] = connect_timeout_s
    return database


DATABASES = {
    "default": tune_database(
        dj_database_url.config(
            env="DATABASE_URL",
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    )
}

# While the database cannot answer, pages are 503 with this Retry-After (seconds), and so is /healthz.
SERVICE_UNAVAILABLE_RETRY_AFTER = int(os.environ.get("SERVICE_UNAVAILABLE_RETRY_AFTER", "30"))

# Shared by every app server: a table in the one database (created by a migration).
CACHES = {
    "default": {"BACKEND": "sendportal.cache.UpsertDatabaseCache", "LOCATION": "sendportal_cache"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes must come first so that it can refuse locked-out sign-ins.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, reading a user's permissions in one query.
    "sendportal.auth_backends.OneQueryModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Cyber Essentials: at least 12 characters; no composition rules (NCSC, ASVS V6.2.5).
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# An English service: London time, British English.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django's widget templates, with the select box written out in Python (the filter forms' long lists).
FORM_RENDERER = "sendportal.form_renderer.FormRenderer"

# Sessions: 30-minute idle timeout, ended when the browser closes (shared council PCs).
SESSION_ENGINE = "sendportal.sessions"  # database sessions, saved with one UPDATE
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Headers.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# django-axes: lock an account (per username and address) after 5 failed sign-ins for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# django-auditlog: who changed what, and who viewed which case (ACCESS entries).
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sendportal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The council named on mediation certificates.
LOCAL_AUTHORITY_NAME = os.environ.get("LOCAL_AUTHORITY_NAME", "Example Borough Council")

# Base address used in links inside emails sent by management commands (no request to build from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Deadline reminders: clocks due within this many working days are listed (issue: reminders).
REMINDER_WORKING_DAYS = int(os.environ.get("REMINDER_WORKING_DAYS", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Request URLs never carry names or other personal data, but keep noise down.
        "django.server": {"level": "WARNING"},
        # WeasyPrint narrates every rendering step at INFO, and its refusals name the refused address.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
