"""One student cannot stall everyone's writes with comments that are slow to render.

A real gunicorn (production settings, 2 sync workers; the database is a SQLite file, or a
throwaway PostgreSQL database when the suite runs on PostgreSQL): one student posts and edits
the worst-case comments in a loop, rate limits lifted so nothing but the render slows them,
while another student posts. Every one of the other student's posts lands within a second.
"""

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.test_gunicorn_concurrency import (
    Database,
    Gunicorn,
    NoRedirect,
    cookie,
    free_port,
    manage,
    production_env,
    sessions_made,
    setup_script,
)
from tests.test_rendering import PATHOLOGICAL

pytestmark = pytest.mark.live

DISCUSSION = "render-load"
SETUP = setup_script("Render load", DISCUSSION, ["attacker", "classmate"])
WORST_BODIES = [(pattern * 5000)[:5000] for pattern in PATHOLOGICAL]


class Browser:
    """A signed-in student: session cookie, CSRF token from the discussion page's form."""

    def __init__(self, port, session_key):
        self.base = f"http://127.0.0.1:{port}"
        jar = urllib.request.HTTPCookieProcessor()
        jar.cookiejar.set_cookie(cookie("sessionid", session_key))
        self.opener = urllib.request.build_opener(jar, NoRedirect)
        self.page = f"/discussion/{DISCUSSION}/"
        with self.opener.open(self.base + self.page, timeout=30) as response:
            html = response.read().decode()
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def send(self, path, fields):
        data = {"csrfmiddlewaretoken": self.token, **fields}
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.base + self.page},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:  # 302 arrives here too (redirects not followed)
            return error.code, error.headers.get("Location", "")

    def post(self, body):
        fields = {"body": body, "submit_token": str(uuid.uuid4()), "website": ""}
        status, location = self.send(f"{self.page}comment/", fields)
        match = re.search(r"#c(\d+)$", location)
        return status, int(match.group(1)) if match else None

    def edit(self, pk, body):
        return self.send(f"/comments/{pk}/edit/", {"body": body})[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("render-load")
    database = Database(tmp_path)
    port = free_port()
    env = production_env(tmp_path, database, port)
    database.create()
    gunicorn = Gunicorn(env, port, tmp_path)
    try:
        setup = manage(env, "shell", "-c", SETUP)
        sessions = sessions_made(setup.stdout)
        gunicorn.start()
        yield {"port": port, "sessions": sessions, "gunicorn": gunicorn, "database": database}
    finally:
        gunicorn.stop()
        database.drop()


def test_a_classmates_post_lands_within_a_second_while_one_student_posts_worst_cases(server):
    attacker = Browser(server["port"], server["sessions"]["attacker"])
    classmate = Browser(server["port"], server["sessions"]["classmate"])
    status, target = attacker.post("a comment to keep editing")
    assert status == 302 and target
    stop = threading.Event()
    attack = {"posts": 0, "edits": 0, "errors": []}

    def keep_posting():
        while not stop.is_set():
            for body in WORST_BODIES:
                status, _pk = attacker.post(body)
                attack["posts"] += 1
                if status != 302:
                    attack["errors"].append(("post", status))

    def keep_editing():
        while not stop.is_set():
            for body in WORST_BODIES:
                status = attacker.edit(target, body)
                attack["edits"] += 1
                if status != 302:
                    attack["errors"].append(("edit", status))

    threads = [threading.Thread(target=keep_posting), threading.Thread(target=keep_editing)]
    for thread in threads:
        thread.start()
    durations = []
    try:
        time.sleep(1)  # the attack is under way before the classmate writes
        for n in range(8):
            started = time.monotonic()
            status, _pk = classmate.post(f"My point number {n}")
            durations.append(time.monotonic() - started)
            assert status == 302
            time.sleep(0.25)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    engine = "PostgreSQL" if server["database"].postgres else "SQLite"
    print(
        f"{engine}: classmate's posts took {', '.join(f'{d * 1000:.0f}' for d in durations)} ms "
        f"while the attacker made {attack['posts']} posts and {attack['edits']} edits"
    )
    assert attack["errors"] == []
    assert attack["posts"] > len(durations) and attack["edits"] > len(durations)
    assert max(durations) < 1
    assert "database is locked" not in server["gunicorn"].stderr()
