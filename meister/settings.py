"""Settings for Meister Portal, read from the environment (see .env.example).

With nothing set, the portal runs on the embedded default: DEBUG must be switched on
explicitly (`make run` does), the database is SQLite under var/, and Celery passes jobs
through files under var/ instead of Redis. Setting DATABASE_URL and REDIS_URL switches to
PostgreSQL and Redis.
"""

import datetime
import os
from pathlib import Path

from celery.schedules import crontab
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from meister.env import env_bool, env_database, env_float, env_int, env_list, env_redis, env_str, load_local_env

BASE_DIR = Path(__file__).resolve().parent.parent
# A developer's own settings (DEBUG on, a local secret), written by `make run` when absent so that every
# `manage.py` command in the checkout runs as the served portal does. Never in git or in the image: a
# deployment sets its environment (docker compose reads .env) and never has this file. Empty turns it off.
LOCAL_ENV_FILE = os.environ.get("MEISTER_LOCAL_ENV", str(BASE_DIR / "local.env"))
if LOCAL_ENV_FILE:
    load_local_env(Path(LOCAL_ENV_FILE))
VAR_DIR = Path(env_str("MEISTER_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"
# Keys of the secrets stored encrypted (meister.encryption), newest first: Fernet keys (FIELD_ENCRYPTION_KEYS or
# FIELD_ENCRYPTION_KEYS_FILE); unset, they are derived from SECRET_KEY and its fallbacks.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must list Fernet keys (32 url-safe base64-encoded bytes each)."
        ) from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Demo logins exist only where this is on; production leaves it off.
DEMO_ENABLED = env_bool("MEISTER_DEMO", DEBUG)

INSTALLED_APPS = [
    "meister",
    "partners",
    "accounts",
    "curricula",
    "programme",
    "assessments",
    "reports",
    "showcase",
    "sso",
    "portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
]
# The demo, national-scale data, benchmarks and the load test: only where the demo is wanted, never in production.
if DEMO_ENABLED:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "meister.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Keeps a person's reads on the primary until a replica has their last write (no-op without a replica).
    "meister.replica.ReplicaPinMiddleware",
    "meister.middleware.SessionLimitMiddleware",
    "meister.middleware.TwoFactorMiddleware",
    # A student's account reaches only the pages made for students (404 elsewhere).
    "meister.middleware.StudentPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records who made each change kept in the audit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "meister.urls"
WSGI_APPLICATION = "meister.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

# Inputs drawn with Django's own Jinja2 widget templates where there is one (meister/form_rendering.py).
FORM_RENDERER = "meister.form_rendering.FastWidgets"

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web server and the worker share the file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# A kept connection is checked before each request reuses it, so a restarted PostgreSQL costs no error page.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
# A PostgreSQL streaming replica for report builds, exports and aggregate pages (meister/replica.py).
if env_str("DATABASE_REPLICA_URL", ""):
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL to name the PostgreSQL primary.")
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", "")
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # a test database has no standby of its own
DATABASE_ROUTERS = ["meister.replica.ReplicaRouter"]
# The apps whose tables may be read from the replica; users, sessions and devices always come from the primary.
REPLICA_APPS = {"partners", "curricula", "assessments", "showcase", "reports"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "meister.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after 30 minutes without a request, and 12 hours after signing in at the latest.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
# The idle limit is renewed at most once a minute (meister.middleware.SessionLimitMiddleware), not by a database
# write on every request: a session ends between 29 and 30 minutes after the last request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12, minimum=1)

# Repeated failed sign-ins lock that account name from that address for a while; not the whole address,
# which a school's staff share.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "meister.middleware.sign_in_name"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
if env_bool("BEHIND_PROXY", False):
    # The client's own address, as the proxy reports it.
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Roles that must confirm a one-time code (TOTP) at every sign-in; anyone may turn it on for themselves.
# By default every role that can change records of organisations other than its own: admin (everything, and the
# back office), the ministry and prefectures (national and prefectural data, surveys, designations) and
# coordinators (the schools, companies and contacts of a whole consortium, bulk imports, other people's
# placements). A teacher changes their own school's records and company staff their own company's; for them it
# stays a choice. Demo logins have no authenticator, so the demo requires it of no one.
# meister.scoping.Role
ROLE_NAMES = (
    "ministry",
    "prefecture",
    "coordinator",
    "teacher",
    "company",
    "admin",
    "student",
    "supporter",
    "surveyor",
)
TWO_FACTOR_DEFAULT_ROLES = ["admin", "ministry", "prefecture", "coordinator"]
TWO_FACTOR_REQUIRED_ROLES = env_list(
    "TWO_FACTOR_REQUIRED_ROLES", [] if DEMO_ENABLED else TWO_FACTOR_DEFAULT_ROLES, choices=ROLE_NAMES
)
OTP_TOTP_ISSUER = "Meister Portal"

# Everything the pages load comes from the portal itself; inline style attributes are used by Bootstrap's
# progress bars and a few widths.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["meister.formats"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Never routed: uploaded and generated files are served only by views that check the user's scope.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    # Object storage in production: install its storage package and name its backend in MEDIA_STORAGE_BACKEND.
    "default": {"BACKEND": env_str("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REDIS_URL = env_redis("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    # A task taken by a worker that dies is handed out again after this long: longer than the longest report.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3 * 3600, minimum=1),
    }
else:
    # Embedded default: jobs pass through a folder, so `make run` needs no Redis server.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _queue = VAR_DIR / "celery"
    for _folder in ("queue", "processed", "control"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "store_processed": False,
        "control_folder": str(_queue / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker process is killed goes back to the queue instead of being dropped.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Reports run on a queue of their own, so a long national report never holds up reminders and emails.
CELERY_TASK_ROUTES = {"reports.tasks.build_report": {"queue": "reports"}}
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Worker processes are recycled to bound the memory WeasyPrint and openpyxl leave behind.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_MAX_TASKS_PER_CHILD", 50, minimum=1)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_MAX_MEMORY_PER_CHILD_KB", 1_500_000, minimum=10_000)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "fail-stale-report-runs": {"task": "reports.tasks.fail_stale_runs", "schedule": 600.0},
    # Each night the releases whose data changed are built again, so the morning's first report reads a kept one.
    "keep-releases-current": {"task": "reports.tasks.keep_releases_current", "schedule": crontab(hour=2, minute=30)},
    # Every write adds a change row; folded, the data version each dashboard visit reads stays a sum over few rows.
    "fold-data-changes": {"task": "reports.tasks.fold_data_changes", "schedule": 600.0},
    "remind-unanswered-proposals": {"task": "partners.tasks.remind_unanswered_proposals", "schedule": 6 * 3600.0},
    "remind-unanswered-surveys": {
        "task": "assessments.tasks.remind_unanswered_surveys",
        "schedule": crontab(hour=9, minute=0),
    },
    "tell-mentors-who-comes-tomorrow": {
        "task": "curricula.tasks.send_placement_day_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "remind-mentors-of-unconfirmed-days": {
        "task": "curricula.tasks.send_confirmation_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "remind-mentors-of-evaluations-due": {
        "task": "curricula.tasks.evaluation_reminders_send",
        "schedule": crontab(hour=8, minute=10),
    },
}
# Published figures hide groups smaller than this (assessment results, survey tabulations).
ASSESSMENTS_SUPPRESSION_THRESHOLD = env_int("SUPPRESSION_THRESHOLD", 10, minimum=1)
# Students are anonymised this many years after their graduation year (anonymise_students).
# Mentors are reminded of an evaluation this many days before it is due (half-way through, and the last day).
CURRICULA_EVALUATION_REMINDER_DAYS = env_int("EVALUATION_REMINDER_DAYS", 7, minimum=0)
# The largest photo a student may attach to a practice diary, in MB (it is re-encoded smaller before it is kept).
DIARY_PHOTO_MAX_MB = env_int("DIARY_PHOTO_MAX_MB", 8, minimum=1)
STUDENT_RETENTION_YEARS = env_int("STUDENT_RETENTION_YEARS", 5, minimum=1)
# How long "confirm all" on the mentor's page can be taken back, by the same browser.
CONFIRM_ALL_UNDO_MINUTES = env_int("CONFIRM_ALL_UNDO_MINUTES", 5, minimum=1)
REPORT_RUN_TIMEOUT_MINUTES = env_int("REPORT_RUN_TIMEOUT_MINUTES", 60, minimum=1)
# Long reports (the annual national one) are laid out in parts by this many processes side by side; 1 = whole.
REPORT_RENDER_PROCESSES = env_int("REPORT_RENDER_PROCESSES", 1, minimum=1)
# A pause at every step of a report, in seconds: only the fault tests set it, to stop a worker mid-run.
REPORT_STEP_DELAY_SECONDS = env_float("REPORT_STEP_DELAY_SECONDS", 0.0, minimum=0.0)
# Invitations: how long an invitation link stays good, and how many invitation mails one person sends in an hour.
INVITATION_LINK_DAYS = env_int("INVITATION_LINK_DAYS", 14, minimum=1)
INVITATION_MAILS_PER_HOUR = env_int("INVITATION_MAILS_PER_HOUR", 100, minimum=1)
# How long a class code (the QR a teacher prints for students to link their accounts) opens.
CLASS_CODE_DAYS = env_int("CLASS_CODE_DAYS", 7, minimum=1)
# Password reset: the link is good once, for this long; one address or one IP asks this many times an hour.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60, minimum=5) * 60
PASSWORD_RESETS_PER_HOUR = env_int("PASSWORD_RESETS_PER_HOUR", 5, minimum=1)
# Registry imports (.csv / .xlsx): the largest file accepted. Put the same limit (or more) on the proxy.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_MB", 10, minimum=1) * 1024 * 1024
# Teaching-content library: the largest file accepted (videos included). Put the same limit on the proxy.
LIBRARY_MAX_UPLOAD_BYTES = env_int("LIBRARY_MAX_UPLOAD_MB", 100, minimum=1) * 1024 * 1024
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The portal's address as people reach it (e.g. https://meister.example.jp): every absolute link in
# emails and PDFs is built from it (meister.links). Without it, the development server's default address.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
if not SITE_URL or not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("SITE_URL must be the portal's address, e.g. https://meister.example.jp.")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Where the file email backend (used by `make run`) writes each message.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "meister-portal@localhost")

# Production hardening: on whenever DEBUG is off, each overridable for a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Container health probes call the server directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every layout step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "axes")},
}
