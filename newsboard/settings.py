"""Settings for newsboard, read from the environment.

Development needs nothing set: SQLite in the project folder, local-memory cache,
console email. Production (DEBUG off) refuses to start without a real SECRET_KEY
and ALLOWED_HOSTS. Every variable is listed in .env.example.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name, default=""):
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (see .env.example), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-true"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Set ALLOWED_HOSTS to the comma-separated host names "
        "that serve the board (see .env.example)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "taggit",
    "axes",
    "items",
    # After items (its admin extends the issue's), before django_tasks_db (its db_worker wraps theirs).
    "newsletter",
    "django_tasks_db",
]

MIDDLEWARE = [
    "newsboard.logging.RequestLogMiddleware",
    "newsboard.head.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "newsboard.headers.PermissionsPolicyMiddleware",
    "newsboard.outage.DatabaseUnavailableMiddleware",
    # A NUL in an admin query string is a 400, not a PostgreSQL error (changelists filter on it).
    "newsboard.badinput.RejectNulInAdminQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers If-Modified-Since / If-None-Match with 304, e.g. for feed readers polling the feeds.
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous readers get whole pages from the cache, stored with the versions they show.
    "items.caching.PageCacheMiddleware",
    # Inside the page cache, so a cached page is compressed once and stored per encoding.
    "django.middleware.gzip.GZipMiddleware",
    "newsboard.compression.ContentETagMiddleware",
    # Django's SessionMiddleware, refusing forged session keys before they reach the database.
    "newsboard.sessions.ValidatedSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsboard.middleware.BoardLoginRequiredMiddleware",
    # Turns a sign-in that Axes refused into the "locked" page (429); last, as Axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsboard.urls"
WSGI_APPLICATION = "newsboard.wsgi.application"

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
                "items.context_processors.board",
            ],
        },
    },
]

# SQLite by default, tuned for a web server: WAL lets readers run beside one writer,
# IMMEDIATE transactions take the write lock up front so concurrent writers queue on
# the busy timeout instead of failing with "database is locked" mid-transaction.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Keep the connection between requests: opening one runs the five PRAGMAs below,
            # which cost more than a cached page's one small query.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA cache_size=-20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsboard"),
            # Fail fast when Redis is down, so /healthz and pages answer instead of hanging.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsboard",
            # Pages and comment fragments (items/fragments.py): the default 300 entries would
            # cull a busy discussion's 200 fragments along with the pages.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Argon2id first, as Django's password docs recommend: memory-hard, and here ~0.2 s a sign-in
# where PBKDF2 (Django 6.1: 1,500,000 iterations) took ~0.5-0.8 s, which put a lecture hall's
# sign-ins over 1 s at p99 on two cores. Older PBKDF2 hashes still verify and are rehashed with
# Argon2 at the account's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-ca"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Toronto")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
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
WHITENOISE_MAX_AGE = 31536000
# Backups keep microseconds (items/exactjson.py); the stock "json" format rounds to milliseconds.
SERIALIZATION_MODULES = {"exactjson": "items.exactjson"}

# Every signed-in request reads its session. With Redis (one cache for every worker and server)
# sessions live in the database and are read through Redis ("cached_db"). Without it they live in
# the signed cookie itself: no query (a signed-in page 12 % fewer instructions than with database
# sessions), and nothing to share between workers, whose local-memory caches could not agree on
# a sign-out. The trade-off (DEPLOY.md): a signed-cookie session cannot be revoked from the
# server except by a password change or a new SECRET_KEY.
SESSION_ENGINE = os.environ.get(
    "SESSION_ENGINE",
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.signed_cookies",
)

LOGIN_URL = "login"
# A reset link is used within minutes of asking for it; Django's default of 3 days leaves it
# valid in a mailbox long after.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 2 * 60 * 60)
# Per hour (newsboard/accounts.py, counted in the cache): reset requests and wrong join codes from
# one client address, sign-ups from one address (a class behind one NAT signs up together), and
# reset or sign-up emails to one mailbox.
NEWSBOARD_RESET_REQUESTS_PER_IP = env_int("NEWSBOARD_RESET_REQUESTS_PER_IP", 20)
NEWSBOARD_JOIN_CODE_FAILURES_PER_IP = env_int("NEWSBOARD_JOIN_CODE_FAILURES_PER_IP", 20)
NEWSBOARD_SIGNUPS_PER_IP = env_int("NEWSBOARD_SIGNUPS_PER_IP", 200)
NEWSBOARD_ACCOUNT_EMAILS_PER_ADDRESS = env_int("NEWSBOARD_ACCOUNT_EMAILS_PER_ADDRESS", 3)
LOGIN_REDIRECT_URL = "items:home"
LOGOUT_REDIRECT_URL = "items:home"

# Email: the console in development (and wherever EMAIL_HOST is unset), SMTP otherwise.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
        if EMAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsboard@localhost")

# Background work: Django's Tasks framework with a queue in the database (django-tasks-db), run by
# `manage.py db_worker` (bin/serve starts one; DEPLOY.md runs it as its own process). Every email
# is sent by it, never inside a request. TASKS_BACKEND=immediate runs tasks in the process that
# enqueues them (no worker; emails then go inside requests again: for a quick try only).
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("TASKS_BACKEND", "") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}
# The weekly issue by email (newsletter/). Rates are for the whole board: messages a second,
# shared by NEWSLETTER_SENDERS sending tasks (one per worker that should send at once), and
# messages on one SMTP connection before it is closed and opened again.
NEWSLETTER_MESSAGES_PER_SECOND = float(os.environ.get("NEWSLETTER_MESSAGES_PER_SECOND", "") or 10)
NEWSLETTER_MESSAGES_PER_CONNECTION = env_int("NEWSLETTER_MESSAGES_PER_CONNECTION", 100)
NEWSLETTER_SENDERS = env_int("NEWSLETTER_SENDERS", 2)
# A message the server could not take (4xx, down, timed out) is tried again after 60 s, 120 s,
# 240 s ... (at most an hour apart), this many attempts in all; a 5xx refusal stops at once.
NEWSLETTER_RETRY_SECONDS = env_int("NEWSLETTER_RETRY_SECONDS", 60)
NEWSLETTER_MAX_ATTEMPTS = env_int("NEWSLETTER_MAX_ATTEMPTS", 8)
# A delivery left "sending" this long belongs to a worker that died (see newsletter/delivery.py).
NEWSLETTER_STALE_SECONDS = env_int("NEWSLETTER_STALE_SECONDS", 300)
# How often each worker looks for scheduled issues that went live and deliveries with no task.
NEWSLETTER_SWEEP_SECONDS = env_int("NEWSLETTER_SWEEP_SECONDS", 60)
# An issue published with a time further back than this is a backfill, not news: not mailed.
NEWSLETTER_BACKFILL_HOURS = env_int("NEWSLETTER_BACKFILL_HOURS", 24)
NEWSLETTER_UNSUBSCRIBE_LINK_DAYS = env_int("NEWSLETTER_UNSUBSCRIBE_LINK_DAYS", 365)
NEWSLETTER_VERIFY_LINK_HOURS = env_int("NEWSLETTER_VERIFY_LINK_HOURS", 72)

# Uploaded images: bytes and pixels, the second guarding against decompression bombs.
NEWSBOARD_MAX_UPLOAD_BYTES = env_int("NEWSBOARD_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
NEWSBOARD_MAX_IMAGE_PIXELS = env_int("NEWSBOARD_MAX_IMAGE_PIXELS", 40_000_000)
# The app serves uploads itself (bin/serve's demo, with no proxy in front); a deployment leaves
# this off and lets the proxy serve MEDIA_ROOT (DEPLOY.md).
NEWSBOARD_SERVE_MEDIA = env_bool("NEWSBOARD_SERVE_MEDIA", DEBUG)
NEWSBOARD_SITE_NAME = os.environ.get("NEWSBOARD_SITE_NAME", "ML Weekly — course news board")

# Accounts and discussion.
# Private courses: every page needs sign-in (sign-in, sign-up and password reset stay open).
NEWSBOARD_LOGIN_REQUIRED = env_bool("NEWSBOARD_LOGIN_REQUIRED", False)
# Path prefixes that stay open even then: health checks, static files, the icon and the web app
# manifest (which browsers fetch without cookies).
NEWSBOARD_LOGIN_EXEMPT_PREFIXES = env_list(
    "NEWSBOARD_LOGIN_EXEMPT_PREFIXES", "/healthz,/static/,/favicon.ico,/manifest.webmanifest"
)
# Absolute links in emails (reply notifications): the board's public address.
NEWSBOARD_SITE_URL = os.environ.get("NEWSBOARD_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
NEWSBOARD_COMMENT_MAX_LENGTH = env_int("NEWSBOARD_COMMENT_MAX_LENGTH", 5000)
NEWSBOARD_COMMENT_EDIT_MINUTES = env_int("NEWSBOARD_COMMENT_EDIT_MINUTES", 15)
NEWSBOARD_COMMENTS_PER_MINUTE = env_int("NEWSBOARD_COMMENTS_PER_MINUTE", 5)
NEWSBOARD_COMMENTS_PER_DAY = env_int("NEWSBOARD_COMMENTS_PER_DAY", 50)
# Students may post a comment anonymously to classmates (instructors still see who wrote it).
# Off: the choice is no longer offered; comments already posted anonymously stay anonymous.
NEWSBOARD_ANONYMOUS_POSTING = env_bool("NEWSBOARD_ANONYMOUS_POSTING", True)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# One JSON line per request on stdout (newsboard.logging); everything else, tracebacks
# included, as JSON on stderr. LOG_FORMAT=plain gives readable lines in development.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "newsboard.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"client_errors": {"()": "newsboard.logging.ClientErrorsAsWarnings"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain" if LOG_FORMAT == "plain" else "json",
            "filters": ["client_errors"],
        },
        "requests": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain" if LOG_FORMAT == "plain" else "json",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "newsboard.requests": {"handlers": ["requests"], "level": "INFO", "propagate": False},
    },
}

# Whole-page cache for anonymous readers (0 turns it off); see items/caching.py.
NEWSBOARD_PAGE_CACHE_SECONDS = env_int("NEWSBOARD_PAGE_CACHE_SECONDS", 600)
# A signed-in student's own pages, kept for them alone while nothing they show changes; this
# bounds how old a relative time ("5 minutes ago") on them can be. 0 turns it off.
NEWSBOARD_READER_PAGE_SECONDS = env_int("NEWSBOARD_READER_PAGE_SECONDS", 60)
# Shared fragments ({% cache %}) are keyed by the versions they show, so they are never stale;
# this bounds the memory that old versions hold. 0 draws every fragment on every request.
NEWSBOARD_FRAGMENT_SECONDS = env_int("NEWSBOARD_FRAGMENT_SECONDS", 3600)
# How long after deleting a comment its author may take it back ("Undo" on the next page).
NEWSBOARD_UNDO_DELETE_SECONDS = env_int("NEWSBOARD_UNDO_DELETE_SECONDS", 30)
# How often an open discussion page asks whether new comments arrived (static/js/live.js).
NEWSBOARD_LIVE_POLL_SECONDS = env_int("NEWSBOARD_LIVE_POLL_SECONDS", 10)
NEWSBOARD_PAGE_CACHE_EXCLUDE = ["/admin/", "/accounts/", "/healthz", "/static/", "/media/", "/__bench__/"]

# Content-Security-Policy (Django's own middleware): nothing inline, nothing from elsewhere.
# Pictures hosted elsewhere are shown as links, so img-src needs no https:; when uploads
# live in an object store on another origin, add it with CSP_MEDIA_ORIGINS.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *env_list("CSP_MEDIA_ORIGINS")],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Load balancers probe /healthz over plain HTTP on the app server itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Sign-in lockout (django-axes, newsboard/signin.py): 5 failures for one (user name, address)
# pair lock that pair for 15 minutes; an address is locked only when its failures in that time
# span many user names, more than a class behind one NAT would mistype.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "newsboard.signin.ProfileModelBackend"]
AXES_HANDLER = "newsboard.signin.SignInHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("NEWSBOARD_LOGIN_FAILURES_PER_USER", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NEWSBOARD_LOGIN_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
# Attempts while locked neither extend the lock nor count: the lock ends 15 minutes after it began.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "newsboard.signin.username_key"
AXES_CLIENT_IP_CALLABLE = "newsboard.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "newsboard.signin.locked_out"
NEWSBOARD_LOGIN_USERNAMES_PER_IP = env_int("NEWSBOARD_LOGIN_USERNAMES_PER_IP", 100)
# How many proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
NEWSBOARD_TRUSTED_PROXY_COUNT = env_int("NEWSBOARD_TRUSTED_PROXY_COUNT", 0)

# HSTS preloading is a decision for whoever owns the parent domain (a university's, usually),
# not for one department's board: SECURE_HSTS_PRELOAD stays opt-in, and check --deploy quiet.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# The benchmark harness (bench/) turns this on to route its reference view; never in production.
NEWSBOARD_BENCH = env_bool("NEWSBOARD_BENCH", False)
