"""python -m bench.instructions: CPU instructions per request of each page, caches off.

Timings on a shared two-core machine move by a fifth from one minute to the next, which hides a
change worth a few percent. Instructions do not: this counts them with Valgrind's cachegrind
(``apt-get install valgrind``), running a page's requests in process through Django's WSGI
handler, with the production settings and dummy cache of ``python -m bench --no-cache``. A page
is counted twice, after 15 warm-up requests with 0 and with ``--requests`` more, so start-up
cancels out: (second - first) / requests. Figures move ~1% between runs; fewer instructions is
not always proportionally less time (cache misses differ), so confirm with ``python -m bench``.

    python -m bench.instructions --scale term [--only home --only issue] [--requests 40]

Builds nothing: run ``python -m bench --scale term --build-only`` first.
"""

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

from bench import env as bench_env

WARM_UP = 15


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["course", "term", "archive"], default="term")
    parser.add_argument("--only", action="append", metavar="PAGE", help="count only this page (repeatable)")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--run", nargs=2, metavar=("PAGE", "N"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def serve_in_process(page_name, requests, static_root):
    """Under cachegrind: set Django up, warm ``page_name`` up, then answer it ``requests`` times."""
    scale = os.environ["BENCH_SCALE"]
    env = bench_env.production_env(scale, "sqlite", static_root=static_root, no_cache=True)
    env["SECRET_KEY"] = "instructions-only-" + "x" * 40
    bench_env.setup_django(env)
    import logging

    logging.disable(logging.CRITICAL)
    from django.core.handlers.wsgi import WSGIHandler

    from bench.pages import PAGES, fixtures

    page = next(page for page in PAGES if page.name == page_name)
    path, _, query = page.candidates[0].format(**fixtures()).partition("?")
    handler = WSGIHandler()
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    for _ in range(WARM_UP + requests):
        response = handler({**environ, "wsgi.input": io.BytesIO()}, lambda status, headers: None)
        b"".join(response)
        response.close()


def count(page_name, requests, scale, static_root):
    """Instructions cachegrind counts for a run of ``requests`` requests of the page."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "bench.instructions",
            "--run",
            page_name,
            str(requests),
        ],
        env={**os.environ, "PYTHONMALLOC": "malloc", "BENCH_SCALE": scale, "BENCH_STATIC_ROOT": static_root},
        cwd=bench_env.PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if result.returncode != 0 or not found:
        raise SystemExit(f"cachegrind failed for {page_name}:\n{result.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(argv=None):
    args = parse_args(argv)
    if args.run:
        serve_in_process(args.run[0], int(args.run[1]), os.environ["BENCH_STATIC_ROOT"])
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    if not os.path.exists(bench_env.database_env(args.scale, "sqlite")["SQLITE_PATH"]):
        raise SystemExit(f"No {args.scale} data: python -m bench --scale {args.scale} --build-only")
    from bench.pages import PAGES
    from bench.server import collectstatic

    names = args.only or [page.name for page in PAGES]
    unknown = set(names) - {page.name for page in PAGES}
    if unknown:
        raise SystemExit(f"Unknown page(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory() as static_root:
        collectstatic(bench_env.production_env(args.scale, "sqlite", static_root=static_root, no_cache=True))
        print(f"Instructions per request, {args.scale} scale, SQLite, caches off ({args.requests} requests)")
        for name in names:
            baseline = count(name, 0, args.scale, static_root)
            loaded = count(name, args.requests, args.scale, static_root)
            print(f"{name:28s} {(loaded - baseline) / args.requests / 1e6:8.2f} M")


if __name__ == "__main__":
    main()
