"""A real gunicorn (the repo's gunicorn.conf.py, 2 sync workers, production settings) under load.

20 students post 200 comments at once: every post is saved, none fails, and gunicorn's stderr
never says "database is locked". It runs against a database this module prepares with
``manage.py migrate``: a SQLite file in a temporary folder, or, when the suite runs on
PostgreSQL (DATABASE_URL), a throwaway database on that server, dropped afterwards.
gunicorn listens on a free port the OS picks (NEWSBOARD_LIVE_PORT chooses one instead).
"""

import http.client
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.live

PROJECT_DIR = Path(__file__).resolve().parent.parent
CLIENTS = 20
POSTS_PER_CLIENT = 10
DISCUSSION = "live-load"


def setup_script(title, slug, usernames):
    """The script `manage.py shell` runs against a live test's new database: migrate, collectstatic
    (production settings need the manifest), then a session per user name printed as "SESSION name
    key" (so a test spends its time on requests, not hashing passwords), and the discussion."""
    return f"""
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY, get_user_model
from importlib import import_module
from django.conf import settings
from items.models import Discussion

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

Discussion.objects.create(title={title!r}, slug={slug!r}, prompt="Say something.")
for name in {list(usernames)!r}:
    user = get_user_model().objects.create_user(name, f"{{name}}@example.edu")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    print("SESSION", name, session.session_key)
"""


def sessions_made(output):
    """``{user name: session key}`` from what ``setup_script`` printed, in its order."""
    return dict(re.findall(r"^SESSION (\S+) (\S+)$", output, re.M))


SETUP = setup_script("Live load", DISCUSSION, [f"live{n}" for n in range(CLIENTS)])


def free_port():
    if os.environ.get("NEWSBOARD_LIVE_PORT"):
        return int(os.environ["NEWSBOARD_LIVE_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """A SQLite file or a throwaway PostgreSQL database, with the environment that points at it."""

    def __init__(self, tmp_path):
        self.postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        if self.postgres:
            base = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
            self.name = f"nb_live_{secrets.token_hex(4)}"
            self.admin_url = base._replace(path="/postgres").geturl()
            self.env = {"DATABASE_URL": base._replace(path=f"/{self.name}").geturl()}
        else:
            self.path = tmp_path / "live.sqlite3"
            self.env = {"DATABASE_URL": "", "SQLITE_PATH": str(self.path)}

    def create(self):
        if self.postgres:
            self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, statement):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def scalar(self, query):
        if self.postgres:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"]) as connection:
                return connection.execute(query).fetchone()[0]
        with sqlite3.connect(self.path) as connection:
            return connection.execute(query).fetchone()[0]


def production_env(tmp_path, database, port):
    """Production settings (DEBUG off, real secret, HTTP on localhost), as DEPLOY.md lists them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "SQLITE_PATH", "GUNICORN_"))
    }
    return (
        env
        | database.env
        | {
            "DJANGO_SETTINGS_MODULE": "newsboard.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            # With REDIS_URL set (CI), keep this server's cache apart from everything else's:
            # its own prefix, in this pytest-xdist worker's own Redis database (another worker
            # empties its database between tests, which once emptied this server's health key
            # between its write and its read: a 503).
            "CACHE_KEY_PREFIX": f"nb-live-{secrets.token_hex(4)}",
            **({"REDIS_URL": settings.CACHES["default"]["LOCATION"]} if os.environ.get("REDIS_URL") else {}),
            # The load is 10 posts per student within seconds; the normal limit is 5 a minute.
            "NEWSBOARD_COMMENTS_PER_MINUTE": "1000",
            "NEWSBOARD_COMMENTS_PER_DAY": "1000",
        }
    )


def manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def worker_count(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        return len(children.read().split())


class Gunicorn:
    def __init__(self, env, port, log_dir):
        self.env, self.port = env, port
        self.stdout_path, self.stderr_path = log_dir / "gunicorn.out", log_dir / "gunicorn.err"
        self.process = None

    def start(self):
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=out,
                stderr=err,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.stderr()}")
            try:
                if get(self.port, "/healthz")[0] == 200 and worker_count(self.process.pid) == 2:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer on port {self.port}:\n{self.stderr()}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def stderr(self):
        return self.stderr_path.read_text()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """gunicorn on a migrated database with 20 signed-in students; stopped and cleaned up after."""
    tmp_path = tmp_path_factory.mktemp("live")
    database = Database(tmp_path)
    port = free_port()
    env = production_env(tmp_path, database, port)
    database.create()
    server = Gunicorn(env, port, tmp_path)
    try:
        # One process migrates, collects the static files and adds the students: each extra
        # Python start-up costs seconds on a busy CI machine.
        setup = manage(env, "shell", "-c", SETUP)
        sessions = list(sessions_made(setup.stdout).values())
        assert len(sessions) == CLIENTS, setup.stdout + setup.stderr
        server.start()
        yield {"server": server, "database": database, "sessions": sessions, "port": port}
    finally:
        server.stop()
        database.drop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Student:
    """One browser: a cookie jar holding its session, CSRF token from the page's form."""

    def __init__(self, port, session_key):
        self.base = f"http://127.0.0.1:{port}"
        self.cookies = http.cookiejar.CookieJar()
        self.cookies.set_cookie(cookie("sessionid", session_key))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )
        self.page = f"/discussion/{DISCUSSION}/"

    def open_page(self):
        with self.opener.open(self.base + self.page, timeout=30) as response:
            html = response.read().decode()
        self.form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def post(self, body):
        data = {
            "csrfmiddlewaretoken": self.form_token,
            "body": body,
            "submit_token": str(uuid.uuid4()),
            "website": "",
        }
        request = urllib.request.Request(
            f"{self.base}{self.page}comment/",
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.base + self.page},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:  # 302 arrives here too (redirects not followed)
            return error.code


def cookie(name, value):
    return http.cookiejar.Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {}
    )


def test_twenty_students_post_two_hundred_comments_at_once(live):
    students = [Student(live["port"], key) for key in live["sessions"]]
    for student in students:
        student.open_page()
    barrier = threading.Barrier(CLIENTS)
    results = [[] for _ in students]

    def post_all(n):
        barrier.wait()
        for k in range(POSTS_PER_CLIENT):
            try:
                results[n].append(students[n].post(f"Comment {k} from student {n}"))
            except OSError as error:
                results[n].append(repr(error))

    started = time.monotonic()
    threads = [threading.Thread(target=post_all, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started

    answers = [status for statuses in results for status in statuses]
    errors = [status for status in answers if status != 302]
    saved = live["database"].scalar("SELECT COUNT(*) FROM items_comment")
    counted = live["database"].scalar(
        f"SELECT comment_count FROM items_discussion WHERE slug = '{DISCUSSION}'"
    )
    stderr = live["server"].stderr()
    print(
        f"{live['database'].env.get('DATABASE_URL') and 'PostgreSQL' or 'SQLite'}: "
        f"{len(answers)} posts in {elapsed:.1f}s, {saved} saved, {len(errors)} errors"
    )
    assert len(answers) == CLIENTS * POSTS_PER_CLIENT
    assert errors == []
    assert saved == counted == CLIENTS * POSTS_PER_CLIENT
    assert "database is locked" not in stderr
    assert "Traceback" not in stderr


def test_a_header_too_long_for_django_is_refused_by_gunicorn_not_a_500(live):
    """Django cannot build a request with a Content-Type over 10,000 characters (a 500 outside
    any view); gunicorn's 8,190-byte header limit answers before it gets that far."""
    status, _body = get(live["port"], "/", headers={"Content-Type": "x" * 20_000})
    assert status in (400, 431)


def test_head_requests_send_no_body_and_gunicorn_stays_quiet(live):
    for path in ["/", "/healthz", "/accounts/login/", "/no-such-page/"]:
        connection = http.client.HTTPConnection("127.0.0.1", live["port"], timeout=10)
        try:
            connection.request("HEAD", path)
            response = connection.getresponse()
            assert response.status < 500 and response.read() == b""
        finally:
            connection.close()
    assert "no-body response" not in live["server"].stderr()
