"""Structured logs: one JSON line per request, tracebacks for errors, no secrets ever."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from newsboard.logging import JsonFormatter

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parent.parent

PASSWORD = "hunter2-do-not-log-me"


@pytest.fixture
def log_output():
    """Everything logged during the test, as the production handlers would write it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(), logging.getLogger("newsboard.requests")]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


def request_lines(stream):
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == "newsboard.requests"]


def test_a_request_logs_one_json_line_with_status_and_duration(client, log_output):
    client.get(reverse("items:issue_list"))
    [line] = request_lines(log_output)
    assert line["method"] == "GET"
    assert line["path"] == reverse("items:issue_list")
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["user_id"] is None
    assert line["level"] == "INFO"


def test_the_signed_in_user_is_logged_by_id(instructor_client, instructor, log_output):
    instructor_client.get(reverse("admin:index"))
    [line] = request_lines(log_output)
    assert line["user_id"] == instructor.pk


def test_tokens_in_query_strings_are_redacted(client, log_output):
    client.get(reverse("items:issue_list"), {"token": "s3cr3t-token", "page": "2", "api_key": "k3y"})
    [line] = request_lines(log_output)
    assert "s3cr3t" not in log_output.getvalue() and "k3y" not in log_output.getvalue()
    assert "page=2" in line["query"]


def test_a_posted_password_never_reaches_the_logs(client, instructor, log_output):
    client.post(reverse("admin:login"), {"username": "instructor", "password": PASSWORD})
    assert request_lines(log_output)
    assert PASSWORD not in log_output.getvalue()


def test_an_error_logs_its_traceback_but_not_the_posted_password(instructor, log_output):
    client = Client(raise_request_exception=False)
    with mock.patch("newsboard.signin.SignInHandler.is_spraying", side_effect=RuntimeError("boom")):
        response = client.post(reverse("admin:login"), {"username": "instructor", "password": PASSWORD})
    assert response.status_code == 500
    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert "RuntimeError: boom" in error["traceback"]
    assert request_lines(log_output)[0]["status"] == 500
    assert PASSWORD not in log_output.getvalue()


def test_the_production_configuration_writes_json_requests_to_stdout(tmp_path):
    """The real LOGGING setting, in a fresh process: the request line on stdout, nothing else."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "false",
        "SECRET_KEY": "logging-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "news.example.edu",
        "SQLITE_PATH": str(tmp_path / "logging.sqlite3"),
    }
    script = (
        "from django.test import Client; Client().get('/healthz?token=abc', HTTP_HOST='news.example.edu')"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    [line] = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert (line["logger"], line["path"], line["query"]) == (
        "newsboard.requests",
        "/healthz",
        "token=%5Bredacted%5D",
    )
    assert line["status"] == 200


def reset_link(user):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return uid, token, reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def test_a_password_reset_token_never_reaches_the_log(client, student, log_output):
    uid, token, link = reset_link(student)
    assert client.get(link).status_code == 302  # Django moves the token into the session
    [line] = request_lines(log_output)
    assert line["path"] == f"/accounts/reset/{uid}/[redacted]/"
    assert line["message"] == f"GET /accounts/reset/{uid}/[redacted]/ 302"
    assert token not in log_output.getvalue()


def test_a_token_in_a_mangled_link_is_redacted_from_every_line(client, student, log_output):
    _uid, token, link = reset_link(student)
    assert client.get(link + "trailing-junk/").status_code == 404
    assert request_lines(log_output)
    assert token not in log_output.getvalue()


def run_with_production_logging(tmp_path, script):
    """``script`` in a fresh process with the real LOGGING setting (and the test settings' plain
    static files storage, which needs no collectstatic); returns its stderr's JSON lines."""
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "false",
        "SECRET_KEY": "logging-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "news.example.edu",
        "SQLITE_PATH": str(tmp_path / "logging.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]


def test_an_oversized_request_body_is_a_warning_without_a_traceback(tmp_path):
    script = (
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from django.test import Client\n"
        "response = Client().post('/accounts/login/', {'username': 'x' * 3_000_000, 'password': 'p'},"
        " HTTP_HOST='news.example.edu', secure=True)\n"
        "assert response.status_code == 400, response.status_code\n"
    )
    lines = [line for line in run_with_production_logging(tmp_path, script) if line["logger"] != "axes.apps"]
    [line] = lines
    assert line["logger"] == "django.security.RequestDataTooBig"
    assert line["level"] == "WARNING" and "traceback" not in line


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/feeds/issues.rss", "/no-such-page/"])
def test_head_sends_the_headers_of_a_get_and_no_body(client, path):
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    assert int(head["Content-Length"]) == len(get.content)
