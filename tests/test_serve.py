"""`bash bin/serve`, the README's run command, shows the board as students get it.

The script runs for real (migrate, load_demo, collectstatic, gunicorn) on a free port, against a
SQLite file, static and media folders and a secret-key file of its own, with DEBUG unset.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

PROJECT_DIR = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def serve_env(tmp_path, port, **overrides):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PORT": str(port),
        "DATABASE_URL": "",
        "SQLITE_PATH": str(tmp_path / "demo.sqlite3"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "NEWSBOARD_SECRET_KEY_FILE": str(tmp_path / "secret_key"),
        "GUNICORN_WORKERS": "1",
    }
    env.update(overrides)
    return env


class Served:
    """``bash bin/serve`` in its own process group, stopped (group and all) afterwards."""

    def __init__(self, env, log_dir, *args):
        self.port = int(env["PORT"])
        self.log_path = log_dir / "serve.log"
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                ["bash", "bin/serve", *args],
                cwd=PROJECT_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_up(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"bin/serve exited:\n{self.log()}")
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"bin/serve did not answer on port {self.port}:\n{self.log()}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log(self):
        return self.log_path.read_text()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    env = serve_env(tmp_path, free_port())
    env.pop("DEBUG", None)
    server = Served(env, tmp_path)
    try:
        server.wait_until_up()
        yield server, tmp_path
    finally:
        server.stop()


def test_a_wrong_address_shows_the_boards_404_not_the_debug_page(served):
    server, _ = served
    status, _, body = get(server.port, "/no-such-page/")
    assert status == 404
    assert "<h1>Page not found</h1>" in body
    assert "This week's issue" in body
    assert "URLconf" not in body and "DEBUG = True" not in body


def test_the_demo_is_loaded_with_hashed_static_files_and_its_pictures(served):
    server, _ = served
    status, _, home = get(server.port, "/")
    assert status == 200
    assert "ML Weekly" in home
    stylesheet = re.search(r'href="(/static/css/board\.[0-9a-f]{12}\.css)"', home)
    assert stylesheet, "static files are the hashed copies collectstatic made"
    status, headers, _ = get(server.port, stylesheet[1])
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    status, _, issue = get(server.port, "/issues/2020-09-25/")
    assert status == 200
    picture = re.search(r'src="(/media/[^"]+\.(?:png|jpg|webp))"', issue)
    assert picture, "the demo's pictures are on the issue page"
    assert get(server.port, picture[1])[0] == 200


def test_the_icon_and_the_manifest_answer_instead_of_a_404(served):
    server, _ = served
    status, headers, _ = get(server.port, "/favicon.ico")
    assert status == 301
    assert get(server.port, headers["Location"])[0] == 200
    status, headers, _ = get(server.port, "/manifest.webmanifest")
    assert status == 200 and headers["Content-Type"] == "application/manifest+json"


def test_the_secret_key_is_generated_once_and_kept_private(served):
    server, tmp_path = served
    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text().strip()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
    assert "Sign in to the admin at" in server.log()


def test_an_unknown_option_is_refused_with_the_usage(tmp_path):
    result = subprocess.run(
        ["bash", "bin/serve", "--production"],
        cwd=PROJECT_DIR,
        env=serve_env(tmp_path, free_port()),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "unknown option '--production'" in result.stderr
    assert "bin/serve [--dev]" in result.stderr


@pytest.mark.parametrize(("args", "debug"), [(["--dev"], None), ([], "true")])
def test_development_mode_is_the_opt_in(tmp_path, args, debug):
    env = serve_env(tmp_path, free_port())
    if debug:
        env["DEBUG"] = debug
    server = Served(env, tmp_path, *args)
    try:
        server.wait_until_up()
        status, _, body = get(server.port, "/no-such-page/")
    finally:
        server.stop()
    assert status == 404
    assert "URLconf" in body, "--dev shows Django's debug page with the URL patterns"
    assert not (tmp_path / "secret_key").exists(), "development needs no secret key"


def children(pid):
    """``{pid: command line}`` of the processes whose parent is ``pid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_the_email_worker_runs_beside_the_server_and_stops_with_it(tmp_path):
    server = Served(serve_env(tmp_path, free_port()), tmp_path)
    try:
        server.wait_until_up()
        started = children(server.process.pid)
        workers = [pid for pid, command in started.items() if "db_worker" in command]
        assert workers, f"no db_worker beside the server: {started}"
        assert any("gunicorn" in command for command in started.values())
    finally:
        server.stop()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in started):
        time.sleep(0.2)
    assert not [
        pid
        for pid in started
        if Path(f"/proc/{pid}/cmdline").exists() and Path(f"/proc/{pid}/cmdline").read_bytes()
    ], "the server and worker stop with bin/serve"
