"""python -m bench: build a scale, serve it like production, load every page against the limit.

See the README's "Benchmark" section. Everything printed is also written under bench/results/.
"""

import argparse
import datetime
import json
import logging
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench import env as bench_env
from bench import load

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
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
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
        "--hall-sign-in",
        choices=["login", "session"],
        default="login",
        help="posters sign in through the login page (password hashing included), or arrive signed in",
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
    args = parse_args(argv)
    # A plain `kill` must still stop gunicorn: turn SIGTERM into an exit that runs the cleanups.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    static_root = Path(tempfile.mkdtemp(prefix="newsboard-bench-static-"))
    try:
        return run(args, static_root)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def run(args, static_root):
    if not (args.build_only or args.list) and not Path(load.WRK).exists():
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
    resolved = bench_pages.resolve(selected, values, session_client)
    # After resolve() the client also holds the CSRF cookie a browser would send back, so the
    # signed-in page is measured without minting a new CSRF cookie on every request.
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in session_client.cookies.items())
    explains = {
        r.page.name: [(sql, bench_pages.explain(sql)) for sql in r.sql if sql.lstrip().startswith("SELECT")]
        for r in resolved
        if r.available and (r.page.explain or args.explain_all)
    }

    started_at = datetime.datetime.now(datetime.UTC)
    stamp = started_at.strftime("%Y-%m-%d-%H%M")
    redis = bool(env["REDIS_URL"]) and not args.no_cache
    label = f"{args.scale}-{args.db}{'-nocache' if args.no_cache else '-redis' if redis else ''}"
    cache = "dummy (caches off)" if args.no_cache else "Redis (REDIS_URL)" if redis else "local memory"
    bench_env.RESULTS_DIR.mkdir(exist_ok=True)
    log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{args.port}.log"

    from bench.server import Server, get

    base = f"http://127.0.0.1:{args.port}"
    rows, extras = [], {}
    with Server(env, args.port, log_path) as server:
        for r in resolved:
            row = {
                "name": r.page.name,
                "path": r.path,
                "note": r.note,
                "queries": r.queries,
                "served_queries": r.served_queries,
                "page_cached": r.page_cached,
                "cpu_ms": r.cpu_ms,
                "sql_ms": r.sql_ms,
            }
            rows.append(row)
            if not r.available:
                print(f"{r.page.name}: {r.note}", flush=True)
                continue
            headers = [f"Cookie: {cookie}"] if r.page.signed_in else []
            status, response_headers, body = get(
                args.port, r.path, {"Accept-Encoding": "gzip, br", **dict(h.split(": ", 1) for h in headers)}
            )
            _, _, raw = get(args.port, r.path, dict(h.split(": ", 1) for h in headers))
            row.update(
                bytes=len(body),
                raw_bytes=len(raw),
                encoding=response_headers.get("Content-Encoding") or "identity",
                **gzip_estimate(raw),
            )
            print(f"{r.page.name}: {r.path} ({len(raw):,} bytes, {r.queries} queries)…", flush=True)
            result = load.interleave(
                base + r.path,
                f"{base}/__bench__/reference/{len(raw)}/",
                pairs=args.pairs,
                duration=args.duration,
                connections=args.connections,
                headers=headers,
            )
            row["load"] = result.summary()
            row["ratios"] = result.ratios
            s = row["load"]
            print(
                f"  {s['rps']:.0f} req/s, p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, "
                f"ratio {s['ratio']:.2f} ({s['ratio_min']:.2f}–{s['ratio_max']:.2f}), errors {s['errors']}",
                flush=True,
            )

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
            extras["hall"] = lecture_hall(args, values, server)

    write_results(args, label, cache, stamp, started_at, rows, extras, explains, counts, build_seconds)
    return 0


def gzip_estimate(raw):
    """What GZipMiddleware (level 6) would send for this body, and what it costs per request."""
    import gzip

    costs = []
    for _ in range(5):
        started = time.process_time()
        size = len(gzip.compress(raw, compresslevel=6))
        costs.append(time.process_time() - started)
    return {"gzip_bytes": size, "gzip_ms": min(costs) * 1000}


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


def lecture_hall(args, values, server):
    from django.contrib.auth import get_user_model

    from bench import hall, pages, scales
    from items.models import Comment, Discussion
    from items.services import discussion_refresh_counts

    css = next(iter(page_weight(args.port, values["issue"])["css"]), "/static/css/board.css")
    print(f"Lecture hall: {args.hall_students} students read within 10 s…", flush=True)
    read_timings, read_elapsed = hall.reads(
        args.port,
        issue_path=values["issue"],
        css_path=css,
        discussion_path=values["discussion"],
        students=args.hall_students,
    )
    accounts = [
        (u, scales.STUDENT_PASSWORD)
        for u in get_user_model()
        .objects.filter(username__startswith="bench-student-")
        .order_by("username")
        .values_list("username", flat=True)[100 : 100 + args.hall_posters]
    ]

    def session_for(username):
        from django.test import Client

        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        name, _, value = pages.session_cookie(client).partition("=")
        return {name: value}

    print(f"Lecture hall: {len(accounts)} students sign in and post within 60 s…", flush=True)
    post_timings, posted, how, marker, post_elapsed = hall.posts(
        args.port,
        discussion_path=values["discussion"],
        accounts=accounts,
        session_for=session_for,
        use_login_page=args.hall_sign_in == "login",
    )
    found = Comment.objects.filter(body__startswith=f"Lecture hall {marker}:")
    stored = found.count()
    # Leave the data as built, so the next run measures the same pages.
    discussions = set(found.values_list("discussion_id", flat=True))
    found.delete()
    for discussion in Discussion.objects.filter(pk__in=discussions):
        discussion_refresh_counts(discussion)
    result = {
        "reads": read_timings.summary(),
        "read_errors": read_timings.errors,
        "read_seconds": read_elapsed,
        "posts": post_timings.summary(),
        "post_errors": post_timings.errors,
        "post_seconds": post_elapsed,
        "posted": posted,
        "stored": stored,
        "how": how,
    }
    print(json.dumps({k: v for k, v in result.items() if "errors" not in k}, indent=1, default=str))
    print(f"errors: {len(read_timings.errors)} reading, {len(post_timings.errors)} posting", flush=True)
    return result


def write_results(args, label, cache, stamp, started_at, rows, extras, explains, counts, build_seconds):
    from bench import report

    md_path = bench_env.RESULTS_DIR / f"{stamp}-{label}.md"
    png_path = md_path.with_suffix(".png")
    machine = report.machine()
    lines = [
        f"# Benchmark: {args.scale} scale on {args.db}{' (caches off)' if args.no_cache else ''}",
        "",
        f"{started_at:%Y-%m-%d %H:%M} UTC · {machine['nproc']} CPUs ({machine['cpu']}) · "
        f"Python {machine['python']} · Django {machine['django']} · {machine['os']}",
        "",
        f"gunicorn, 2 sync workers, production settings, WhiteNoise, {cache} cache; "
        f"wrk -t1 -c{args.connections} -d{args.duration}, {args.pairs} page/limit pairs per page, "
        "`Accept-Encoding: gzip, br`.",
        f"Data: {counts}" + (f"; built in {build_seconds:.1f} s" if build_seconds else ""),
        "",
        report.page_table(rows),
        "",
        f"![ratios]({png_path.name})",
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
    hall_result = extras.get("hall")
    if hall_result:
        lines += [
            "## Lecture hall",
            "",
            f"Reads: {args.hall_students} students in {hall_result['read_seconds']:.1f} s, "
            f"{len(hall_result['read_errors'])} errors. Posts: sign-in by {hall_result['how']['sign_in']}, "
            f"{hall_result['how']['posting']}; {hall_result['posted']} accepted, {hall_result['stored']} "
            f"stored, {len(hall_result['post_errors'])} errors, in {hall_result['post_seconds']:.1f} s. "
            # Accepted but not stored is a lost comment; stored but not confirmed is a post
            # whose answer came after the client gave up (it counts as an error, not a loss).
            f"Lost comments: {max(0, hall_result['posted'] - hall_result['stored'])}.",
            "",
            report.hall_table(hall_result["reads"] | hall_result["posts"]),
            "",
        ]
        errors = hall_result["read_errors"] + hall_result["post_errors"]
        if errors:
            lines += ["Errors (first 10):", ""] + [f"- {e}" for e in errors[:10]] + [""]
    if explains:
        lines += ["## Query plans", ""]
        for name, plans in explains.items():
            for sql, plan in plans:
                lines += [f"**{name}**", "", "```sql", sql, "```", "", "```", plan, "```", ""]
    md_path.write_text("\n".join(lines))
    report.chart(rows, png_path, f"newsboard {label}, {started_at:%Y-%m-%d %H:%M} UTC: ratio to the limit")
    print("\n".join(lines[:12]))
    print(f"\nWritten: {md_path} and {png_path.name}")


if __name__ == "__main__":
    sys.exit(main())
