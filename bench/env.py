"""The environment the harness gives Django: production settings, one database per scale."""

import os
import secrets
import shutil
import signal
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"
PROJECT_DIR = BENCH_DIR.parent
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def database_env(scale, db):
    """SQLITE_PATH or DATABASE_URL for ``scale`` on ``db`` ("sqlite" or "postgres")."""
    if db == "postgres":
        return {"DATABASE_URL": f"{POSTGRES_SERVER}/nb_bench_{scale}", "SQLITE_PATH": ""}
    DATA_DIR.mkdir(exist_ok=True)
    return {"SQLITE_PATH": str(DATA_DIR / f"{scale}.sqlite3"), "DATABASE_URL": ""}


def production_env(scale, db, *, static_root, no_cache=False):
    """Everything the server and this process read: DEBUG off, HTTP (no TLS) on localhost."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.nocache_settings" if no_cache else "newsboard.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(static_root),
        "NEWSBOARD_BENCH": "true",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # gunicorn.conf.py recycles workers every ~1,000 requests; under wrk that is every
        # second or two, so each run would measure worker boots and an emptied local-memory
        # cache, and the memory check would see fresh workers. Measure steady workers
        # (BENCH_GUNICORN_MAX_REQUESTS=1000: as in production, to see what recycling costs).
        "GUNICORN_MAX_REQUESTS": os.environ.get("BENCH_GUNICORN_MAX_REQUESTS", "0"),
    }
    # With --no-cache the page cache is off by its own setting too, so not even its
    # content-version query runs (the dummy cache alone would still make that query); warm
    # runs set the default explicitly so a stray 0 in the shell cannot turn the cache off.
    env["NEWSBOARD_PAGE_CACHE_SECONDS"] = "0" if no_cache else "600"
    env.update(database_env(scale, db))
    return env


BARE_SESSION_ENGINES = {
    "database": "django.contrib.sessions.backends.db",
    "signed cookies": "django.contrib.sessions.backends.signed_cookies",
}


def bare_env(board_env, sessions):
    """Bare Django (bench/bare/) under the same gunicorn knobs, with ``sessions`` ("database" or
    "signed cookies"). It shares the board's secret key, so the harness can make its cookies.
    """
    DATA_DIR.mkdir(exist_ok=True)
    return {
        "DJANGO_SETTINGS_MODULE": "bench.bare.settings",
        "SECRET_KEY": board_env["SECRET_KEY"],
        "SESSION_ENGINE": BARE_SESSION_ENGINES[sessions],
        "BARE_SQLITE_PATH": str(DATA_DIR / "bare.sqlite3"),
        "GUNICORN_MAX_REQUESTS": board_env["GUNICORN_MAX_REQUESTS"],
    }


def create_postgres_database(scale):
    """Create nb_bench_<scale> if it does not exist yet."""
    import psycopg

    name = f"nb_bench_{scale}"
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(scale, db):
    """Start a scale from nothing (``--rebuild``)."""
    if db == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "nb_bench_{scale}" WITH (FORCE)')
        return
    for suffix in ("", "-wal", "-shm"):
        Path(database_env(scale, db)["SQLITE_PATH"] + suffix).unlink(missing_ok=True)


def setup_django(env):
    """Configure Django in this process with ``env`` (call once, before importing models)."""
    os.environ.update(env)
    import django

    django.setup()


def run_in_harness(run, args):
    """``run(args, static_root)`` with a temporary STATIC_ROOT, removed afterwards. A plain
    ``kill`` still stops the servers: SIGTERM becomes an exit that runs the cleanups."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    static_root = Path(tempfile.mkdtemp(prefix="newsboard-bench-static-"))
    try:
        return run(args, static_root)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
