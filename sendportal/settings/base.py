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
    "django.contrib.postgres",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "bootstrap",
    "sendportal",
    "accounts",
    "cases",
    "referrals",
    "letters",
    "documents",
    "dashboards",
    "privacy",
    "guide",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sendportal.middleware.PermissionsPolicyMiddleware",
    "sendportal.middleware.ClientErrorLogMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After SessionMiddleware, so the session it touches is saved on the way out.
    "sendportal.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "sendportal.middleware.RefuseNulInQueryStringMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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

# The management dashboard's figures are worked out at most this often for each choice of period and officer and
# kept in the database for every app server (dashboards.figures). Nothing uses Django's cache: it is left at its
# default (one per process).
DASHBOARD_FIGURES_SECONDS = 300

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

AUTH_USER_MODEL = "sendportal.User"  # Django's user in its own tables: docs/decisions/user-model.md
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password reset links work once, for an hour (Django's default is three days).
PASSWORD_RESET_TIMEOUT = 60 * 60


def env_flag(name: str, default: bool = False) -> bool:
    """A yes/no setting from the environment: "true", "1" or "yes" (any case) mean yes."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"true", "1", "yes"}


def env_list(name: str) -> list[str]:
    """A comma-separated setting from the environment, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


# Two-factor sign-in for local accounts (accounts app, django-otp). Users holding the permission
# accounts.require_two_factor (the Manager role) and superusers must use a security code; this flag makes it
# required for every local account. Council accounts signing in through single sign-on are never asked: the
# council's identity provider does their multi-factor authentication.
TWO_FACTOR_REQUIRED_FOR_ALL_LOCAL_ACCOUNTS = env_flag("TWO_FACTOR_REQUIRED_FOR_ALL_LOCAL_ACCOUNTS")
OTP_TOTP_ISSUER = "sendportal"

# Single sign-on with the council's OpenID Connect identity provider (accounts.sso, mozilla-django-oidc).
# Off unless the issuer, client id and client secret are all set; the endpoints come from the issuer's
# discovery document. README "Single sign-on" says how to register the portal with Microsoft Entra ID.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your council account")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # sent back to the provider as id_token_hint when signing out
OIDC_TIMEOUT = 10  # seconds for each call to the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
# Which claim carries the user's groups or app roles, and which of its values give each portal role.
OIDC_ROLE_CLAIM = os.environ.get("OIDC_ROLE_CLAIM", "groups")
OIDC_ROLE_GROUPS = {
    "officer": env_list("OIDC_OFFICER_GROUPS"),
    "manager": env_list("OIDC_MANAGER_GROUPS"),
    "mediator": env_list("OIDC_MEDIATOR_GROUPS"),
}

# An English service: London time, British English.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Documents uploaded to a case (documents app): the largest file accepted. Larger files never reach memory: Django
# spools any upload over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) to a temporary file.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django's widget templates, with the select box written out in Python (the filter forms' long lists).
FORM_RENDERER = "sendportal.form_renderer.FormRenderer"

# Sessions: 30-minute idle timeout, ended when the browser closes (shared council PCs). Database sessions; the
# expiry is pushed on at most once a minute (sendportal.middleware.SessionIdleRefreshMiddleware), not on every
# request, so a page costs no session write.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Messages after an action ("Case SEND-2026-00042 opened") live in the server-side session, not in a cookie of
# their own: the portal sets the session and CSRF cookies only (the cookies page lists them).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

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

if OIDC_ISSUER:
    # Signing out sends the browser on to the provider's end-session endpoint straight from the sign-out form,
    # which form-action governs.
    from urllib.parse import urlsplit

    _issuer = urlsplit(OIDC_ISSUER)
    SECURE_CSP["form-action"] = [*SECURE_CSP["form-action"], f"{_issuer.scheme}://{_issuer.netloc}"]

# django-axes: lock an account (per username and address) after 5 failed sign-ins for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Wrong security codes count towards the same lockout (accounts.views); axes keeps no copy of what was typed.
AXES_SENSITIVE_PARAMETERS = ["code"]


def ipware_proxy_count(proxies: int) -> int:
    """django-ipware's proxy count for `proxies` proxies between the browser and the app (the load balancer is
    one). The first proxy puts the browser's address in X-Forwarded-For and later ones add the address they heard
    from, so ipware counts the proxies listed after the client: one fewer. It reads the client from the right-hand
    end of the header, so an address a browser forges at the left is never taken."""
    return max(proxies - 1, 0)


# Read the client from its place counted from the right even when a browser sent X-Forwarded-For itself (strict
# would then fall back to the load balancer's address, lumping every such browser together).
IPWARE_STRICT = False

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

# Retention schedule for closed cases (`manage.py apply_retention`; docs/retention.md gives the guidance these
# defaults follow; the council must confirm them against its own retention schedule). Whole years.
# Anonymise on the later of: this many years after the case was closed, and the child's RETENTION_KEEP_UNTIL_AGE
# birthday. Delete RETENTION_DELETE_AFTER_YEARS after that.
RETENTION_ANONYMISE_AFTER_YEARS = int(os.environ.get("RETENTION_ANONYMISE_AFTER_YEARS", "6"))
RETENTION_KEEP_UNTIL_AGE = int(os.environ.get("RETENTION_KEEP_UNTIL_AGE", "25"))
RETENTION_DELETE_AFTER_YEARS = int(os.environ.get("RETENTION_DELETE_AFTER_YEARS", "4"))

# Who families and staff contact about their data and about accessibility (privacy notice, accessibility statement).
DATA_PROTECTION_OFFICER_NAME = os.environ.get("DATA_PROTECTION_OFFICER_NAME", "")  # optional: a named officer
DATA_PROTECTION_OFFICER_EMAIL = os.environ.get("DATA_PROTECTION_OFFICER_EMAIL", "dpo@example.gov.uk")
DATA_PROTECTION_OFFICER_ADDRESS = os.environ.get(
    "DATA_PROTECTION_OFFICER_ADDRESS", "Example Borough Council, Town Hall, High Street, Example EX1 1AA"
)
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "digital@example.gov.uk")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"drop_client_errors": {"()": "sendportal.log_filters.DropClientErrorRecords"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Request URLs never carry names or other personal data, but keep noise down.
        "django.server": {"level": "WARNING"},
        # 403s and 404s are logged once each by sendportal.middleware.ClientErrorLogMiddleware, without a traceback.
        "django.request": {"filters": ["drop_client_errors"]},
        # WeasyPrint narrates every rendering step at INFO, and its refusals name the refused address.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
