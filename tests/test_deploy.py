"""The production configuration: `check --deploy` is clean, and a half-configured server refuses to start.

Each test runs manage.py in a fresh process with only the environment given, as a server would.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(tmp_path, **overrides):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "newsboard.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.edu",
        "EMAIL_HOST": "smtp.example.edu",
        "SQLITE_PATH": str(tmp_path / "deploy.sqlite3"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("database_url", [None, "postgres://newsboard:secret@db.example.edu:5432/newsboard"])
def test_check_deploy_has_no_warnings_in_production(tmp_path, database_url):
    result = manage(production_env(tmp_path, DATABASE_URL=database_url), "check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY is not set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS is not set"),
    ],
)
def test_production_refuses_to_start_half_configured(tmp_path, missing, message):
    result = manage(production_env(tmp_path, **{missing: None}), "check")
    assert result.returncode != 0
    assert message in result.stderr
    assert "see .env.example" in result.stderr


def test_development_needs_nothing_set(tmp_path):
    env = production_env(tmp_path, DEBUG="true", SECRET_KEY=None, ALLOWED_HOSTS=None, EMAIL_HOST=None)
    result = manage(env, "check")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("redis_url", "engine"),
    [
        (None, "django.contrib.sessions.backends.signed_cookies"),
        ("redis://cache.example.edu:6379/0", "django.contrib.sessions.backends.cached_db"),
    ],
)
def test_sessions_are_read_through_the_cache_only_when_it_is_shared(tmp_path, redis_url, engine):
    """A per-worker cache would keep a signed-out session alive in the other workers."""
    env = production_env(tmp_path, REDIS_URL=redis_url)
    result = manage(env, "shell", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == engine
