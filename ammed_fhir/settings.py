"""AM-Med settings: one module, configured only from the environment.

Embedded default (a newcomer's first run): SQLite in ``AMMED_DATA_DIR``, Celery tasks
run in-process, the deterministic template language backend. Production and CI set
``DATABASE_URL`` (PostgreSQL) and ``CELERY_BROKER_URL`` (Redis).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from kombu import Queue

from ammed_fhir.env import (
    ConfigError,
    envbool,
    envfloat,
    envint,
    envlist,
    envstr,
    secret_key_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("AMMED_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
# AMMED_DEPLOY=production: a real deployment. SECRET_KEY is required and DEBUG refused, and
# the HTTPS settings below default on (docs/security.md, README "Deploying at scale").
AMMED_DEPLOY = envstr("AMMED_DEPLOY", "development")
if AMMED_DEPLOY not in {"development", "production"}:
    raise ConfigError(f"AMMED_DEPLOY must be development or production, got {AMMED_DEPLOY!r}")
PRODUCTION = AMMED_DEPLOY == "production"
if PRODUCTION and DEBUG:
    raise ConfigError("DEBUG=true is refused with AMMED_DEPLOY=production")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # django.contrib.admin with the project's site (Chinese titles, the worklist as home)
    "clinical.workspace.admin_site.WorkspaceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "clinical.workspace.thirdparty.AxesConfig",  # django-axes, under a Chinese name
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "ammed_fhir",
    "ammed_fhir.subscriptions",  # R4 Subscription rest-hook deliveries (#19)
    "clinical.knowledge",
    "clinical.medkb",
    "clinical.orders",
    "clinical.followup",
    "clinical.diet",
    "clinical.monitor",
    "clinical.agent",
    "clinical.workspace",
    "inference",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ammed_fhir.middleware.RejectNulMiddleware",  # NUL in a URL: 400, not a DataError
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ammed_fhir.audit.AuditMiddleware",  # who read which patient; binds the actor
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "ammed_fhir.security.NoStoreMiddleware",  # no cached copies of patient data
    "axes.middleware.AxesMiddleware",  # last: answers locked-out logins
]

ROOT_URLCONF = "ammed_fhir.urls"
# /fhir is included without a trailing slash (FHIR base URL), so its routes start with "/".
SILENCED_SYSTEM_CHECKS = ["urls.W002"]
WSGI_APPLICATION = "ammed_fhir.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ammed_fhir" / "templates"],
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

DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'ammed.sqlite3'}")
if DATABASE_URL.startswith("sqlite:///") and not DATA_DIR.exists():
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default needs its data dir


# Secret key: never one the repository (or anyone) knows. Unset, the embedded default
# (SQLite) and DEBUG make a random key once and keep it in $AMMED_DATA_DIR/secret_key; with a
# server database and DEBUG off the process gets a random stand-in key (migrate, workers,
# tests), and the web entry points refuse to serve (ammed_fhir.security, check ammed.E001);
# AMMED_DEPLOY=production refuses outright. The key this repository used to ship is refused.
def _secret_key() -> tuple[str, str]:
    """The secret key and where it came from: ``environment``, ``file`` or ``missing``."""
    key = envstr("SECRET_KEY", "")
    if key == "ammed-insecure-development-key-change-me" and not DEBUG:
        raise ConfigError("SECRET_KEY is the repository's published development key: set your own")
    if key:
        return key, "environment"
    if PRODUCTION:
        raise ConfigError("AMMED_DEPLOY=production needs SECRET_KEY (or SECRET_KEY_FILE)")
    if DATABASE_URL.startswith("sqlite:") or DEBUG:
        return secret_key_file(DATA_DIR / "secret_key"), "file"
    return secrets.token_urlsafe(50), "missing"


SECRET_KEY, AMMED_SECRET_KEY_SOURCE = _secret_key()
# Persistent connections (checked before reuse): a Celery worker runs thousands of short
# tasks, and a new PostgreSQL connection per task (a backend process to start, its caches to
# warm) costs the database more than the task's own queries.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("DB_CONN_MAX_AGE", 300),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: counts failures, refuses locked accounts
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user object

# Authentication and deployment hygiene (issue #17 item 8; docs/security.md).
# Password logins (admin form, any Django authenticate()) lock by account after
# AMMED_LOGIN_FAILURE_LIMIT failures for AMMED_LOGIN_COOLOFF_MINUTES (each failure while
# locked restarts it); `manage.py axes_reset_username <name>` unlocks at once.
AXES_ENABLED = envbool("AMMED_LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = envint("AMMED_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AMMED_LOGIN_COOLOFF_MINUTES", 15))
# By account: rotating addresses, agents or cookies does not reset it, and a ward behind one
# NAT address is not locked out by one nurse's typos. AMMED_LOGIN_LOCK_IP=true also locks an
# address after as many failures (against spraying one password over many accounts).
AXES_LOCKOUT_PARAMETERS = ["username"]
if envbool("AMMED_LOGIN_LOCK_IP", False):
    AXES_LOCKOUT_PARAMETERS.append("ip_address")
else:
    SILENCED_SYSTEM_CHECKS.append("axes.W006")  # its worry (rotating agents) is moot by account
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # ammed_fhir.security logs failures without patients' usernames
AXES_CLIENT_IP_CALLABLE = "ammed_fhir.security.client_ip"
AMMED_BEHIND_TLS_PROXY = envbool("AMMED_BEHIND_TLS_PROXY", False)
# Token attempts: a DRF token is 160 random bits; an address failing this often is answered 429.
AMMED_TOKEN_FAILURE_LIMIT = envint("AMMED_TOKEN_FAILURE_LIMIT", 20)
AMMED_TOKEN_FAILURE_WINDOW_S = envint("AMMED_TOKEN_FAILURE_WINDOW_S", 900)
AMMED_PASSWORD_MIN_LENGTH = envint("AMMED_PASSWORD_MIN_LENGTH", 10)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": AMMED_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# HTTPS: on by default with AMMED_DEPLOY=production, off for the http:// demo.
if AMMED_BEHIND_TLS_PROXY:  # the proxy sets X-Forwarded-Proto and strips the client's
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading binds the hospital's whole registrable domain into browsers; that is the
    # hospital's decision (HSTS itself, with includeSubDomains, is on in production).
    SILENCED_SYSTEM_CHECKS.append("security.W021")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", PRODUCTION)
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)  # one clinical shift
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", PRODUCTION)
# /fhir answers a CSRF failure (a form post with a session cookie) with an OperationOutcome.
CSRF_FAILURE_VIEW = "ammed_fhir.fhir_views.csrf_failure"
# CSP: scripts only from this server (the Swagger UI's init script is its own request);
# inline styles stay allowed for the admin's charts and Swagger UI's stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
AMMED_PUBLIC_API_DOCS = envbool("AMMED_PUBLIC_API_DOCS", False)  # /api/schema/, /api/docs/

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "zh-hans")
TIME_ZONE = envstr("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
# Chinese labels for third-party apps that ship no zh_Hans (django-axes): docs/workspace.md
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: without a broker, tasks run in-process (the embedded default).
_broker_url = envstr("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not _broker_url)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = _broker_url or "memory://localhost/"  # host named: no kombu warning
CELERY_RESULT_BACKEND = envstr("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the database connection before and after every task unless
# this is set, so each task paid for a new PostgreSQL backend (a process started and torn
# down: more database CPU than the task's own queries at the morning peak). Connections are
# kept; ammed_fhir.celery closes obsolete or broken ones at each task start, as Django does
# per request (DB_CONN_MAX_AGE, health checks).
CELERY_DB_REUSE_MAX = envint("CELERY_DB_REUSE_MAX", 1000)
CELERY_TIMEZONE = TIME_ZONE
# Sends to channels have their own queue, taken before anything else: at the morning peak a
# released reminder goes out at once instead of waiting behind every dose still to check.
# A worker started without -Q consumes both queues, "deliver" first.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [
    Queue("deliver", routing_key="deliver"),
    Queue("celery", routing_key="celery"),
]
CELERY_TASK_ROUTES = {"orders.deliver": {"queue": "deliver"}}
CELERY_BROKER_TRANSPORT_OPTIONS = {"queue_order_strategy": "priority"}
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}  # apps add entries in their AppConfig.ready()
# Change-event outbox (ammed_fhir.outbox): beat drains pending events every N seconds; a
# claim is held for the lease; failures back off (capped) up to MAX_ATTEMPTS, then stay
# visible (admin, ``manage.py drain_outbox --failed``); dispatched rows are kept KEEP_DAYS.
AMMED_OUTBOX_DRAIN_EVERY_S = envfloat("AMMED_OUTBOX_DRAIN_EVERY_S", 30.0)
AMMED_OUTBOX_LEASE_S = envint("AMMED_OUTBOX_LEASE_S", 300)
AMMED_OUTBOX_MAX_ATTEMPTS = envint("AMMED_OUTBOX_MAX_ATTEMPTS", 12)
AMMED_OUTBOX_BACKOFF_BASE_S = envfloat("AMMED_OUTBOX_BACKOFF_BASE_S", 30.0)
AMMED_OUTBOX_BACKOFF_CAP_S = envfloat("AMMED_OUTBOX_BACKOFF_CAP_S", 3600.0)
AMMED_OUTBOX_KEEP_DAYS = envint("AMMED_OUTBOX_KEEP_DAYS", 7)
# FHIR Subscriptions (rest-hook, ammed_fhir.subscriptions.delivery): a failed delivery is
# retried with backoff (base doubling up to the cap) for RETRY_HOURS (at least 24), then
# it is a dead letter in the admin. HMAC_KEY set: each delivery carries X-AMMed-Signature.
AMMED_SUBSCRIPTION_RETRY_HOURS = envfloat("AMMED_SUBSCRIPTION_RETRY_HOURS", 72.0)
AMMED_SUBSCRIPTION_BACKOFF_BASE_S = envfloat("AMMED_SUBSCRIPTION_BACKOFF_BASE_S", 30.0)
AMMED_SUBSCRIPTION_BACKOFF_CAP_S = envfloat("AMMED_SUBSCRIPTION_BACKOFF_CAP_S", 1800.0)
AMMED_SUBSCRIPTION_TIMEOUT_S = envfloat("AMMED_SUBSCRIPTION_TIMEOUT_S", 10.0)
AMMED_SUBSCRIPTION_RETRY_EVERY_S = envfloat("AMMED_SUBSCRIPTION_RETRY_EVERY_S", 30.0)
AMMED_SUBSCRIPTION_HMAC_KEY = envstr("AMMED_SUBSCRIPTION_HMAC_KEY", "")
# how long a process trusts "no active Subscription" before AM-Med's own writes (the
# gate's messages) start recording change events again
AMMED_SUBSCRIPTION_CACHE_S = envfloat("AMMED_SUBSCRIPTION_CACHE_S", 30.0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ammed_fhir.security.LoggedTokenAuthentication",  # logs and throttles failures
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ammed_fhir.api_errors.exception_handler",
    # JSON nested 50,000 deep or holding NUL characters: 400 (ammed_fhir.parsers)
    "DEFAULT_PARSER_CLASSES": [
        "ammed_fhir.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AM-Med API",
    "DESCRIPTION": "FHIR-integrated post-discharge follow-up (随访) backend.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "ammed@localhost")

# FHIR boundary.
FHIR_MAX_BUNDLE_ENTRIES = envint("FHIR_MAX_BUNDLE_ENTRIES", 5000)
FHIR_MAX_BODY_BYTES = envint("FHIR_MAX_BODY_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = FHIR_MAX_BODY_BYTES
FHIR_DEFAULT_PAGE_SIZE = envint("FHIR_DEFAULT_PAGE_SIZE", 50)
FHIR_MAX_PAGE_SIZE = envint("FHIR_MAX_PAGE_SIZE", 500)

# Language models (inference/).
AMMED_LLM_BACKEND = envstr("AMMED_LLM_BACKEND", "template")
AMMED_LLM_MODEL = envstr("AMMED_LLM_MODEL", "")
AMMED_LLM_GPU_LAYERS = envint("AMMED_LLM_GPU_LAYERS", 0)
AMMED_LLM_CTX = envint("AMMED_LLM_CTX", 4096)
AMMED_LLM_TIMEOUT_S = envfloat("AMMED_LLM_TIMEOUT_S", 30.0)
AMMED_MODEL_DIR = Path(envstr("AMMED_MODEL_DIR", str(DATA_DIR / "models")))
OLLAMA_HOST = envstr("OLLAMA_HOST", "http://127.0.0.1:11434")
AMMED_LLM_MAX_TOKENS = envint("AMMED_LLM_MAX_TOKENS", 512)
AMMED_LLM_FLASH_ATTN = envbool("AMMED_LLM_FLASH_ATTN", True)  # llamacpp: flash attention
AMMED_LLM_THREADS = envint("AMMED_LLM_THREADS", 0)  # llamacpp CPU threads, 0 = automatic
AMMED_LLM_BASE_URL = envstr("AMMED_LLM_BASE_URL", "")  # openai backend: vLLM/LMDeploy /v1 URL
AMMED_LLM_API_KEY = envstr("AMMED_LLM_API_KEY", "")

# Outbound channels.
AMMED_WEBHOOK_URL = envstr("AMMED_WEBHOOK_URL", "")
AMMED_WEBHOOK_SECRET = envstr("AMMED_WEBHOOK_SECRET", "")
AMMED_CHANNELS = envlist("AMMED_CHANNELS", ["inbox"])
AMMED_WEBHOOK_MAX_ATTEMPTS = envint("AMMED_WEBHOOK_MAX_ATTEMPTS", 8)
AMMED_WEBHOOK_TIMEOUT_S = envfloat("AMMED_WEBHOOK_TIMEOUT_S", 5.0)
# Dose plausibility net (issue #22): a dose over this multiple of the usual single or daily
# dose, or over this many units of the dosage form per administration, goes to review.
AMMED_DOSE_PLAUSIBLE_MULTIPLE = envfloat("AMMED_DOSE_PLAUSIBLE_MULTIPLE", 2.0)
AMMED_DOSE_MAX_UNITS = envfloat("AMMED_DOSE_MAX_UNITS", 4.0)
AMMED_WEBHOOK_BACKOFF_BASE_S = envfloat("AMMED_WEBHOOK_BACKOFF_BASE_S", 5.0)
AMMED_WEBHOOK_BACKOFF_CAP_S = envfloat("AMMED_WEBHOOK_BACKOFF_CAP_S", 900.0)
AMMED_WEBHOOK_BATCH = envint("AMMED_WEBHOOK_BATCH", 100)  # messages per signed POST (1: one each)

# Dose reminders (clinical.orders).
AMMED_REMINDER_HORIZON_DAYS = envint("AMMED_REMINDER_HORIZON_DAYS", 30)
AMMED_REMINDER_GRACE_MINUTES = envint("AMMED_REMINDER_GRACE_MINUTES", 120)
AMMED_REMINDER_SNOOZE_MINUTES = envint("AMMED_REMINDER_SNOOZE_MINUTES", 15)
AMMED_REMINDER_CLAIM_STALE_S = envint("AMMED_REMINDER_CLAIM_STALE_S", 300)
AMMED_REMINDER_BATCH = envint("AMMED_REMINDER_BATCH", 200)
AMMED_REMINDER_DISPATCH_EVERY_S = envfloat("AMMED_REMINDER_DISPATCH_EVERY_S", 30.0)

# Output monitor (clinical/monitor).
AMMED_MONITOR_CHECKS = envlist("AMMED_MONITOR_CHECKS", [])  # empty: the default order
AMMED_MONITOR_CHECK_TIMEOUT_MS = envfloat("AMMED_MONITOR_CHECK_TIMEOUT_MS", 250.0)
AMMED_MONITOR_MAX_CHARS = envint("AMMED_MONITOR_MAX_CHARS", 4000)
AMMED_MONITOR_KB = envstr("AMMED_MONITOR_KB", "auto")  # auto | medkb | interim | off
AMMED_MONITOR_ESCALATE_AFTER_MIN = envfloat("AMMED_MONITOR_ESCALATE_AFTER_MIN", 60.0)
AMMED_MONITOR_ESCALATION_CHAIN = envlist("AMMED_MONITOR_ESCALATION_CHAIN", [])  # usernames

# Clinician workspace (clinical.workspace): sign-off governance and the review SLA.
AMMED_MEDICATION_SIGNOFF_ROLES = envlist(
    "AMMED_MEDICATION_SIGNOFF_ROLES", ["physician", "pharmacist"]
)
AMMED_MEDICATION_CATEGORIES = envlist("AMMED_MEDICATION_CATEGORIES", ["guidance", "reminder"])
AMMED_MEDICATION_CHECKS = envlist(
    "AMMED_MEDICATION_CHECKS",
    [
        "dose_limit",
        "med_change",
        "allergy_interaction",
        "rx_self_medication",
        "leftover_antibiotics",
        "unknown_drug",
        "structured_consistency",
    ],
)
AMMED_MEDICATION_INTENTS = envlist("AMMED_MEDICATION_INTENTS", ["medication_question", "dose_ack"])
AMMED_CAREPLAN_APPROVER_ROLES = envlist("AMMED_CAREPLAN_APPROVER_ROLES", ["physician"])
AMMED_REVIEW_SLA_MIN = envfloat("AMMED_REVIEW_SLA_MIN", AMMED_MONITOR_ESCALATE_AFTER_MIN)  # minutes
# An ingest-triggered assessment whose result equals the patient's latest one (stored less
# than this many minutes ago) is not stored again; any difference is always stored.
AMMED_ASSESSMENT_COALESCE_MIN = envfloat("AMMED_ASSESSMENT_COALESCE_MIN", 10.0)

# Shared public data sets (research use: read when present, never shipped).
# Default: ``../shared/data`` next to the checkout (or next to its parent, for worktrees).
_SHARED_CANDIDATES = [
    BASE_DIR.parent / "shared" / "data",
    BASE_DIR.parent.parent / "shared" / "data",
]
AMMED_SHARED_DATA_DIR = Path(
    envstr(
        "AMMED_SHARED_DATA_DIR",
        str(next((p for p in _SHARED_CANDIDATES if p.is_dir()), _SHARED_CANDIDATES[0])),
    )
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_query": {"()": "ammed_fhir.security.RedactQueryStringFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # runserver's request lines without query strings (identifiers in FHIR searches)
    "loggers": {
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "filters": ["no_query"],
            "propagate": False,
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}
