"""Settings for the deputy-work portal, read from the environment only.

Every value comes from an environment variable (or ``NAME_FILE``, a file that
holds it, for secrets). The helpers below are strict: ``DEBUG=maybe`` stops the
process instead of quietly meaning False. Unset ``DATABASE_URL`` means an SQLite
file in the project; unset ``REDIS_URL`` means tasks run in-process.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = env(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("PORTAL_TESTING", "pytest" in sys.modules)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"
    else:
        # Production secrets have no default: fail loudly rather than sign
        # sessions with a key that is published in the repository.
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

# Personal data (mobile and ID numbers, addresses) is encrypted at rest with keys derived from
# this secret, and looked up through a keyed hash of it (core/crypto.py). Older secrets, still
# able to decrypt, go in PERSONAL_DATA_OLD_KEYS until `manage.py rotate_personal_data_key` ran.
PERSONAL_DATA_KEY = env("PERSONAL_DATA_KEY")
if not PERSONAL_DATA_KEY:
    if DEBUG or TESTING:
        PERSONAL_DATA_KEY = "insecure-personal-data-key-only-for-debug-and-tests"
    else:
        raise ImproperlyConfigured("PERSONAL_DATA_KEY must be set when DEBUG is off")
PERSONAL_DATA_OLD_KEYS = env_list("PERSONAL_DATA_OLD_KEYS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "import_export",
    "django_celery_beat",
    "csp",
    "pgtrigger",
    "core",
    "accounts",
    "dataio",
    "notifications",
    "deputies",
    "activities",
    "proposals",
    "liaison",
    "livelihood",
    "training",
    "publicity",
    "archive",
    "portal",
    "overview",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside the session middleware: a lost database answers 503 wherever it was noticed.
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.CurrentRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "notifications.middleware.DeferredDeliveryMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.PrivatePagesNoStoreMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.inbox",
                "portal.context_processors.navigation",
            ],
        },
    },
]
# Forms look in templates/ first: templates/django/forms/p.html adds the announced error summary.
FORM_RENDERER = "core.forms.FormRenderer"

# --- Database -------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    # Health checks: a kept connection the server dropped (a restart, a cut) is replaced before
    # the next request uses it, instead of failing that request.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # A file (not :memory:) so that a worker process in the tests can open it;
            # one per test process, so that parallel runs do not share it.
            "TEST": {"NAME": BASE_DIR / f"test-db-{os.getpid()}.sqlite3"},
            # IMMEDIATE: a writer takes the lock when its transaction starts, so two
            # concurrent writers queue instead of failing with "database is locked".
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ----------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # A Redis outage degrades to "no cache" (sessions from the database) instead of errors.
    CACHES = {"default": {"BACKEND": "core.cache.FailSafeRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A stopped or hung broker must not hold a save for seconds: the enqueue gives up quickly
# (and is logged), and the delivery scan sends what was not queued.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1, "max_retries": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_ACKS_LATE = True
# A worker process that dies mid-task gives its message back to the queue (with acks_late).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A delivery claimed by a worker that died before sending is taken up again by the delivery
# scan after this many seconds (notifications/tasks.py).
NOTIFICATIONS_DELIVERY_LEASE_SECONDS = env_int("NOTIFICATIONS_DELIVERY_LEASE_SECONDS", 600)
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# How often the periodic reminder scans run (seconds), in beat and in `run_scans --loop`.
SCAN_INTERVAL_SECONDS = env_int("SCAN_INTERVAL_SECONDS", 300)

# --- Auth, allauth, MFA -----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# One backend for every password login (accounts.backends): e-mail or mobile number, and one
# password hash per attempt whether the account exists or not.
AUTHENTICATION_BACKENDS = ["accounts.backends.LoginBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:after_login"
LOGOUT_REDIRECT_URL = "portal:home"

# Log in with e-mail or mobile number: allauth's "username" login method is
# pointed at the mobile field, so one box takes either.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "mobile"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Messages say "logged in as 王新", never the mobile number.
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    # Failed logins are limited by the lockout below, counted in the database. allauth's
    # cache-based limit is off unless LOGIN_RATE_LIMIT sets one (allauth syntax).
    "login_failed": env("LOGIN_RATE_LIMIT") or None,
}
# Lockout (accounts.lockout): this many failed logins or second-factor codes within the window
# (seconds) lock the account, or the address, until enough of them have left the window.
LOGIN_LOCKOUT_ACCOUNT_FAILURES = env_int("LOGIN_LOCKOUT_ACCOUNT_FAILURES", 5)
LOGIN_LOCKOUT_IP_FAILURES = env_int("LOGIN_LOCKOUT_IP_FAILURES", 20)
LOGIN_LOCKOUT_WINDOW = env_int("LOGIN_LOCKOUT_WINDOW", 15 * 60)
# The security log keeps every entry this many days (never fewer than 180); the daily purge
# deletes only older ones, through a path that is itself logged.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Nobody signs up here: the office enters each person's e-mail and invites them. allauth's rule
# against adding a second factor with an unverified address (it guards open sign-ups) would
# otherwise lock out everyone who once opened the e-mail page, which records the address as
# unverified (e-mail verification is off).
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "人大代表工作平台")
MFA_FORMS = {"authenticate": "accounts.forms.MFAAuthenticateForm"}
REQUIRE_STAFF_MFA = env_bool("REQUIRE_STAFF_MFA", not DEBUG)
PASSWORD_RESET_TIMEOUT = env_int("INVITATION_VALID_SECONDS", 7 * 24 * 3600)

# --- Sessions -----------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Idle limits (seconds of no request) and an absolute lifetime since login.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 3600)
STAFF_SESSION_IDLE_TIMEOUT = env_int("STAFF_SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME", 12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME

# --- Security headers --------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies stand in front of the site, each appending to X-Forwarded-For: the
# client's address is the entry that many places from the end. 0: use the connection's address.
# The login rate limits (allauth) and the security log both use it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# No inline script anywhere: every script is a file served by the project.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # allauth's TOTP page shows its QR code as a data: image.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded import files wait here between preview and confirmation. They hold personal
# data, so they are kept out of MEDIA_ROOT (which a web server may serve).
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", str(BASE_DIR / "private")))

WHITENOISE_USE_FINDERS = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "import_export": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT / "imports"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The attendance page posts two fields per deputy for a few hundred deputies at once.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
# An export with personal data of more rows needs another person's approval (dataio/exporting.py),
# which can be used once within EXPORT_APPROVAL_HOURS.
EXPORT_PERSONAL_MAX_ROWS = env_int("EXPORT_PERSONAL_MAX_ROWS", 500)
EXPORT_APPROVAL_HOURS = env_int("EXPORT_APPROVAL_HOURS", 24)

# --- E-mail and SMS ------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH")  # for the file-based backend
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "代表工作平台 <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# With DEBUG off an unset SMS_BACKEND refuses to send (and check --deploy warns); the
# console is used there only when chosen. Gateways: notifications/sms_gateways.py.
SMS_BACKEND = env("SMS_BACKEND") or (
    "notifications.sms.ConsoleSmsBackend" if DEBUG or TESTING else "notifications.sms.UnconfiguredSmsBackend"
)
SMS_ACCESS_KEY_ID = env("SMS_ACCESS_KEY_ID", "")
SMS_ACCESS_KEY_SECRET = env("SMS_ACCESS_KEY_SECRET", "")
SMS_SIGN_NAME = env("SMS_SIGN_NAME", "")
SMS_TEMPLATE_ID = env("SMS_TEMPLATE_ID", "")  # the generic notice template, one variable
SMS_TEMPLATES = {  # a kind's own template: "kind=id,kind=id"
    kind.strip(): template.strip() for kind, sep, template in (i.partition("=") for i in env_list("SMS_TEMPLATES"))
}
SMS_TEMPLATE_PARAM_MAX = env_int("SMS_TEMPLATE_PARAM_MAX", 35)
SMS_REGION = env("SMS_REGION", "")
SMS_TENCENT_APP_ID = env("SMS_TENCENT_APP_ID", "")
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 5)  # seconds, to connect and to read

# --- import-export -------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False  # our formats quote formulae as text instead of stripping them
# The file formats (Excel-safe XLSX and CSV) are set on the admin classes:
# see portal/formats.py.

# --- Suggestions: deadlines (configurable; defaults from the Deputies Law and local practice) ---
PROPOSALS_REPLY_MONTHS = env_int("PROPOSALS_REPLY_MONTHS", 3)
PROPOSALS_BROAD_REPLY_MONTHS = env_int("PROPOSALS_BROAD_REPLY_MONTHS", 6)
PROPOSALS_REASSIGN_WORKDAYS = env_int("PROPOSALS_REASSIGN_WORKDAYS", 7)
PROPOSALS_REHANDLE_MONTHS = env_int("PROPOSALS_REHANDLE_MONTHS", 1)
PROPOSALS_RATING_REMINDER_DAYS = env_int("PROPOSALS_RATING_REMINDER_DAYS", 7)
# Handling (issue 9): the official reply, assisting units, warnings and escalation.
PROPOSALS_REPLY_MIN_CHARS = env_int("PROPOSALS_REPLY_MIN_CHARS", 30)
PROPOSALS_REPLY_NEEDS_CONTACT = env_bool("PROPOSALS_REPLY_NEEDS_CONTACT", True)
PROPOSALS_ASSIST_VIEW_MONTHS = env_int("PROPOSALS_ASSIST_VIEW_MONTHS", 1)
PROPOSALS_DEADLINE_WARN_WORKDAYS = env_int("PROPOSALS_DEADLINE_WARN_WORKDAYS", 10)
PROPOSALS_CHAIRPERSONS_OVERDUE_DAYS = env_int("PROPOSALS_CHAIRPERSONS_OVERDUE_DAYS", 30)
PROPOSALS_RECESS_ASSIGN_WORKDAYS = env_int("PROPOSALS_RECESS_ASSIGN_WORKDAYS", 5)
# Joint units (会办) co-sign the lead unit's reply within this many working days; reminded after.
PROPOSALS_COSIGN_WORKDAYS = env_int("PROPOSALS_COSIGN_WORKDAYS", 5)
PROPOSALS_PUBLIC_STATS_CACHE_SECONDS = env_int("PROPOSALS_PUBLIC_STATS_CACHE_SECONDS", 600)
# Whole anonymous public pages are cached this long (proposals/cache.py; any change to a public
# item empties them at once); the list's filter choices this long. 0: off (the tests' default,
# since their builders write rows without the services).
PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS = env_int("PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS", 0 if TESTING else 300)
PROPOSALS_PUBLIC_CHOICES_CACHE_SECONDS = env_int("PROPOSALS_PUBLIC_CHOICES_CACHE_SECONDS", 0 if TESTING else 60)

# Every form the public may post (core/public_forms.py): the least seconds between drawing and
# sending it, posts per address per window (PUBLIC_FORM_RATE_LIMITS = {scope: (n, seconds)} per
# form), and the words that hold a post for review (a form's own setting wins).
PUBLIC_FORM_MIN_FILL_SECONDS = env_int("PUBLIC_FORM_MIN_FILL_SECONDS", 2)
PUBLIC_FORM_RATE_COUNT = env_int("PUBLIC_FORM_RATE_COUNT", 5)
PUBLIC_FORM_RATE_SECONDS = env_int("PUBLIC_FORM_RATE_SECONDS", 3600)
if env("PUBLIC_FORM_SENSITIVE_WORDS"):
    PUBLIC_FORM_SENSITIVE_WORDS = env_list("PUBLIC_FORM_SENSITIVE_WORDS")
# Liaison stations: the public opinion form (liaison/services.py). Unset words: the built-in list.
if env("LIAISON_SENSITIVE_WORDS"):
    LIAISON_SENSITIVE_WORDS = env_list("LIAISON_SENSITIVE_WORDS")
LIAISON_OPINION_ANSWER_WORKDAYS = env_int("LIAISON_OPINION_ANSWER_WORKDAYS", 5)
LIAISON_OPINION_RATE_COUNT = env_int("LIAISON_OPINION_RATE_COUNT", 5)
LIAISON_OPINION_RATE_SECONDS = env_int("LIAISON_OPINION_RATE_SECONDS", 3600)
# An SC member's assigned deputy with no contact for this many months shows on their page and
# brings a reminder.
LIAISON_CONTACT_MONTHS = env_int("LIAISON_CONTACT_MONTHS", 6)
PROPOSALS_ATTACHMENT_MAX_BYTES = env_int("PROPOSALS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Any uploaded Word file: at most this many members and this much data once unpacked.
UPLOAD_MAX_MEMBERS = env_int("UPLOAD_MAX_MEMBERS", 2000)
UPLOAD_MAX_UNPACKED_BYTES = env_int("UPLOAD_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
# Uploaded images are re-encoded; larger ones (pixels over all frames) or longer animations are refused.
UPLOAD_MAX_IMAGE_PIXELS = env_int("UPLOAD_MAX_IMAGE_PIXELS", 40_000_000)
UPLOAD_MAX_IMAGE_FRAMES = env_int("UPLOAD_MAX_IMAGE_FRAMES", 100)
# Every accepted upload is scanned by clamd when a socket or host is set; unreachable: refused.
CLAMD_SOCKET = env("CLAMD_SOCKET", "")
CLAMD_HOST = env("CLAMD_HOST", "")
CLAMD_PORT = env_int("CLAMD_PORT", 3310)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 5)

# --- Logging ---------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secret_paths": {"()": "core.logging.RedactSecretPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # SQL parameters and request URLs carry personal data (an SMS gateway's URL holds the
        # number): never at DEBUG, whatever LOG_LEVEL says.
        "django.db.backends": {"level": "INFO"},
        # These name the path of a refused request: invitation and reset tokens are cut from it.
        "django.request": {"filters": ["redact_secret_paths"]},
        "django.security.csrf": {"filters": ["redact_secret_paths"]},
        "django.server": {"filters": ["redact_secret_paths"]},
        "urllib3": {"level": "INFO"},
        # In-process tasks (no REDIS_URL) would log a line per task into the web server's
        # console; a real worker keeps logging each task it runs.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}

ADMIN_SITE_HEADER = _("Deputy-work portal · Admin")
INVITATION_VALIDITY = timedelta(seconds=PASSWORD_RESET_TIMEOUT)
