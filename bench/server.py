"""gunicorn with production settings, started and stopped by the harness."""

import http.client
import os
import signal
import subprocess
import sys
import time

from bench.env import PROJECT_DIR

# Production's default (gunicorn.conf.py); BENCH_GUNICORN_WORKERS tries another count, for the
# board and bare Django alike.
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))
READY_PATH = "/__bench__/reference/100/"


class Server:
    """gunicorn serving ``app`` with the repository's gunicorn.conf.py, ``WORKERS`` sync workers.

    The board and bare Django are started the same way, so they differ only in the application.
    """

    def __init__(self, env, port, log_path, *, app="newsboard.wsgi:application", ready_path=READY_PATH):
        self.env, self.port, self.log_path = env, port, log_path
        self.app, self.ready_path = app, ready_path
        self.process = None

    def start(self):
        """Start gunicorn (after ``collectstatic``); returns when both workers are up."""
        self.log = open(self.log_path, "w")  # noqa: SIM115 (kept open for the server's life)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                self.app,
                "--config=gunicorn.conf.py",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={WORKERS}",
                "--worker-class=sync",
                "--backlog=2048",
                "--timeout=60",
            ],
            cwd=PROJECT_DIR,
            env=os.environ | self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                answered = get(self.port, self.ready_path)[0] == 200
                if answered and len(self.worker_pids()) == WORKERS:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer on port {self.port}; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()

    def worker_pids(self):
        """The master's children: the sync workers."""
        path = f"/proc/{self.process.pid}/task/{self.process.pid}/children"
        with open(path) as f:
            return [int(pid) for pid in f.read().split()]

    def worker_rss_kib(self):
        """VmRSS of each worker, in KiB."""
        sizes = {}
        for pid in self.worker_pids():
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1])
        return sizes

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def collectstatic(env):
    """Hashed, pre-compressed static files in the harness's temporary STATIC_ROOT, as in production."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT_DIR,
        env=os.environ | env,
        check=True,
    )


def get(port, path, headers=None, method="GET", body=None):
    """One request on a fresh connection: (status, headers, raw body as sent on the wire)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def signed_in_cookie(port, path, cookies):
    """The Cookie header a signed-in browser sends after its first page: the session, and the CSRF
    cookie that page set. Fails unless the session is good, i.e. the page answers 200 with it.
    """
    cookies = dict(cookies)
    for _ in range(2):
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        status, headers, _ = get(port, path, {"Cookie": header})
        if status != 200:
            raise RuntimeError(f"{path} on port {port} answered {status} to a signed-in request")
        set_cookies = dict(parse_set_cookie(line) for line in headers.get_all("Set-Cookie") or [])
        if not set_cookies.keys() - cookies.keys():
            return header
        cookies |= set_cookies
    raise RuntimeError(f"{path} on port {port} sets a new cookie on every request: {set_cookies}")


def parse_set_cookie(line):
    """(name, value) of one Set-Cookie header."""
    name, _, value = line.split(";", 1)[0].partition("=")
    return name.strip(), value.strip().strip('"')
