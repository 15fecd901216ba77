"""Class reach at scale: time /instructor/reach/ (and its CSV) for a signed-in instructor.

    .venv/bin/python -m bench.reach                         # archive scale on SQLite
    .venv/bin/python -m bench.reach --scale archive --db postgres

At ``archive`` scale (2,000 issues, 12,000 items, 200,000 comments, 300 students, ~1M read
marks, 20,000 helpful marks; built once into bench/data/ or the nb_bench_archive database, as
``python -m bench`` builds it) an instructor's session loads the page from gunicorn (the bench's
production settings, 2 sync workers) one request after another: four first requests, then
``--requests`` more (the first ones, two per worker, count the figures across the term, kept
for 5 minutes in each worker's local-memory cache, or once for all with REDIS_URL). The queries
are counted in process with Django's test client. The figures are printed and written to
bench/results/<date>-reach-<scale>-<db>.md, with the target: p99 within the lecture hall's
read bound (100 ms) and a fixed number of queries.
"""

import argparse
import datetime
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import env as bench_env
from bench.server import WORKERS

P99_BOUND_MS = 100
PATHS = {"page": "/instructor/reach/", "csv": "/instructor/reach.csv"}
INSTRUCTOR = "bench-instructor"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.reach", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="archive", choices=["course", "term", "archive"])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per address after the first")
    parser.add_argument("--port", type=int, default=8161)
    return parser.parse_args(argv)


def main(argv=None):
    return bench_env.run_in_harness(run, parse_args(argv))


def instructor_client():
    """A test client signed in as the bench's instructor (in the Instructors group)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from items.permissions import INSTRUCTORS_GROUP

    user, _ = get_user_model().objects.get_or_create(
        username=INSTRUCTOR, defaults={"is_staff": True, "email": "instructor@example.edu"}
    )
    user.groups.add(Group.objects.get_or_create(name=INSTRUCTORS_GROUP)[0])
    client = Client()
    client.force_login(user)
    return client


def count_queries(client, path):
    """The address's queries with nothing cached: the most it runs."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    assert status == 200, (path, status)
    return len(captured)


def timed(port, path, cookie, requests):
    """(the slowest of the first requests, [ms of each later one]) from the server, on fresh
    connections. Each gunicorn worker keeps its own local-memory cache, so the first requests
    (one per worker, at least) count the term's figures; the later ones read them."""
    from bench.server import get

    def once():
        started = time.perf_counter()
        status, _, body = get(port, path, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})
        elapsed = (time.perf_counter() - started) * 1000
        assert status == 200, (path, status, body[:200])
        return elapsed, len(body)

    first = [once() for _ in range(2 * WORKERS)]
    return max(ms for ms, _ in first), [once()[0] for _ in range(requests)], first[0][1]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(args, static_root):
    env = bench_env.production_env(args.scale, args.db, static_root=static_root)
    if args.db == "postgres":
        bench_env.create_postgres_database(args.scale)
    bench_env.setup_django(env)
    logging.getLogger("newsboard.requests").setLevel(logging.WARNING)

    from django.core.management import call_command

    from bench import scales
    from bench.server import Server, collectstatic

    call_command("migrate", verbosity=0)
    if not scales.is_built():
        print(f"Building the {args.scale} scale on {args.db}…", flush=True)
        _, seconds = scales.build(scales.SCALES[args.scale])
        print(f"Built in {seconds:.1f} s", flush=True)
    counts = scales.counts()
    print(f"Data: {counts}", flush=True)
    collectstatic(env)
    client = instructor_client()
    queries = {name: count_queries(client, path) for name, path in PATHS.items()}
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    rows = {}
    log = Path(tempfile.gettempdir()) / f"bench-gunicorn-{args.port}.log"
    with Server(env, args.port, log):
        for name, path in PATHS.items():
            first, later, size = timed(args.port, path, cookie, args.requests)
            rows[name] = {
                "path": path,
                "queries": queries[name],
                "first": first,
                "p50": statistics.median(later),
                "p99": percentile(later, 0.99),
                "max": max(later),
                "bytes": size,
            }
            print(
                f"{path}: {queries[name]} queries; first {first:.1f} ms, then p50 "
                f"{rows[name]['p50']:.1f} ms, p99 {rows[name]['p99']:.1f} ms ({size:,} bytes)",
                flush=True,
            )
    write_report(args, counts, rows)
    return 0 if rows["page"]["p99"] <= P99_BOUND_MS else 1


def write_report(args, counts, rows):
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d-%H%M")
    path = bench_env.RESULTS_DIR / f"{stamp}-reach-{args.scale}-{args.db}.md"
    page = rows["page"]
    met = "yes" if page["p99"] <= P99_BOUND_MS else "**no**"
    lines = [
        f"# Class reach at {args.scale} scale on {args.db}",
        "",
        f"`python -m bench.reach --scale {args.scale} --db {args.db} --requests {args.requests}`, "
        f"{stamp} UTC. Data: "
        + ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in counts.items())
        + ". A signed-in instructor, gunicorn with the bench's production settings (2 sync workers,"
        " local-memory cache), one request after another on fresh connections, gzip.",
        "",
        "| address | queries | slowest first ms (counting the term) | p50 ms | p99 ms | max ms | bytes |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {r['path']} | {r['queries']} | {r['first']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} "
            f"| {r['max']:.1f} | {r['bytes']:,} |"
            for r in rows.values()
        ),
        "",
        "| target | measured | met |",
        "|---|---|---|",
        f"| /instructor/reach/ p99 ≤ {P99_BOUND_MS} ms (the lecture hall's read bound) | "
        f"{page['p99']:.1f} ms | {met} |",
        f"| a fixed number of queries (tests/test_reach.py pins it) | {page['queries']} | yes |",
        "",
    ]
    bench_env.RESULTS_DIR.mkdir(exist_ok=True)
    path.write_text("\n".join(lines))
    print(f"Written: {path}")


if __name__ == "__main__":
    sys.exit(main())
