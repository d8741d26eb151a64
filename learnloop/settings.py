"""Django settings, all read from ``LEARNLOOP_*`` environment variables (see README.md)."""

from __future__ import annotations

import datetime

import dj_database_url
from django.utils.csp import CSP

from learnloop.config import (
    PACKAGE_DIR,
    data_dir,
    env,
    env_bool,
    env_int,
    env_list,
    secret_key,
)

DATA_DIR = data_dir()
DEBUG = env_bool("LEARNLOOP_DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("LEARNLOOP_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("LEARNLOOP_CSRF_TRUSTED_ORIGINS", [])
BASE_URL = (env("LEARNLOOP_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "learnloop.accounts",
    "learnloop.audit",
    "learnloop.people",
    "learnloop.xapi",
    "learnloop.skills",
    "learnloop.learning",
    "learnloop.feedback",
    "learnloop.surveys",
    "learnloop.mentoring",
    "learnloop.insights",
    "learnloop.jobs",
    "learnloop.web",
    "learnloop.api",
    "learnloop.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "learnloop.inputs.RejectUnsafeText",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "learnloop.urls"
WSGI_APPLICATION = "learnloop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "learnloop.web.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("LEARNLOOP_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'learnloop.sqlite3'}",
        conn_max_age=env_int("LEARNLOOP_DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during writes; IMMEDIATE takes the write lock at BEGIN so
    # concurrent writers queue on busy_timeout instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # FULL: a write acknowledged to a client (an xAPI 200) survives a power loss too.
        # Checkpoints every 16,000 pages (64 MB of WAL) rather than 1,000: a page rewritten by
        # many commits is copied back once, and each checkpoint costs two fsyncs inside some
        # writer's commit; LRS ingest into stores of 80,000 to 1M statements ran about 20-25 %
        # faster (docs/lrs.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=16000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "learnloop.accounts.backends.EmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# How long an e-mailed sign-in link stays valid.
SIGNIN_LINK_MAX_AGE = env_int("LEARNLOOP_SIGNIN_LINK_MAX_AGE", 60 * 15)

# Sign-in throttling (django-axes, docs/security.md). Failures are counted per pair of account
# and address, and per address across accounts (password spraying); never per account alone,
# which would let anyone lock a colleague out by typing wrong passwords from anywhere.
SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = env_int(
    "LEARNLOOP_SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", 10
)
SIGNIN_FAILURES_PER_ADDRESS = env_int("LEARNLOOP_SIGNIN_FAILURES_PER_ADDRESS", 50)
AXES_HANDLER = "learnloop.accounts.throttling.SigninAttempts"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "learnloop.accounts.throttling.failure_limit"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LEARNLOOP_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "learnloop.accounts.throttling.attempted_email"
AXES_CLIENT_IP_CALLABLE = "learnloop.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "learnloop.accounts.views.locked_out"
# Failures only: no log of every sign-in (with address and browser) kept forever.
AXES_DISABLE_ACCESS_LOG = True
# The admin of learnloop's own admin site (accounts/admin.py), not Django's default one.
AXES_ENABLE_ADMIN = False
# No start-up banner from axes on every command and worker start.
AXES_VERBOSE = False
# Password-reset and sign-in-link e-mails asked for, per hour (learnloop/throttle.py).
EMAIL_REQUESTS_PER_ADDRESS = env_int("LEARNLOOP_EMAIL_REQUESTS_PER_ADDRESS", 20)
EMAIL_REQUESTS_PER_RECIPIENT = env_int("LEARNLOOP_EMAIL_REQUESTS_PER_RECIPIENT", 3)

LANGUAGE_CODE = "en"
TIME_ZONE = env("LEARNLOOP_TIME_ZONE") or "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end packages come from npm (package-lock.json) and are served from node_modules.
_NODE_MODULES = PACKAGE_DIR.parent / "node_modules"
STATICFILES_DIRS = [
    ("vendor/htmx", _NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/pico", _NODE_MODULES / "@picocss" / "pico" / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
_EMAIL_BACKEND = (env("LEARNLOOP_EMAIL_BACKEND") or "console").lower()
if _EMAIL_BACKEND not in _EMAIL_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"LEARNLOOP_EMAIL_BACKEND: expected one of {', '.join(_EMAIL_BACKENDS)}, got {_EMAIL_BACKEND!r}"
    )
_EMAIL_OPTIONS: dict[str, object] = {}
if _EMAIL_BACKEND == "smtp":
    _EMAIL_OPTIONS = {
        "host": env("LEARNLOOP_EMAIL_HOST") or "localhost",
        "port": env_int("LEARNLOOP_EMAIL_PORT", 587),
        "username": env("LEARNLOOP_EMAIL_USER") or "",
        "password": env("LEARNLOOP_EMAIL_PASSWORD") or "",
        "use_tls": env_bool("LEARNLOOP_EMAIL_USE_TLS", True),
        "timeout": 20,
    }
elif _EMAIL_BACKEND == "file":
    _EMAIL_OPTIONS = {"file_path": str(DATA_DIR / "mail")}
MAILERS = {"default": {"BACKEND": _EMAIL_BACKENDS[_EMAIL_BACKEND], "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env("LEARNLOOP_DEFAULT_FROM_EMAIL") or "learnloop <learnloop@localhost>"

REDIS_URL = env("LEARNLOOP_REDIS_URL") or "redis://127.0.0.1:6379/0"
_TASKS_BACKEND = (env("LEARNLOOP_TASKS_BACKEND") or "database").lower()
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if _TASKS_BACKEND not in _TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"LEARNLOOP_TASKS_BACKEND: expected one of {', '.join(_TASK_BACKENDS)}, got {_TASKS_BACKEND!r}"
    )
TASKS_BACKEND_NAME = _TASKS_BACKEND
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_TASKS_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL}}
if _TASKS_BACKEND == "redis":
    INSTALLED_APPS.append("django_rq")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if env("LEARNLOOP_CACHE") == "redis"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Served over HTTPS in production: secure cookies and HSTS unless debugging. Redirecting
# plain HTTP is the TLS terminator's job by default, so loopback clients still get answers.
_HTTPS = env_bool("LEARNLOOP_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = env_bool("LEARNLOOP_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("LEARNLOOP_HSTS_SECONDS", 31_536_000) if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
# Behind a proxy, client addresses (for throttling) come from its X-Forwarded-For too.
BEHIND_PROXY = env_bool("LEARNLOOP_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

NINJA_PAGINATION_PER_PAGE = 50
XAPI_MAX_BODY_BYTES = env_int("LEARNLOOP_XAPI_MAX_BODY_BYTES", 64 * 1024 * 1024)
# Failed LRS client authentications allowed per key and per address in 5 minutes.
XAPI_AUTH_FAILURES_PER_KEY = env_int("LEARNLOOP_XAPI_AUTH_FAILURES_PER_KEY", 20)
XAPI_AUTH_FAILURES_PER_ADDRESS = env_int("LEARNLOOP_XAPI_AUTH_FAILURES_PER_ADDRESS", 50)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LEARNLOOP_LOG_LEVEL") or "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
