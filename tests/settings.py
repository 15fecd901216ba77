"""Test settings: the project's settings with fast hashing and files kept out of the repo."""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="newsboard-test-media-"))

from newsboard.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = tempfile.mkdtemp(prefix="newsboard-test-static-")
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tasks run where they are enqueued, so most tests see their emails at once; the newsletter tests
# also run the database backend with a real `db_worker` process (tests/newsletter_support.py).
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# SQLite tests use a file, not memory: the live-server tests then exercise real concurrent
# connections (WAL, IMMEDIATE transactions, busy timeout) as the production server does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = os.path.join(  # noqa: F405
        tempfile.mkdtemp(prefix="newsboard-test-db-"), "test.sqlite3"
    )
    # A throwaway database needs no durability: skip the fsyncs.
    DATABASES["default"]["OPTIONS"]["init_command"] = DATABASES["default"]["OPTIONS"][  # noqa: F405
        "init_command"
    ].replace("synchronous=NORMAL", "synchronous=OFF")

# With Redis, each pytest-xdist worker gets its own database number: the tests clear the cache
# (FLUSHDB) between tests, which must not empty another worker's cache mid-test.
if REDIS_URL:  # noqa: F405
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    CACHES["default"]["LOCATION"] = REDIS_URL.rsplit("/", 1)[0] + f"/{15 - worker % 8}"  # noqa: F405
