"""python -m bench: build a scale, serve it like production, load every page against the limit.

See the README's "Benchmark" section. Everything printed is also written under bench/results/.
"""

import argparse
import contextlib
import datetime
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import env as bench_env
from bench import load
from bench.devices import DEVICES, KEEP_AT
from bench.report import FLOOR_COOKIE, FLOOR_DB
from bench.server import WORKERS

DEFAULT_PORT = 8141


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["course", "term", "archive"], default="term")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rebuild", action="store_true", help="drop the scale's database and build it again")
    parser.add_argument("--build-only", action="store_true", help="build the data, print the time, stop")
    parser.add_argument(
        "--pairs", type=int, default=5, help="page/limit pairs per page (5 or more for a result to report)"
    )
    parser.add_argument("--duration", default="5s", help="length of each wrk run, e.g. 3s")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--only", action="append", metavar="PAGE", help="measure only this page (repeatable)")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="serve with the dummy cache (bench/nocache_settings.py)",
    )
    parser.add_argument(
        "--without",
        action="append",
        choices=sorted(DEVICES),
        default=[],
        metavar="DEVICE",
        help="also serve the board without this speed device and compare each page with it "
        f"(bench/devices.py: {', '.join(sorted(DEVICES))}; repeatable)",
    )
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="print the queries per page, anonymous and signed in, and stop",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="the board's port; bare Django takes the next two, each --without one more",
    )
    parser.add_argument(
        "--rss-requests",
        type=int,
        default=20_000,
        help="requests for the memory check (0 skips)",
    )
    parser.add_argument(
        "--rss-seconds", type=int, default=480, help="stop the memory check after this long (default 480)"
    )
    parser.add_argument("--skip-hall", action="store_true", help="skip the lecture-hall scenario")
    parser.add_argument("--hall-students", type=int, default=300)
    parser.add_argument("--hall-posters", type=int, default=100)
    parser.add_argument(
        "--hall-seconds",
        type=float,
        default=60.0,
        help="how long the posting lasts; the readers read until then",
    )
    parser.add_argument(
        "--hall-think", type=float, default=5.0, help="seconds between a reader's page loads (±50 %%)"
    )
    parser.add_argument(
        "--hall-poll",
        type=float,
        default=10.0,
        help="seconds between an open discussion tab's polls for new comments (0: none)",
    )
    parser.add_argument(
        "--hall-sign-in",
        choices=["session", "login"],
        default="session",
        help="every student arrives signed in (a real session), or posters also sign in again through "
        "the login page before posting (password hashing included)",
    )
    parser.add_argument(
        "--explain-all", action="store_true", help="query plans for every page, not only filter and search"
    )
    parser.add_argument("--list", action="store_true", help="list the pages and exit")
    args = parser.parse_args(argv)
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    return args


def main(argv=None):
    return bench_env.run_in_harness(run, parse_args(argv))


def run(args, static_root):
    if not (args.build_only or args.list or args.queries_only) and not Path(load.WRK).exists():
        print(
            f"The benchmark loads pages with wrk, which is not installed ({load.WRK}).\n"
            "On Debian: sudo apt-get install wrk   (--build-only builds the data without it)",
            file=sys.stderr,
        )
        return 2

    env = bench_env.production_env(args.scale, args.db, static_root=static_root, no_cache=args.no_cache)
    if args.rebuild:
        bench_env.drop_database(args.scale, args.db)
    if args.db == "postgres":
        bench_env.create_postgres_database(args.scale)
    bench_env.setup_django(env)
    # The harness's own test-client requests would print one JSON access line each.
    logging.getLogger("newsboard.requests").setLevel(logging.WARNING)

    from django.core.management import call_command

    from bench import pages as bench_pages
    from bench import scales

    if args.list:
        for page in bench_pages.PAGES:
            print(f"{page.name:28} {' | '.join(page.candidates)}")
        return 0

    call_command("migrate", verbosity=0)
    build_seconds = None
    if not scales.is_built():
        print(f"Building the {args.scale} scale on {args.db}…", flush=True)
        counts, build_seconds = scales.build(scales.SCALES[args.scale])
        print(f"Built in {build_seconds:.1f} s: {counts}", flush=True)
    counts = scales.counts()
    if args.build_only:
        return 0

    selected = [p for p in bench_pages.PAGES if not args.only or p.name in args.only]
    if not selected:
        print(f"No page matches {args.only}; see --list.", file=sys.stderr)
        return 2
    from bench.server import collectstatic

    collectstatic(env)
    values = bench_pages.fixtures()
    session_client = bench_pages.signed_in_client()
    resolved = bench_pages.resolve(bench_pages.variants(selected), values, session_client)
    rows = [page_row(r) for r in resolved]
    if args.queries_only:
        from bench import report

        print(f"Queries per page, {args.scale} scale on {args.db}:\n")
        print(report.query_table(rows))
        return 0
    # After resolve() the client also holds the CSRF cookie a browser would send back, so the
    # signed-in pages are measured without minting a new CSRF cookie on every request.
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in session_client.cookies.items())
    explains = {
        r.page.name: [(sql, bench_pages.explain(sql)) for sql in r.sql if sql.lstrip().startswith("SELECT")]
        for r in resolved
        if r.available and not r.variant.signed_in and (r.page.explain or args.explain_all)
    }
    started_at = datetime.datetime.now(datetime.UTC)
    stamp = started_at.strftime("%Y-%m-%d-%H%M")
    redis = bool(env["REDIS_URL"]) and not args.no_cache
    label = f"{args.scale}-{args.db}{'-nocache' if args.no_cache else '-redis' if redis else ''}"
    cache = "dummy (caches off)" if args.no_cache else "Redis (REDIS_URL)" if redis else "local memory"
    bench_env.RESULTS_DIR.mkdir(exist_ok=True)

    from bench.server import Server, get

    base = f"http://127.0.0.1:{args.port}"
    extras = {}
    devices = [DEVICES[name] for name in dict.fromkeys(args.without)]
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(Server(env, args.port, log_path(args.port)))
        references = start_bare(stack, env, args.port)
        device_bases = {}
        for offset, device in enumerate(devices, start=3):
            port = args.port + offset
            stack.enter_context(Server(env | device.without, port, log_path(port)))
            device_bases[device.name] = f"http://127.0.0.1:{port}"
        for r, row in zip(resolved, rows, strict=True):
            if not r.available:
                print(f"{r.name}: {r.note}", flush=True)
                continue
            headers = (f"Cookie: {cookie}",) if r.variant.signed_in else ()
            request_headers = dict(h.split(": ", 1) for h in headers)
            _, response_headers, body = get(
                args.port, r.path, {"Accept-Encoding": "gzip, br", **request_headers}
            )
            _, _, raw = get(args.port, r.path, request_headers)
            row.update(
                bytes=len(body),
                raw_bytes=len(raw),
                encoding=response_headers.get("Content-Encoding") or "identity",
            )
            print(f"{r.name}: {r.path} ({len(raw):,} bytes, {r.queries} queries)…", flush=True)
            targets = {
                "page": load.Target(base + r.path, headers),
                "limit": load.Target(f"{base}/__bench__/reference/{len(raw)}/"),
                "bare": references["bare"],
            }
            if r.variant.signed_in:
                targets[FLOOR_DB], targets[FLOOR_COOKIE] = references[FLOOR_DB], references[FLOOR_COOKIE]
            for device in devices:
                targets[f"without {device.name}"] = load.Target(device_bases[device.name] + r.path, headers)
            runs = load.interleave(
                targets, pairs=args.pairs, duration=args.duration, connections=args.connections
            )
            row.update(measured(runs, devices))
            print("  " + describe(row), flush=True)

        issue_path = values["issue"]
        extras["weight"] = page_weight(args.port, issue_path)
        print(f"Issue page weight: {extras['weight']}", flush=True)

        if args.rss_requests:
            before = server.worker_rss_kib()
            done, deadline = 0, time.monotonic() + args.rss_seconds
            while done < args.rss_requests and time.monotonic() < deadline:
                done += load.wrk(base + issue_path, duration="5s", connections=args.connections).requests
            after = server.worker_rss_kib()
            extras["rss"] = {"before": before, "after": after, "requests": done}
            print(f"Worker RSS (KiB) before {before}, after {done} requests {after}", flush=True)

        if not args.skip_hall:
            extras["hall"] = lecture_hall(args, values)

    write_results(
        args, label, cache, stamp, started_at, rows, extras, explains, counts, build_seconds, devices
    )
    return 0


def log_path(port):
    return Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"


def page_row(r):
    """What the report knows of a page before it is loaded: its address and its queries."""
    return {
        "name": r.name,
        "page": r.page.name,
        "signed_in": r.variant.signed_in,
        "board": r.page.board,
        "path": r.path,
        "note": r.note,
        "queries": r.queries,
        "served_queries": r.served_queries,
        "page_cached": r.page_cached,
        "cpu_ms": r.cpu_ms,
        "sql_ms": r.sql_ms,
    }


def measured(runs, devices):
    """The page's speed, its ratio to each reference, and each device's with/without, from the runs."""
    references = [role for role in ("bare", FLOOR_DB, FLOOR_COOKIE) if role in runs]
    result = {
        "load": load.summary(runs["page"]) | {"errors": sum(r.errors for rs in runs.values() for r in rs)},
        "vs": {role: load.ratio_summary(runs["page"], runs[role]) for role in ["limit", *references]},
        "reference_rps": {role: [r.rps for r in runs[role]] for role in references},
        "reference_vs_bare": {
            role: load.ratios(runs[role], runs["bare"]) for role in references if role != "bare"
        },
        "devices": {},
    }
    for device in devices:
        without = runs[f"without {device.name}"]
        result["devices"][device.name] = {
            "load": load.summary(without),
            "gain": load.ratio_summary(runs["page"], without),
            "vs_bare": load.ratio_summary(without, runs["bare"]),
        }
    return result


def describe(row):
    from bench.report import ratio_cell

    s = row["load"]
    vs = ", ".join(f"× {role} {ratio_cell(ratio)}" for role, ratio in row["vs"].items())
    speed = f"{s['rps']:.0f} req/s, p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms"
    return f"{speed}; {vs}; errors {s['errors']}"


def start_bare(stack, board_env, port):
    """Bare Django twice, on the next two ports: database sessions, then signed-cookie sessions.

    Returns the Targets: its anonymous page ("bare") and its signed-in page under each engine,
    with the Cookie header of a real session for a user in its own database.
    """
    from bench.server import Server, signed_in_cookie

    base = f"http://127.0.0.1:{port + 1}"
    references = {"bare": load.Target(f"{base}/")}
    for offset, (sessions, role) in enumerate(
        (("database", FLOOR_DB), ("signed cookies", FLOOR_COOKIE)), start=1
    ):
        env = bench_env.bare_env(board_env, sessions)
        made = subprocess.run(
            [sys.executable, "-m", "bench.bare.session"],
            cwd=bench_env.PROJECT_DIR,
            env=os.environ | env,
            capture_output=True,
            text=True,
            check=True,
        )
        stack.enter_context(
            Server(
                env, port + offset, log_path(port + offset), app="bench.bare.wsgi:application", ready_path="/"
            )
        )
        header = signed_in_cookie(port + offset, "/signed-in/", json.loads(made.stdout))
        references[role] = load.Target(f"http://127.0.0.1:{port + offset}/signed-in/", (f"Cookie: {header}",))
    return references


def page_weight(port, issue_path):
    """The issue page as a phone downloads it: HTML, stylesheets and scripts, compressed."""
    from bench.server import get

    accept = {"Accept-Encoding": "gzip, br"}
    _, headers, body = get(port, issue_path, accept)
    _, _, html = get(port, issue_path)
    parts = {"html": len(body)}
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html.decode())
    assets += re.findall(r'<script[^>]+src="([^"]+)"', html.decode())
    for url in assets:
        if url.startswith("/"):
            status, h, content = get(port, url, accept)
            parts[f"{url} ({h.get('Content-Encoding') or 'identity'})"] = len(content) if status == 200 else 0
    return {"parts": parts, "total": sum(parts.values()), "css": [u for u in assets if u.endswith(".css")]}


def lecture_hall(args, values):
    """Every student signed in with a real session; the hall's comments and sessions are removed after."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import resolve

    from bench import hall, scales
    from items.models import Comment, Discussion, NewsItem, ReadMark
    from items.services import discussion_refresh_counts

    users = get_user_model().objects.filter(username__startswith="bench-student-").order_by("username")
    students = []
    for user in users[: args.hall_students]:
        client = Client()
        client.force_login(user)
        students.append(
            (
                user.username,
                {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value},
            )
        )
    css = next(iter(page_weight(args.port, values["issue"])["css"]), "/static/css/board.css")
    posters = len(hall.poster_slots(len(students), args.hall_posters))
    print(
        f"Lecture hall: {len(students)} students signed in read; {posters} of them post over "
        f"{args.hall_seconds:.0f} s while the others keep reading…",
        flush=True,
    )
    item = NewsItem.objects.get(pk=resolve(values["item"]).kwargs["pk"])
    marks = ReadMark.objects.filter(item=item, student__username__startswith="bench-student-")
    marks.delete()
    since = datetime.datetime.now(datetime.UTC)
    run = hall.lecture(
        args.port,
        issue_path=values["issue"],
        css_path=css,
        discussion_path=values["discussion"],
        item_path=values["item"],
        students=students,
        posters=args.hall_posters,
        password=scales.STUDENT_PASSWORD if args.hall_sign_in == "login" else None,
        window=args.hall_seconds,
        think=args.hall_think,
        poll=args.hall_poll,
    )
    names = {values["issue"]: "issue", values["discussion"]: "discussion", css: "css"}
    with open(log_path(args.port)) as log:
        in_worker = hall.server_times(log, since, datetime.datetime.now(datetime.UTC), names)
    read_marks = marks.count()
    marks.delete()
    found = Comment.objects.filter(body__startswith=f"Lecture hall {run.marker}:")
    stored = found.count()
    # Leave the data as built, so the next run measures the same pages.
    discussions = set(found.values_list("discussion_id", flat=True))
    found.delete()
    for discussion in Discussion.objects.filter(pk__in=discussions):
        discussion_refresh_counts(discussion)
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    for _, cookies in students:
        session_store(session_key=cookies[settings.SESSION_COOKIE_NAME]).delete()
    errors = run.timings.errors
    result = {
        "timings": run.timings.summary(),
        "in_worker": in_worker,
        "read_errors": [e for e in errors if e.startswith("read:")],
        "poll_errors": [e for e in errors if e.startswith("poll:")],
        "post_errors": [e for e in errors if not e.startswith(("read:", "poll:"))],
        "students": len(students),
        "posters": posters,
        "read_marks": read_marks,
        "item_path": values["item"],
        "posted": len(run.posted),
        "stored": stored,
        "seen": len(run.seen),
        "seconds": run.seconds,
        "how": run.how,
    }
    print(json.dumps({k: v for k, v in result.items() if "errors" not in k}, indent=1, default=str))
    print(
        f"errors: {len(result['read_errors'])} reading, {len(result['poll_errors'])} polling, "
        f"{len(result['post_errors'])} posting",
        flush=True,
    )
    return result


def write_results(
    args, label, cache, stamp, started_at, rows, extras, explains, counts, build_seconds, devices
):
    from bench import report

    md_path = bench_env.RESULTS_DIR / f"{stamp}-{label}.md"
    png_path = md_path.with_suffix(".png")
    machine = report.machine()
    hall_result = extras.get("hall")
    targets = report.targets(rows, hall_result, warm=not args.no_cache)
    lines = [
        f"# Benchmark: {args.scale} scale on {args.db}{' (caches off)' if args.no_cache else ''}",
        "",
        f"{started_at:%Y-%m-%d %H:%M} UTC · {machine['nproc']} CPUs ({machine['cpu']}) · "
        f"Python {machine['python']} · Django {machine['django']} · {machine['os']}",
        "",
        f"gunicorn.conf.py, {WORKERS} sync workers, production settings, WhiteNoise, {cache} cache; "
        f"wrk -t1 -c{args.connections} -d{args.duration}, {args.pairs} rounds per page, "
        "`Accept-Encoding: gzip, br`. Each round loads the page, the board's limit (its constant "
        "page of the same size), bare Django's constant page and, for a signed-in page, bare "
        "Django's signed-in page with database sessions and with signed-cookie sessions; every "
        "ratio is of runs in the same round.",
        f"Data: {counts}" + (f"; built in {build_seconds:.1f} s" if build_seconds else ""),
        "",
        "## Targets",
        "",
        report.target_table(targets) if targets else "No target applies to this run.",
        "",
        "## Pages",
        "",
        report.page_table(rows),
        "",
        f"![ratios to bare Django]({png_path.name})",
        "",
        "## References",
        "",
        report.references_table(rows),
        "",
        "## Queries per page",
        "",
        'The view\'s own queries (page cache bypassed); "cached" is what a warm anonymous request '
        "runs when the page comes from the page cache.",
        "",
        report.query_table(rows),
        "",
    ]
    if devices:
        lines += [
            "## Speed devices",
            "",
            f"Each page was also loaded, in the same rounds, from a second board with the device "
            f"turned off (bench/devices.py). A device that buys less than {KEEP_AT:.0%} on every page goes.",
            "",
            *(f"- **{d.name}**: {d.what}; off with `{d.without}`" for d in devices),
            "",
            report.device_table(rows, devices, KEEP_AT),
            "",
        ]
    weight = extras.get("weight")
    if weight:
        lines += [f"**Issue page weight** (compressed as sent): {weight['total']:,} bytes", ""]
        lines += [f"- {part}: {size:,}" for part, size in weight["parts"].items()] + [""]
    rss = extras.get("rss")
    if rss:
        lines += [
            f"**Worker RSS** before / after {rss['requests']:,} requests of the issue page (KiB): "
            + ", ".join(f"{rss['before'][pid]:,} → {rss['after'].get(pid, 0):,}" for pid in rss["before"]),
            "",
        ]
    if hall_result:
        lines += [
            "## Lecture hall",
            "",
            f"{hall_result['students']} students, {hall_result['how']['sign_in']}, arrive within 10 s and "
            f"read the issue, its stylesheet and the discussion; {hall_result['posters']} of them post "
            f"({hall_result['how']['posting']}) one after another over {args.hall_seconds:.0f} s while the "
            f"others reread a page every {args.hall_think:g} s (±50 %)"
            + (f"; meanwhile {hall_result['how']['live']}" if "live" in hall_result["how"] else "")
            + f", in {hall_result['seconds']:.1f} s in all. "
            f"{hall_result['posted']} posts accepted, {hall_result['stored']} stored, "
            f"{hall_result['seen']} seen by their poster on the next page; "
            f"{len(hall_result['read_errors'])} errors reading, "
            f"{len(hall_result.get('poll_errors', []))} polling, {len(hall_result['post_errors'])} posting. "
            # Accepted but not stored is a lost comment; stored but not confirmed is a post
            # whose answer came after the client gave up (it counts as an error, not a loss).
            f"Lost comments: {max(0, hall_result['posted'] - hall_result['stored'])}. "
            f"Each student also opened {hall_result.get('item_path', 'an item')} after the issue: "
            f"{hall_result.get('read_marks', 0)} read marks written for {hall_result['students']} students.",
            "",
            report.hall_table(hall_result["timings"]),
            "",
            "The same requests as the board's log timed them in the worker (no queueing):",
            "",
            report.hall_table(hall_result.get("in_worker") or {}),
            "",
        ]
        errors = hall_result["read_errors"] + hall_result.get("poll_errors", []) + hall_result["post_errors"]
        if errors:
            lines += ["Errors (first 10):", ""] + [f"- {e}" for e in errors[:10]] + [""]
    if explains:
        lines += ["## Query plans", ""]
        for name, plans in explains.items():
            for sql, plan in plans:
                lines += [f"**{name}**", "", "```sql", sql, "```", "", "```", plan, "```", ""]
    md_path.write_text("\n".join(lines))
    report.chart(rows, png_path, f"newsboard {label}, {started_at:%Y-%m-%d %H:%M} UTC: ratio to bare Django")
    print("\n" + report.target_table(targets) if targets else "")
    print(f"\nWritten: {md_path} and {png_path.name}")


if __name__ == "__main__":
    sys.exit(main())
