"""netcrm settings: every knob comes from the environment, with development defaults.

Embedded default (nothing set): SQLite and a filesystem Celery broker under NETCRM_DATA_DIR,
so one command runs web, worker and beat on a laptop. Production sets DATABASE_URL,
REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS, SITE_URL and DEBUG=0.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .envconfig import email_settings, env_bool, env_float, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("NETCRM_DATA_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG", True)
# Fail closed: with DEBUG off, the public development key (which signs sessions, messages and
# digest unsubscribe links) is refused, whether unset or pasted in by hand.
DEV_SECRET_KEY_PREFIX = "dev-only-insecure-key-change-me-"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY.startswith(DEV_SECRET_KEY_PREFIX)):
    raise ImproperlyConfigured("SECRET_KEY must be set to a secret value when DEBUG is off (DEBUG=0).")
SECRET_KEY = SECRET_KEY or DEV_SECRET_KEY_PREFIX + "x" * 32

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "import_export",
    "csp",
    "health_check",
    "health",
    "axes",
    "django_ratelimit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, pinned in requirements.txt (never a CDN)
    "accounts",
    "contacts",
    "strategy",
    "followups",
    "transfer",
    "api",
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
    "followups.middleware.UserTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "netcrm.content_security.ContentSecurityPolicyMiddleware",  # django-csp, see that module
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "netcrm.urls"
WSGI_APPLICATION = "netcrm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # Only the rows pages repeat, asked for by name from Django templates (netcrm/jinja2.py).
        "NAME": "rows",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "netcrm.jinja2.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite: wait for the worker/beat writers instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every login before Django's own backend tries the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# netcrm speaks English only; with translation off, every value a template shows no longer
# asks for the active language (a tenth of a list page's time). Dates and numbers read the same.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Pinned npm packages installed at setup time (package.json); never a CDN.
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
]
# Served at the site root by WhiteNoise, before the login requirement: /robots.txt, /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "public"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: console in development, anything else through EMAIL_URL.
globals().update(email_settings(os.environ.get("EMAIL_URL", "console:")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "netcrm <netcrm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, else a filesystem broker that needs no server.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task taken by a worker that died (never acknowledged) goes back to the queue after
        # this long; it must exceed the longest retry countdown (the digest's backoff).
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        # A broker that hangs must not hang a web request that queues work.
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
    }
else:
    BROKER_DIR = DATA_DIR / "broker"
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
# Cache: Redis when REDIS_URL is set, else files under NETCRM_DATA_DIR, shared by the web,
# worker and beat processes of the embedded default (the dashboard's cache needs sharing).
# The cache is an optimisation: with Redis down every call is a miss (django-redis with
# IGNORE_EXCEPTIONS), logged once a minute, and a short socket timeout keeps pages fast.
CACHE_URL = os.environ.get("CACHE_URL", REDIS_URL)
CACHE_TIMEOUT_SECONDS = env_float("CACHE_TIMEOUT_SECONDS", 0.25)
CACHES = {
    "default": (
        {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": CACHE_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": CACHE_TIMEOUT_SECONDS,
            },
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(DATA_DIR / "cache")}
    )
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "netcrm.cache"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic jobs; each app appends its entries in netcrm/schedule.py (built from env values).
from .schedule import beat_schedule  # noqa: E402

CELERY_BEAT_SCHEDULE = beat_schedule()
REMINDER_SWEEP_TIME_LIMIT = env_int("REMINDER_SWEEP_TIME_LIMIT", 600)
DIGEST_SCHEDULER_TIME_LIMIT = env_int("DIGEST_SCHEDULER_TIME_LIMIT", 600)
DIGEST_SEND_TIME_LIMIT = env_int("DIGEST_SEND_TIME_LIMIT", 120)
DIGEST_MAX_RETRIES = env_int("DIGEST_MAX_RETRIES", 5)
DIGEST_RETRY_BACKOFF_SECONDS = env_int("DIGEST_RETRY_BACKOFF_SECONDS", 60)  # doubles each retry
# A batch's digests are taken, sent and recorded this many at a time (two statements each time);
# a worker killed mid-way leaves at most this many failed and shown, not knowing if they arrived.
DIGEST_SEND_CHUNK = env_int("DIGEST_SEND_CHUNK", 25, minimum=1)

# Imports (transfer app): refuse bigger files clearly; run big ones as a Celery task.
NETCRM_IMPORT_MAX_BYTES = env_int("NETCRM_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
NETCRM_IMPORT_MAX_ROWS = env_int("NETCRM_IMPORT_MAX_ROWS", 50_000)
NETCRM_IMPORT_BACKGROUND_ROWS = env_int("NETCRM_IMPORT_BACKGROUND_ROWS", 2_000)
# Uploads this big never run inside a web request whatever their rows (one huge card is one
# row): an import is read by a task, a restore goes to a task, the admin's import points to
# the import page.
NETCRM_IMPORT_BACKGROUND_BYTES = env_int("NETCRM_IMPORT_BACKGROUND_BYTES", 256 * 1024)
NETCRM_IMPORT_TIME_LIMIT = env_int("NETCRM_IMPORT_TIME_LIMIT", 900)
NETCRM_IMPORT_MAX_OPEN_JOBS = env_int("NETCRM_IMPORT_MAX_OPEN_JOBS", 5)

# The reaper (followups/reaper.py): digests left claimed or waiting to retry this long past
# their moment are queued again; "sending" past DIGEST_SEND_TIME_LIMIT + 60 s is marked failed.
REAPER_GRACE_SECONDS = env_int("REAPER_GRACE_SECONDS", 600)
REAPER_TIME_LIMIT = env_int("REAPER_TIME_LIMIT", 300)
# A backup's lists (contacts, interactions, reminders, a contact's emails...) may each hold up
# to NETCRM_IMPORT_MAX_ROWS times this many items.
NETCRM_RESTORE_ROWS_FACTOR = env_int("NETCRM_RESTORE_ROWS_FACTOR", 10)
# The admin's CSV/XLSX export (django-import-export): formulas neutralised, characters a
# spreadsheet cannot hold replaced instead of failing the export.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# Login throttling (django-axes): 5 failed logins for one username from one address lock that
# pair out for 15 minutes. Attempts live in the database (the default handler), so a cache
# outage neither unlocks anyone nor locks everyone out. Only failures are recorded.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # locked for 15 minutes, not "until they stop"
AXES_DISABLE_ACCESS_LOG = True  # no row per successful login (it would grow forever)
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = []  # our own log line names the username and address in full
# Mail sent to an address on request (password reset, address verification) is limited per
# address and per hour (django-ratelimit on the cache). With the cache down the limit is not
# applied (fails open): a cache outage must not stop people from resetting their password.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
MAIL_PER_ADDRESS_PER_HOUR = env_int("MAIL_PER_ADDRESS_PER_HOUR", 3)
MAIL_REQUESTS_PER_CLIENT_PER_HOUR = env_int("MAIL_REQUESTS_PER_CLIENT_PER_HOUR", 20)
if not CACHE_URL:
    # The embedded default's file cache has no atomic increment, so a burst may pass a few
    # more than the limit; that is acceptable on a laptop, and Redis is used everywhere else.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# The REST API (api/): personal access tokens (Authorization: Bearer …) for other programs, the
# browser's session (with CSRF) for the docs page. JSON only: DRF's browsable pages run inline
# script, which the Content-Security-Policy refuses. Requests are counted per token (per user for
# a session) in the cache; with the cache down nothing is limited (fails open).
API_REQUESTS_PER_MINUTE_PER_TOKEN = env_int("API_REQUESTS_PER_MINUTE_PER_TOKEN", 120, minimum=1)
API_ANONYMOUS_REQUESTS_PER_MINUTE = env_int("API_ANONYMOUS_REQUESTS_PER_MINUTE", 30, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",  # first: its challenge makes a 401, not a 403
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenScopeAllows",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.PerTokenThrottle", "api.throttles.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": f"{API_REQUESTS_PER_MINUTE_PER_TOKEN}/min",
        "anon": f"{API_ANONYMOUS_REQUESTS_PER_MINUTE}/min",
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # An anonymous client is counted by REMOTE_ADDR, as django-axes counts logins: a client-sent
    # X-Forwarded-For would let anyone pick a new address per request (behind a proxy, pass the client's).
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "netcrm API",
    "DESCRIPTION": (
        "Your network, for scripts, phones and automation: contacts, classifications, tags, interactions, "
        "reminders, promises, who is due and whom to reach out to today. Authenticate with a personal access "
        "token from Settings: `Authorization: Bearer <token>`. Times are in your time zone (Settings)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No "valid" badge: it would ask a validator on the internet about the schema.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_error_responses"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "InteractionKindEnum": "contacts.models.InteractionKind",
        "ReminderKindEnum": "followups.models.Reminder.Kind",
        "ReminderStateEnum": "followups.models.Reminder.State",
        "PromiseStateEnum": "followups.models.Commitment.State",
    },
}
# The column-mapping page posts one field per column of a CSV: files with more columns are
# refused at upload, and a page with the most columns allowed must still fit in one POST.
NETCRM_IMPORT_MAX_COLUMNS = env_int("NETCRM_IMPORT_MAX_COLUMNS", 1000)
DATA_UPLOAD_MAX_NUMBER_FIELDS = NETCRM_IMPORT_MAX_COLUMNS + 100
# A link to verify an email address works this long.
EMAIL_VERIFICATION_MAX_AGE_SECONDS = env_int("EMAIL_VERIFICATION_MAX_AGE_SECONDS", 3 * 24 * 60 * 60)

# Production hardening: on whenever DEBUG is off (`manage.py check --deploy` stays clean).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Off only for a plain-HTTP deployment on a private network (docker compose on a LAN).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only the app's own scripts, styles and requests; no inline
# script or style (htmx's indicator style is off, see base.html; its rules are in netcrm.css).
# data: images are Bootstrap's inline SVG icons (form-select arrow, navbar toggler). The admin's
# few inline attributes and the digest preview: netcrm/content_security.py, followups/digest/views.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"once_a_minute": {"()": "netcrm.logfilters.OncePerInterval", "seconds": 60}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # One line a minute while the cache is down (each failed call would log one).
        "netcrm.cache": {"filters": ["once_a_minute"]},
        "netcrm.queueing": {"filters": ["once_a_minute"]},
        # django-axes narrates every login at INFO; its lockouts (WARNING) and our own line stay.
        "axes": {"level": "WARNING"},
    },
}
