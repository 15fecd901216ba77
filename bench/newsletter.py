"""Newsletter bench: publish an issue to 300 subscribers and time how long until all 300 messages
are in a real SMTP server's mailbox (aiosmtpd on a loopback port), with 1 and 2 `db_worker`
processes, on SQLite and PostgreSQL; meanwhile a read load on gunicorn measures the pages' p99.

    .venv/bin/python -m bench.newsletter                       # SQLite and PostgreSQL, 1 and 2 workers
    .venv/bin/python -m bench.newsletter --db sqlite --workers 1 --subscribers 300

Each database is built fresh (`bench/data/newsletter.sqlite3`, or `nb_bench_newsletter` on
BENCH_POSTGRES): the course deck and 300 students with verified addresses, subscribed. Each run
publishes a new six-item issue the way the admin does (the mailing is queued on commit; the workers
do the rest), with no rate limit (NEWSLETTER_MESSAGES_PER_SECOND=0) so the figure is the
pipeline's own speed; a configured rate adds 300 / rate seconds. The read load is anonymous and
signed-in readers fetching the issue page and the Open Discussion at the lecture hall's pace
(200 readers, a page every 5 s each, i.e. 40 pages a second) before and during the sending.
Results are printed and written to bench/results/<date>-newsletter.md.
"""

import argparse
import collections
import datetime
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.env import DATA_DIR, POSTGRES_SERVER, PROJECT_DIR, RESULTS_DIR

DATABASE = "newsletter"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.newsletter", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    parser.add_argument("--subscribers", type=int, default=300)
    parser.add_argument("--runs", type=int, default=1, help="publishes per worker count")
    parser.add_argument(
        "--readers", type=float, default=40, help="pages a second during the sending (0: none)"
    )
    parser.add_argument("--port", type=int, default=8151, help="gunicorn's port for the read load")
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="NEWSLETTER_MESSAGES_PER_SECOND for the workers (default 0: no limit)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smtp", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.smtp:
        return smtp_server(int(args.smtp[0]), args.smtp[1])
    if args.child:
        return child(args)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    rows = []
    for db in dbs:
        out = Path(tempfile.mkstemp(prefix=f"bench-newsletter-{db}-", suffix=".txt")[1])
        command = [sys.executable, "-m", "bench.newsletter", "--child", "--db", db, *passthrough(args)]
        subprocess.run(
            command, cwd=PROJECT_DIR, check=True, env=os.environ | {"BENCH_NEWSLETTER_OUT": str(out)}
        )
        rows += [line.split("\t") for line in out.read_text().splitlines() if line]
        out.unlink()
    write_report(args, rows)
    return 0


def passthrough(args):
    return [
        *("--workers", args.workers, "--subscribers", str(args.subscribers), "--runs", str(args.runs)),
        *("--readers", str(args.readers), "--port", str(args.port), "--rate", str(args.rate)),
    ]


# The child: one database, configured once ------------------------------------------------------


def environment(db, smtp_port, rate=0):
    env = {
        "DJANGO_SETTINGS_MODULE": "newsboard.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "NEWSBOARD_BENCH": "true",
        "GUNICORN_MAX_REQUESTS": "0",
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "NEWSLETTER_MESSAGES_PER_SECOND": str(rate),
        "NEWSLETTER_MESSAGES_PER_CONNECTION": "100",
        "NEWSBOARD_SITE_URL": "https://news.example.edu",
    }
    if db == "postgres":
        env |= {"DATABASE_URL": f"{POSTGRES_SERVER}/nb_bench_{DATABASE}", "SQLITE_PATH": ""}
    else:
        DATA_DIR.mkdir(exist_ok=True)
        env |= {"SQLITE_PATH": str(DATA_DIR / f"{DATABASE}.sqlite3"), "DATABASE_URL": ""}
    return env


def fresh_database(env):
    if env["DATABASE_URL"]:
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS nb_bench_{DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE nb_bench_{DATABASE}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(env["SQLITE_PATH"] + suffix).unlink(missing_ok=True)


class Recorder:
    """aiosmtpd's handler in the SMTP server's own process: one line per recipient in a file."""

    def __init__(self, path):
        self.file = open(path, "a")  # noqa: SIM115 (open for the server's life)

    async def handle_DATA(self, server, session, envelope):
        self.file.write("".join(f"{rcpt}\n" for rcpt in envelope.rcpt_tos))
        self.file.flush()
        return "250 OK"


def smtp_server(port, path):
    """``python -m bench.newsletter --smtp PORT FILE``: aiosmtpd until SIGTERM, in a process of its
    own so that parsing 300 messages takes no time from the process that times the reads."""
    from aiosmtpd.controller import Controller

    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


class Mailbox:
    """The SMTP server process and what it received."""

    def __init__(self, port):
        self.path = Path(tempfile.mkstemp(prefix="bench-newsletter-mailbox-")[1])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.newsletter", "--smtp", str(port), str(self.path)], cwd=PROJECT_DIR
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("the SMTP server did not start")

    @property
    def recipients(self):
        return self.path.read_text().split()

    def count(self):
        with open(self.path, "rb") as f:
            return f.read().count(b"\n")

    def clear(self):
        self.path.write_text("")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        self.path.unlink(missing_ok=True)


def child(args):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        smtp_port = sock.getsockname()[1]
    env = environment(args.db, smtp_port, args.rate)
    os.environ.update(env)
    fresh_database(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    build(args.subscribers)
    mailbox = Mailbox(smtp_port)
    static_root = Path(tempfile.mkdtemp(prefix="bench-newsletter-static-"))
    env["STATIC_ROOT"] = str(static_root)
    os.environ["STATIC_ROOT"] = str(static_root)
    from bench.server import Server, collectstatic

    collectstatic(env)
    results = []
    log_dir = Path(tempfile.mkdtemp(prefix="bench-newsletter-logs-"))
    server = Server(env, args.port, log_dir / "gunicorn.log") if args.readers else None
    try:
        paths = reader_paths()
        if server:
            server.start()
            from bench.server import get

            for _ in range(20):  # both gunicorn workers draw and cache each page
                for path in paths:
                    get(args.port, path)
        for workers in [int(n) for n in args.workers.split(",")]:
            for run in range(args.runs):
                results.append(one_run(args, env, mailbox, workers, run, server, paths, log_dir))
    finally:
        if server:
            server.stop()
        mailbox.stop()
    with open(os.environ["BENCH_NEWSLETTER_OUT"], "w") as out:
        for row in results:
            out.write("\t".join(str(value) for value in row) + "\n")
    return 0


def build(subscribers):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from items.demo.loader import load_course
    from newsletter.models import Subscriber

    load_course()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-reader-{n:03d}", email=f"reader{n}@example.edu", password="!")
        for n in range(subscribers)
    )
    now = timezone.now()
    Subscriber.objects.bulk_create(Subscriber(user=u, verified_email=u.email, verified_at=now) for u in users)


def new_issue(run_number):
    from items.models import Category, NewsItem, WeeklyIssue

    issue = WeeklyIssue.objects.create(
        issue_date=datetime.date(2030, 1, 4) + datetime.timedelta(weeks=run_number)
    )
    categories = list(Category.objects.all()[:6])
    for position, category in enumerate(categories, start=1):
        NewsItem.objects.create(
            issue=issue,
            position=position,
            category=category,
            title=f"Story {position} of the week",
            link=f"https://example.org/{run_number}/{position}",
            source="A newspaper",
            summary="Two sentences a student reads in a few seconds. " * 2,
            excerpt="A quoted passage from the story.\nIts second line.",
        )
    return issue


def reader_paths():
    from items.models import Discussion, WeeklyIssue

    issue = WeeklyIssue.objects.published().order_by("-issue_date").first()
    discussion = Discussion.objects.filter(issue__isnull=True, item__isnull=True).first()
    return [issue.get_absolute_url(), "/", discussion.get_absolute_url() if discussion else "/issues/"]


class Readers:
    """Open-loop reads at ``rate`` pages a second (issue page, home, the Open Discussion)."""

    def __init__(self, port, rate, paths):
        self.port, self.rate, self.paths = port, rate, paths
        self.latencies = []
        self.errors = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self, seconds=None):
        from bench.server import get

        pool = []
        interval = 1 / self.rate
        started = time.monotonic()
        n = 0

        def one(path):
            t = time.perf_counter()
            try:
                status = get(self.port, path)[0]
            except OSError:
                status = 0
            elapsed = time.perf_counter() - t
            with self.lock:
                self.latencies.append(elapsed)
                self.errors += status != 200

        while not self.stop.is_set() and (seconds is None or time.monotonic() - started < seconds):
            due = started + n * interval
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            thread = threading.Thread(target=one, args=(random.choice(self.paths),), daemon=True)
            thread.start()
            pool.append(thread)
            n += 1
        for thread in pool:
            thread.join(30)

    def summary(self):
        values = sorted(self.latencies)
        if not values:
            return "", "", 0, 0
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        return f"{statistics.median(values) * 1000:.1f}", f"{p99 * 1000:.1f}", len(values), self.errors


def start_workers(env, count, senders, log_dir):
    processes = []
    for n in range(count):
        log = open(log_dir / f"worker-{senders}-{n}.log", "w")  # noqa: SIM115
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--interval",
                    "0.1",
                    "--no-reload",
                    "--no-startup-delay",
                ],
                cwd=PROJECT_DIR,
                env=os.environ | env | {"NEWSLETTER_SENDERS": str(senders)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    # Ready: each worker has logged its start (Django and the first sweep are done).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        logs = [(log_dir / f"worker-{senders}-{n}.log").read_text() for n in range(count)]
        if all("Starting worker" in text for text in logs):
            return processes
        time.sleep(0.1)
    raise RuntimeError(f"workers did not start; see {log_dir}")


def cpu_seconds(pid):
    """User + system CPU a process has used (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_workers(processes):
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def one_run(args, env, mailbox, workers, run, server, paths, log_dir):
    from django.db import transaction

    from items import services

    issue = new_issue(workers * 100 + run)
    mailbox.clear()

    processes = start_workers(env, workers, workers, log_dir)
    try:
        baseline = Readers(args.port, args.readers, paths)
        if server:
            baseline.run(seconds=5)
        during = Readers(args.port, args.readers, paths)
        reader_thread = threading.Thread(target=during.run, daemon=True) if server else None
        if reader_thread:
            reader_thread.start()
        cpu_before = sum(cpu_seconds(p.pid) for p in processes)
        started = time.monotonic()
        with transaction.atomic():
            services.publish_issue(issue)
        first = None
        deadline = started + 600
        while mailbox.count() < args.subscribers and time.monotonic() < deadline:
            if first is None and mailbox.count():
                first = time.monotonic() - started
            time.sleep(0.01)
        seconds = time.monotonic() - started
        cpu_ms = (sum(cpu_seconds(p.pid) for p in processes) - cpu_before) * 1000
        during.stop.set()
        if reader_thread:
            reader_thread.join(60)
    finally:
        stop_workers(processes)
    counts = collections.Counter(mailbox.recipients)
    once = len(counts) == args.subscribers and set(counts.values()) == {1}
    b50, b99, bn, berr = baseline.summary()
    d50, d99, dn, derr = during.summary()
    row = (
        args.db,
        workers,
        args.subscribers,
        f"{seconds:.2f}",
        f"{first or 0:.2f}",
        once,
        b50,
        b99,
        d50,
        d99,
        dn,
        derr,
        f"{os.getloadavg()[0]:.1f}",
        f"{cpu_ms / args.subscribers:.1f}",
    )
    print(
        f"{args.db}: {workers} worker(s): {mailbox.count()}/{args.subscribers} in the mailbox after "
        f"{seconds:.2f} s (first after {first or 0:.2f} s), each once: {once}; reads p99 {b99} ms before, "
        f"{d99} ms during ({dn} reads, {derr} errors); "
        f"workers' CPU {cpu_ms / args.subscribers:.1f} ms a message",
        flush=True,
    )
    return row


def write_report(args, rows):
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    lines = [
        f"# Newsletter bench, {stamp}",
        "",
        f"`python -m bench.newsletter {' '.join(passthrough(args))}`: publish a six-item issue to "
        f"{args.subscribers} verified subscribers; time from the publishing commit until every message "
        "is in aiosmtpd's mailbox on a loopback port "
        f"(NEWSLETTER_MESSAGES_PER_SECOND={args.rate:g}, 0: no limit; 100 messages per SMTP "
        "connection; NEWSLETTER_SENDERS = the number of workers). Reads: anonymous GETs of the "
        "latest issue, the home page and the Open Discussion at "
        f"{args.readers:g} pages a second (the lecture hall's 200 readers at a page every 5 s) on "
        "gunicorn with 2 workers, for 5 s before publishing and during the sending. 2 cores for "
        "everything; the load average (1 min, taken at the end of each run) says how busy the "
        "machine was; the workers' CPU (user + system, from /proc, publishing to the last "
        "message) is what a message costs them whatever the load.",
        "",
        "| database | workers | all in mailbox (s) | first (s) | each exactly once "
        "| workers' CPU a message (ms) | reads p50 / p99 before (ms) | reads p50 / p99 during (ms) "
        "| reads during | errors | load average |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for db, workers, _n, seconds, first, once, b50, b99, d50, d99, dn, derr, load, cpu in rows:
        lines.append(
            f"| {db} | {workers} | {seconds} | {first} | {once} | {cpu} "
            f"| {b50} / {b99} | {d50} / {d99} | {dn} | {derr} | {load} |"
        )
    path = RESULTS_DIR / f"{stamp}-newsletter{f'-rate{args.rate:g}' if args.rate else ''}.md"
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nWritten to {path.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    sys.exit(main())
