"""Django settings, read from the environment (twelve-factor style).

Everything an operator sets is an environment variable: ``DATABASE_URL``, ``SECRET_KEY``,
``ALLOWED_HOSTS``, ``DEBUG``, ``EMAIL_URL``, ``CACHE_URL``, ``CYBERCOMMONS_DATA_DIR``,
``CYBERCOMMONS_HTTPS`` and a few limits. A malformed value stops the program at start with
one line that says what is wrong (see :mod:`cybercommons.core.lib.env`).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from cybercommons.core.lib.env import (
    SettingError,
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent

# The data folder holds the SQLite database, the generated secret key of a demo and
# uploaded media. It defaults to ./var so that a first run needs no configuration.
DATA_DIR = Path(env_str("CYBERCOMMONS_DATA_DIR", "var")).expanduser().resolve()

DEBUG = env_bool("DEBUG", False)

# Where the secret key came from decides whether `cybercommons serve` may start: a
# production server needs one from the environment, never a generated one.
_key_file = DATA_DIR / "secret_key"
SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY:
    SECRET_KEY_SOURCE = "environment"
elif _key_file.is_file():
    SECRET_KEY = _key_file.read_text(encoding="utf-8").strip()
    SECRET_KEY_SOURCE = "file"
else:
    SECRET_KEY = "ephemeral-" + secrets.token_urlsafe(48)
    SECRET_KEY_SOURCE = "ephemeral"

# Key for secrets the platform must store to act for its users (a TAXII subscription's
# remote password). Empty: derived from SECRET_KEY. Set it so SECRET_KEY can rotate alone.
CYBERCOMMONS_ENCRYPTION_KEY = env_str("CYBERCOMMONS_ENCRYPTION_KEY", "")

# The public address of the site, for absolute links in e-mails sent outside a request.
CYBERCOMMONS_SITE_URL = env_str("CYBERCOMMONS_SITE_URL", "http://127.0.0.1:8000")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "cybercommons.core",
    "cybercommons.infrastructure",
    "cybercommons.economy",
    "cybercommons.exchange",
    "cybercommons.security",
    "cybercommons.governance",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under WhiteNoise, which serves its own precompressed files; above everything that
    # writes the body, so that what it compresses is the final answer.
    "cybercommons.core.middleware.CompressTextMiddleware",
    "cybercommons.core.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cybercommons.urls"
WSGI_APPLICATION = "cybercommons.wsgi.application"
ASGI_APPLICATION = "cybercommons.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cybercommons.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_default_db_url = "sqlite:///" + str(DATA_DIR / "cybercommons.sqlite3")
_db_url = env_str("DATABASE_URL", _default_db_url)
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, 0))
except (ValueError, KeyError) as error:
    raise SettingError(f"DATABASE_URL={_db_url!r} is not a database URL: {error}") from None
if not _db.get("ENGINE"):
    raise SettingError(f"DATABASE_URL={_db_url!r} names no known database engine")
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE transactions take the write
    # lock at BEGIN so that two writers queue instead of failing with "database is locked".
    # Connections persist like PostgreSQL's (DATABASE_CONN_MAX_AGE): opening one runs the
    # pragmas below and reads the whole schema, about 2 ms of CPU, more than most pages
    # cost to render. A web thread keeps one connection; SQLite has none to lose.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
    _db.setdefault("TEST", {})["NAME"] = ""  # in-memory test database
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
# A thread per process copies SQLite's log back into the database file, so that commits
# do not wait for it (core/sqlite_checkpoints.py); milliseconds between looks at the log.
SQLITE_BACKGROUND_CHECKPOINTS = env_bool("SQLITE_BACKGROUND_CHECKPOINTS", True)
SQLITE_CHECKPOINT_INTERVAL_MS = env_int("SQLITE_CHECKPOINT_INTERVAL_MS", 200, 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (lock-outs and rate limits share it across processes when it is Redis) -------
_cache_url = env_str("CACHE_URL", "locmem://")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
elif _cache_url.startswith("locmem:"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise SettingError(f"CACHE_URL={_cache_url!r} is not understood (use locmem:// or redis://)")

# --- Accounts and sessions ---------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12, 300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "cybercommons.core.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Behind TLS (directly or through a reverse proxy), cookies are marked secure and browsers
# are told to use HTTPS only. Off by default so that the local demo works on plain HTTP.
HTTPS = env_bool("CYBERCOMMONS_HTTPS", False)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("CYBERCOMMONS_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CYBERCOMMONS_HSTS_SECONDS", 60 * 60 * 24 * 365, 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CYBERCOMMONS_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("CYBERCOMMONS_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Lock-out after repeated failed log-ins (django-axes): per account and address pair, so one
# attacker cannot lock every user out from one address, nor hide behind many addresses.
AXES_FAILURE_LIMIT = env_int("CYBERCOMMONS_LOGIN_FAILURE_LIMIT", 5, 1)
AXES_COOLOFF_TIME = env_int("CYBERCOMMONS_LOGIN_COOLOFF_MINUTES", 15, 1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/pages/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = env_str("CYBERCOMMONS_SITE_NAME", "Cybercommons")

# --- Internationalisation: the six UN languages --------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "cybercommons_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("CYBERCOMMONS_MEDIA_DIR", str(DATA_DIR / "media"))).resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
# Serve from the installed packages' folders when collectstatic has not been run, so the
# demo works without a build step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Limits ---------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("CYBERCOMMONS_MAX_BODY_BYTES", 10 * 1024 * 1024, 1024)
# Threat-intelligence imports (security): the largest document fetched or uploaded, and how
# long a fetch may take.
CYBERCOMMONS_IMPORT_MAX_BYTES = env_int("CYBERCOMMONS_IMPORT_MAX_BYTES", 20 * 1024 * 1024, 1024)
CYBERCOMMONS_IMPORT_TIMEOUT = env_int("CYBERCOMMONS_IMPORT_TIMEOUT", 30, 1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# Protocol endpoints that enforce their own, configurable body limit (a TAXII API root's
# max_content_length) and must answer 413 in their own error format.
BODY_LIMIT_EXEMPT_PREFIXES = ("/taxii2/",)
API_MAX_PAGE_SIZE = env_int("CYBERCOMMONS_API_MAX_PAGE_SIZE", 500, 1)
API_DEFAULT_PAGE_SIZE = 50

# --- Background work (the Django tasks API, database queue) ----------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("CYBERCOMMONS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- E-mail ---------------------------------------------------------------------------
globals().update(email_settings(env_str("EMAIL_URL", "console:")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", globals().get("DEFAULT_FROM_EMAIL", "")) or (
    "Cybercommons <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging: to standard error, one line per record ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
