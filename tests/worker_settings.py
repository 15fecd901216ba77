"""Settings for a `db_worker` process that the newsletter tests start: the test settings, with the
database task backend and the SMTP server the test started (EMAIL_HOST, EMAIL_PORT)."""

import os

from tests.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ["EMAIL_HOST"],
            "port": int(os.environ["EMAIL_PORT"]),
            "use_tls": False,
            "timeout": 5,
        },
    }
}
# The test's own database, as the test process sees it (SQLITE_PATH or DATABASE_URL name it).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["NAME"] = os.environ["SQLITE_PATH"]  # noqa: F405
