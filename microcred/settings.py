"""The one settings module: every deployment knob comes from the environment.

Defaults are safe for the embedded demo (SQLite under ./var, console e-mail). Production is
``MICROCRED_DEBUG=0`` plus ``MICROCRED_SECRET_KEY``, ``MICROCRED_ALLOWED_HOSTS`` and usually
``DATABASE_URL``; the server refuses to start in production without a secret key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MICROCRED_DATA_DIR", BASE_DIR.parent / "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("MICROCRED_DEBUG", True)


def _secret_key() -> str:
    key = os.environ.get("MICROCRED_SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("MICROCRED_SECRET_KEY must be set when MICROCRED_DEBUG is off.")
    # The embedded demo keeps a generated key beside its database so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _key_encryption_keys() -> list[str]:
    """Fernet keys that encrypt issuers' signing keys at rest; the first encrypts, all decrypt (rotation)."""
    keys = _env_list("MICROCRED_KEY_ENCRYPTION_KEYS", "")
    if keys or not DEBUG:
        return keys  # production without keys fails at the first signing-key use, with a clear message
    from cryptography.fernet import Fernet

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "key_encryption_key"
    if not key_file.exists():
        key_file.write_bytes(Fernet.generate_key())
        key_file.chmod(0o600)
    return [key_file.read_text().strip()]


KEY_ENCRYPTION_KEYS = _key_encryption_keys()
ALLOWED_HOSTS = _env_list("MICROCRED_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("MICROCRED_CSRF_TRUSTED_ORIGINS", "")
# The public base URL is what issued credentials point at (issuer profiles, status lists).
PUBLIC_BASE_URL = os.environ.get("MICROCRED_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# What the operator publishes as its privacy policy and terms of service (the Open Badges API's discovery document
# names them); without them, the platform's home page.
PRIVACY_POLICY_URL = os.environ.get("MICROCRED_PRIVACY_POLICY_URL", PUBLIC_BASE_URL + "/")
TERMS_OF_SERVICE_URL = os.environ.get("MICROCRED_TERMS_OF_SERVICE_URL", PUBLIC_BASE_URL + "/")
# W3C VC-API test mode: anyone may issue, as a dedicated did:key test issuer, so that the W3C test suites
# can run against this server. For test deployments only; never switch it on where real credentials live.
VC_API_TEST_MODE = _env_bool("MICROCRED_VC_API_TEST_MODE", False)
# Server-side verification reads this platform's own DIDs and status lists from the database; other
# issuers' documents are fetched over the network only when this is on.
VC_VERIFY_ALLOW_NETWORK = _env_bool("MICROCRED_VC_VERIFY_ALLOW_NETWORK", False)
# host:port pairs this server may reach over plain http and on private addresses (the verifier's DID documents and
# status lists, the Open Badges API consumer): for local set-ups and tests only, never in production.
# The Bearer token /metrics asks of the scraper; without one, /metrics answers loopback addresses only.
METRICS_TOKEN = os.environ.get("MICROCRED_METRICS_TOKEN", "")
# A task whose worker has not written its heartbeat for this long is queued again (microcred/operations/worker.py).
WORKER_LEASE_SECONDS = int(os.environ.get("MICROCRED_WORKER_LEASE_SECONDS", "60"))
LOCAL_HTTP_HOSTS = [h.strip() for h in os.environ.get("MICROCRED_LOCAL_HTTP_HOSTS", "").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    # django-ninja's API docs from our static files with their script in a file; without it, ninja serves Swagger UI
    # from a CDN with an inline script, both of which the Content-Security-Policy blocks
    "ninja",
    "microcred.accounts",
    "microcred.oauth",
    "microcred.notifications",
    "microcred.audit",
    "microcred.frameworks",
    "microcred.catalog",
    "microcred.europe",  # the European standard elements, ELM 3 export and import (issue 19)
    "microcred.registry",  # CTDL in and out, CTIDs, publishing to the Credential Registry (issue 19)
    "microcred.assessment",
    "microcred.issuing",
    "microcred.wallet",
    "microcred.delivery",
    "microcred.obapi",
    "microcred.lti",
    "microcred.employers",
    "microcred.careers",
    "microcred.skills",
    "microcred.demo",
    "microcred.reporting",
    "microcred.operations",
]

MIDDLEWARE = [
    "microcred.operations.middleware.RequestTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "microcred.accounts.middleware.TimeZoneMiddleware",
    "microcred.accounts.middleware.ThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "microcred.http.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "microcred.urls"
WSGI_APPLICATION = "microcred.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["microcred.accounts.dates"],  # {{ moment|when }}: every page writes dates one way
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "microcred.accounts.context.navigation",
                "microcred.notifications.context.unread",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'microcred.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("MICROCRED_TIME_ZONE", "America/Toronto")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve from the finders too, so a server that has not run collectstatic (demo, tests) still has its CSS.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Uploads (catalog images, evidence, imports) on local disk by default; with MICROCRED_S3_BUCKET, in one private
# S3-compatible bucket that several app servers share (microcred/operations/storage.py). Credentials come from
# MICROCRED_S3_ACCESS_KEY_ID / MICROCRED_S3_SECRET_ACCESS_KEY, else boto3's own chain (AWS_ACCESS_KEY_ID, profiles,
# instance roles). Files are never public: evidence goes through its permission-checked view, images through /media/.
STORAGES["evidence"] = {"BACKEND": "microcred.assessment.models.evidence.EvidenceStorage"}
S3_BUCKET = os.environ.get("MICROCRED_S3_BUCKET", "")
if S3_BUCKET:
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("MICROCRED_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("MICROCRED_S3_REGION") or None,
        "addressing_style": os.environ.get("MICROCRED_S3_ADDRESSING_STYLE") or None,
        "max_memory_size": 5 * 1024 * 1024,  # a larger file read back spills to a temporary file
        **(
            {
                "access_key": os.environ["MICROCRED_S3_ACCESS_KEY_ID"],
                "secret_key": os.environ.get("MICROCRED_S3_SECRET_ACCESS_KEY", ""),
            }
            if os.environ.get("MICROCRED_S3_ACCESS_KEY_ID")
            else {}
        ),
    }
    STORAGES["default"] = {
        "BACKEND": "microcred.operations.storage.PrivateS3Storage",
        "OPTIONS": {**_s3_options, "location": "media"},
    }
    STORAGES["evidence"] = {
        "BACKEND": "microcred.operations.storage.PrivateEvidenceS3Storage",
        "OPTIONS": {**_s3_options, "location": "evidence"},
    }
    # Framework and skills uploads waiting for their background task, which may run on another machine.
    STORAGES["imports"] = {
        "BACKEND": "microcred.operations.storage.PrivateUnservedS3Storage",
        "OPTIONS": {**_s3_options, "location": "imports"},
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("MICROCRED_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("MICROCRED_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("MICROCRED_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("MICROCRED_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MICROCRED_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("MICROCRED_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("MICROCRED_FROM_EMAIL", "microcred <no-reply@microcred.localhost>")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("MICROCRED_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Brute-force limits (microcred.accounts.throttling): "<attempts>/<seconds>" per scope, counted in the database;
# MICROCRED_THROTTLES="login.account=5/900,verify.address=60/60" overrides some. Behind N trusted proxies,
# MICROCRED_PROXY_COUNT=N reads the client's address from X-Forwarded-For.
MICROCRED_THROTTLES = dict(item.split("=", 1) for item in _env_list("MICROCRED_THROTTLES", "") if "=" in item)
MICROCRED_PROXY_COUNT = int(os.environ.get("MICROCRED_PROXY_COUNT", "0"))
# Every process of a site should share the cache: in production, by default, a
# table of the database (created by operations' migration 0002); the development server is one process and keeps
# local memory. MICROCRED_CACHE_BACKEND/LOCATION choose another (e.g. Redis).
_DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"
_cache_backend = os.environ.get("MICROCRED_CACHE_BACKEND") or (
    "django.core.cache.backends.locmem.LocMemCache" if DEBUG else _DATABASE_CACHE
)
CACHES = {
    "default": {
        "BACKEND": _cache_backend,
        "LOCATION": os.environ.get("MICROCRED_CACHE_LOCATION")
        or ("microcred_cache" if _cache_backend == _DATABASE_CACHE else "microcred"),
        # Culling at Django's default 300 entries would let a flood of addresses wipe the counts.
        **({"OPTIONS": {"MAX_ENTRIES": 100_000}} if _cache_backend == _DATABASE_CACHE else {}),
    }
}
# Sessions in the database (Django's default, said here because several app servers rely on it).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("MICROCRED_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only: plain-HTTP requests are redirected, and browsers are told to use HTTPS for a year (HSTS).
    SECURE_SSL_REDIRECT = _env_bool("MICROCRED_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("MICROCRED_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("MICROCRED_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = _env_bool("MICROCRED_HSTS_PRELOAD", False)
    # Both bind every subdomain of the operator's domain (preload: for good, through the browsers' lists): the
    # operator's decision, off by default, so `check --deploy` is told not to ask for them.
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]

# MICROCRED_LOG_FORMAT=json: one JSON object per line (python-json-logger), for log collectors.
_JSON_LOGS = os.environ.get("MICROCRED_LOG_FORMAT", "text") == "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", **({"formatter": "json"} if _JSON_LOGS else {})}},
    "root": {"handlers": ["console"], "level": os.environ.get("MICROCRED_LOG_LEVEL", "WARNING")},
}
