"""The one settings module. Everything that differs between machines comes from the environment."""

import hashlib
import hmac
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from oversight.lib.env import ConfigError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError("SECRET_KEY must be set when DEBUG=false")
    SECRET_KEY = "insecure-development-key-only-for-local-demo-and-tests-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "oversight.lib",
    "oversight.audit",
    "oversight.accounts",
    "oversight.registry",
    "oversight.programs",
    "oversight.notifications",
    "oversight.enrollment",
    "oversight.compliance",
    "oversight.complaints",
    "oversight.directives",
    "oversight.inspections",
    "oversight.portal",
    "oversight.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "oversight.lib.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "oversight.audit.middleware.RequestContextMiddleware",
    "oversight.accounts.middleware.RequireTwoFactorMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oversight.urls"
WSGI_APPLICATION = "oversight.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "oversight" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "oversight.accounts.context_processors.roles",
            ],
        },
    },
]

# Database: SQLite by default (WAL, IMMEDIATE transactions so writers queue instead of
# failing with "database is locked"); DATABASE_URL switches to PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))
    }
    # The hot paths' statements (oversight.lib.rows.hot_cursor, the only server-binding
    # cursors; Django's own cursors never prepare) are prepared on their fifth use on a
    # connection. DATABASE_PREPARED=false behind a pooler that cannot keep them.
    if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool(
        "DATABASE_PREPARED", True
    ):
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH") or str(BASE_DIR / "var" / "db.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock an account (per username and network) after repeated failed sign-ins.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "oversight.accounts.lockout.lockout_response"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Officials with these roles must pass TOTP two-factor when REQUIRE_2FA is true.
REQUIRE_2FA = env_bool("REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "Giám sát dạy thêm - Hải Phòng"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "oversight" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["oversight.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "oversight" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env_str("MEDIA_ROOT") or str(BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "khong-tra-loi@localhost"

# Where links in messages point (SMS carry absolute links).
SITE_URL = env_str("SITE_URL") or "http://127.0.0.1:8000"
# SMS: "console", "file" (appends to SMS_FILE), "memory" (tests) or a dotted class path.
SMS_SENDER = env_str("SMS_SENDER") or "console"
SMS_FILE = env_str("SMS_FILE") or str(BASE_DIR / "var" / "sms.log")
# A message-app (Zalo-style) provider class; empty keeps such messages in the outbox.
MESSAGE_APP_SENDER = env_str("MESSAGE_APP_SENDER") or ""
PHONE_CODE_TTL_MINUTES = env_int("PHONE_CODE_TTL_MINUTES", 5)
PHONE_CODE_WINDOW_MINUTES = env_int("PHONE_CODE_WINDOW_MINUTES", 15)
PHONE_CODE_PER_PHONE = env_int("PHONE_CODE_PER_PHONE", 3)
PHONE_CODE_PER_ORIGIN = env_int("PHONE_CODE_PER_ORIGIN", 10)
PHONE_CODE_MAX_ATTEMPTS = env_int("PHONE_CODE_MAX_ATTEMPTS", 5)
# The key of the consent ledger's hash chain. Keep it outside the database (and its backups):
# whoever holds both could rewrite history. Defaults to one derived from SECRET_KEY.
LEDGER_KEY = (
    env_str("LEDGER_KEY")
    or hmac.new(SECRET_KEY.encode(), b"consent-ledger", hashlib.sha256).hexdigest()
)
# Days a family has to confirm again after a published programme's facts change.
CONSENT_RECONFIRM_DAYS = env_int("CONSENT_RECONFIRM_DAYS", 14)

# Complaints: deadlines in working days (weekends and Vietnamese public holidays skipped) for
# each state, reminders that many working days before, and the public form's limits.
COMPLAINT_DAYS_TO_ACCEPT = env_int("COMPLAINT_DAYS_TO_ACCEPT", 3)
COMPLAINT_DAYS_TO_START_VERIFYING = env_int("COMPLAINT_DAYS_TO_START_VERIFYING", 5)
COMPLAINT_DAYS_TO_CONCLUDE = env_int("COMPLAINT_DAYS_TO_CONCLUDE", 30)
COMPLAINT_DAYS_TO_CLOSE = env_int("COMPLAINT_DAYS_TO_CLOSE", 5)
COMPLAINT_REMIND_DAYS_BEFORE = env_int("COMPLAINT_REMIND_DAYS_BEFORE", 1)
# Generous: a school's parents may share one network.
COMPLAINT_PER_ORIGIN = env_int("COMPLAINT_PER_ORIGIN", 20)
COMPLAINT_WINDOW_MINUTES = env_int("COMPLAINT_WINDOW_MINUTES", 60)
COMPLAINT_ATTACHMENT_MAX_BYTES = env_int("COMPLAINT_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
COMPLAINT_MAX_ATTACHMENTS = env_int("COMPLAINT_MAX_ATTACHMENTS", 5)
# Compliance: a re-judgement after a change waits this long in the task queue, so a burst of
# changes to one programme (families registering at a deadline) settles into one run.
COMPLIANCE_SETTLE_SECONDS = env_int("COMPLIANCE_SETTLE_SECONDS", 3)
# Hotspots: the recent window against the place's own baseline and the city's average.
HOTSPOT_WINDOW_DAYS = env_int("HOTSPOT_WINDOW_DAYS", 30)
HOTSPOT_BASELINE_DAYS = env_int("HOTSPOT_BASELINE_DAYS", 180)
HOTSPOT_WATCH_WEIGHT = env_int("HOTSPOT_WATCH_WEIGHT", 4)
# However heavy, one or two complaints are not yet a hotspot.
HOTSPOT_MIN_COMPLAINTS = env_int("HOTSPOT_MIN_COMPLAINTS", 3)
HOTSPOT_ACTIVE_WEIGHT = env_int("HOTSPOT_ACTIVE_WEIGHT", 8)
HOTSPOT_BASELINE_RATIO = env_int("HOTSPOT_BASELINE_RATIO", 3)
HOTSPOT_CITY_RATIO = env_int("HOTSPOT_CITY_RATIO", 3)
HOTSPOT_PRESS_WEIGHT = env_int("HOTSPOT_PRESS_WEIGHT", 3)

# Security: strict when DEBUG is off (manage.py check --deploy is clean).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The city whose units seed_demo and load_units work on (a second city is its own root unit).
API_PAGE_SIZE_MAX = 500
