"""The benchmark harness's own pieces: data at a scale, the reference route, the parsers."""

import datetime
import json
import math
import os
import subprocess
import sys
from importlib import reload

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from django.urls import clear_url_caches
from taggit.models import TaggedItem

import newsboard.urls
from bench import env as bench_env
from bench import hall, load, pages, report, scales
from bench.bare import views as bare_views
from bench.reference import constant_page, loop_page
from bench.server import parse_set_cookie
from items.models import Discussion, HelpfulMark, ReadMark, WeeklyIssue

REFERENCE_URL = "/__bench__/reference/1000/"
LOOP_URL = "/__bench__/loop/20/"


@pytest.mark.django_db
def test_a_tiny_scale_builds_exactly_the_counts_it_names():
    tiny = scales.Scale(
        "tiny", issues=3, items_per_issue=2, tags=4, comments=11, open_comments=5, students=3, read_share=0.5
    )

    counts, _ = scales.build(tiny)

    # Each student read half the items of the two older weeks (4 items: 2 each); the newest
    # week is the lecture hall's, unread.
    assert counts == {
        "issues": 3,
        "items": 6,
        "tags": 4,
        "comments": 11,
        "open_discussion_comments": 5,
        "students": 3,
        "read_marks": 6,
        "helpful_marks": 0,
    }
    newest = WeeklyIssue.objects.order_by("-issue_date").first()
    assert not ReadMark.objects.filter(item__issue=newest).exists()
    assert TaggedItem.objects.count() == 6 * 3
    for discussion in Discussion.objects.all():
        assert discussion.comment_count == discussion.comments.count()


@pytest.mark.django_db
def test_helpful_marks_are_built_on_someone_else_s_comments():
    counts, _ = scales.build(scales.Scale("h", 2, 1, 1, comments=20, open_comments=10, students=4, helpful=9))

    assert counts["helpful_marks"] == 9
    assert not HelpfulMark.objects.filter(comment__author=F("student")).exists()


@pytest.mark.django_db
def test_the_course_scale_is_the_demo_with_a_busy_open_discussion():
    counts, _ = scales.build(scales.Scale("course", 0, 0, 0, comments=7, open_comments=7, students=2))

    assert counts["issues"] == 8
    assert counts["comments"] == counts["open_discussion_comments"] == 7


def test_tag_names_stay_distinct_beyond_the_topic_list():
    names = scales.tag_names(200)
    assert len(set(names)) == 200


@pytest.mark.django_db
def test_the_bench_routes_exist_only_when_the_bench_setting_is_on(client, settings):
    assert client.get(REFERENCE_URL).status_code == 404
    assert client.get(LOOP_URL).status_code == 404
    settings.NEWSBOARD_BENCH = True
    try:
        reload(newsboard.urls)
        clear_url_caches()
        response = client.get(REFERENCE_URL)
        assert response.status_code == 200
        assert len(response.content) == 1000
        assert client.get(LOOP_URL).content.decode().count('<article class="item">') == 20
    finally:
        settings.NEWSBOARD_BENCH = False
        reload(newsboard.urls)
        clear_url_caches()
    assert client.get(REFERENCE_URL).status_code == 404
    assert client.get(LOOP_URL).status_code == 404


@pytest.mark.parametrize("rows", [0, 1, 200])
def test_the_template_loop_renders_the_rows_asked(rf, rows):
    html = loop_page(rf.get("/"), rows).content.decode()
    assert html.count('<article class="item">') == rows
    assert html.rstrip().endswith("</html>")


@pytest.mark.parametrize("size", [0, 10, 200, 4096, 77_050])
def test_the_constant_page_has_exactly_the_size_asked(size):
    assert len(constant_page(size)) == size


WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:8141/
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.48ms    4.12ms  50.23ms   80.00%
  Latency Distribution
     50%   20.91ms
     75%   22.80ms
     90%   25.12ms
     99%    1.20s
  1396 requests in 3.00s, 6.51MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    465.21
Transfer/sec:      2.17MB
"""


def test_wrk_output_is_read_into_rate_latency_and_errors():
    run = load.parse(WRK_OUTPUT)
    assert (run.rps, run.p50_ms, run.p99_ms, run.requests, run.errors) == (465.21, 20.91, 1200.0, 1396, 7)


def test_the_comment_form_is_found_whatever_its_fields_are_called():
    html = """
    <form method="get" action="/items/"><input name="q"><textarea name="notes"></textarea></form>
    <form method="post" action="/comments/7/report/"><textarea name="reason"></textarea></form>
    <form method="post" action="/discussion/open/comment/">
      <input type="hidden" name="csrfmiddlewaretoken" value="abc">
      <input type="checkbox" name="subscribe">
      <textarea name="body"></textarea><button type="submit">Post</button>
    </form>"""
    form = hall.comment_form(html)
    assert form["action"] == "/discussion/open/comment/"
    assert form["inputs"] == {"csrfmiddlewaretoken": "abc"}
    assert form["textareas"] == ["body"]
    assert hall.comment_form("<form method='post'><input name='q'></form>") is None


def test_without_wrk_the_benchmark_says_how_to_install_it(monkeypatch, capsys):
    from bench.__main__ import main

    monkeypatch.setattr(load, "WRK", "/nonexistent/wrk")

    assert main(["--scale", "course"]) == 2
    assert "apt-get install wrk" in capsys.readouterr().err


def wrk_run(rps, p99=5.0, errors=0):
    return load.Run(rps=rps, p50_ms=1.0, p99_ms=p99, requests=int(rps), errors=errors)


def test_ratios_are_taken_round_by_round_and_summarised_by_their_median():
    pages = [wrk_run(100), wrk_run(300), wrk_run(200)]
    references = [wrk_run(200), wrk_run(300), wrk_run(800)]

    assert load.ratios(pages, references) == [0.5, 1.0, 0.25]
    assert load.ratio_summary(pages, references) == {"ratio": 0.5, "ratio_min": 0.25, "ratio_max": 1.0}


def test_a_reference_run_that_completed_nothing_gives_no_ratio():
    assert load.ratios([wrk_run(100)], [wrk_run(0)]) == []
    summary = load.ratio_summary([wrk_run(100)], [wrk_run(0)])
    assert math.isnan(summary["ratio"])


def test_a_targets_runs_are_summarised_by_their_medians_and_all_their_errors():
    runs = [wrk_run(100, p99=9.0, errors=1), wrk_run(300, p99=3.0), wrk_run(200, p99=4.0, errors=2)]
    assert load.summary(runs) == {"rps": 200, "p50_ms": 1.0, "p99_ms": 4.0, "errors": 3}


def test_every_board_page_is_measured_anonymous_and_signed_in_the_template_loops_anonymous_only():
    names = [variant.name for variant in pages.variants(pages.PAGES)]

    assert "home" in names
    assert "home, signed in" in names
    assert "discussion, signed in" in names
    assert "template loop, 20 rows" in names
    assert "template loop, 20 rows, signed in" not in names
    assert len(names) == len(set(names))


def page_row(page, ratio, *, signed_in=False, queries=3, path="/"):
    return {
        "name": f"{page}, signed in" if signed_in else page,
        "page": page,
        "signed_in": signed_in,
        "board": True,
        "path": path,
        "queries": queries,
        "vs": {"bare": {"ratio": ratio, "ratio_min": ratio, "ratio_max": ratio}},
    }


def met(results):
    return {target: ok for target, _, ok in results}


def test_the_targets_are_0_7_anonymous_0_25_signed_in_and_0_15_for_the_busy_discussion():
    rows = [
        page_row("home", 0.71),
        page_row("home", 0.24, signed_in=True),
        page_row("discussion", 0.69),
        page_row("discussion", 0.16, signed_in=True),
    ]

    assert met(report.targets(rows)) == {
        "home: warm ≥ 0.7 × bare Django": True,
        "home, signed in: warm ≥ 0.25 × bare Django": False,
        "discussion: warm ≥ 0.7 × bare Django": False,
        "discussion, signed in: warm ≥ 0.15 × bare Django": True,
        "queries ≤ 8 on every page, anonymous and signed in": True,
    }


def test_a_page_over_eight_queries_or_not_available_fails_the_query_target():
    over = [page_row("home", 1.0), page_row("item", 1.0, signed_in=True, queries=9)]
    missing = [page_row("home", 1.0), page_row("item", float("nan"), queries=None, path=None) | {"note": "-"}]

    for rows in (over, missing):
        (query_target,) = [r for r in report.targets(rows, warm=False) if r[0].startswith("queries")]
        assert query_target[2] is False
    assert "item, signed in" in [r for r in report.targets(over) if r[0].startswith("queries")][0][1]


def test_warm_targets_are_not_judged_on_a_run_with_the_caches_off():
    assert [target for target, _, _ in report.targets([page_row("home", 0.1)], warm=False)] == [
        "queries ≤ 8 on every page, anonymous and signed in"
    ]


def hall_result(**changes):
    return {
        "read_errors": [],
        "poll_errors": [],
        "post_errors": [],
        "students": 300,
        "read_marks": 300,
        "posted": 100,
        "stored": 100,
        "seen": 100,
        "posters": 100,
        "timings": {"reads (all)": {"p99_ms": 40.0}},
    } | changes


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({}, set()),
        ({"post_errors": ["post: comment: → 500"]}, {"lecture hall: 0 errors"}),
        ({"stored": 99}, {"lecture hall: 0 lost (posts accepted = comments stored)"}),
        ({"timings": {"reads (all)": {"p99_ms": 101.0}}}, {"lecture hall: reads p99 ≤ 100 ms"}),
        ({"seen": 99}, {"lecture hall: each poster sees their comment on the next page"}),
        ({"poll_errors": ["poll: live: → 502"]}, {"lecture hall: 0 errors"}),
        ({"read_marks": 299}, {"lecture hall: every student's read mark written"}),
        (
            {"posted": 0, "stored": 0, "seen": 0},
            {
                "lecture hall: 0 lost (posts accepted = comments stored)",
                "lecture hall: each poster sees their comment on the next page",
            },
        ),
    ],
)
def test_the_lecture_hall_targets(changes, failed):
    results = report.targets([], hall_result(**changes))
    assert {target for target, _, ok in results if not ok} == failed


def test_a_speed_device_that_buys_under_ten_percent_everywhere_goes():
    assert report.device_verdict("page cache", [(5.44, "home"), (0.01, "home, signed in")], 0.10) == (
        "page cache: buys at most +544 % (home); keep"
    )
    assert report.device_verdict("fragment cache", [(0.09, "issue"), (float("nan"), "item")], 0.10) == (
        "fragment cache: buys at most +9 % (issue); goes (under 10% on every page)"
    )
    assert report.device_verdict("x", [], 0.10) == "x: not measured"


def test_the_floors_are_pooled_over_every_round_that_measured_them():
    rows = [
        {"reference_rps": {"bare": [1000, 1200]}, "reference_vs_bare": {}},
        {
            "reference_rps": {"bare": [1100], report.FLOOR_DB: [400]},
            "reference_vs_bare": {report.FLOOR_DB: [0.36]},
        },
        {
            "reference_rps": {"bare": [900], report.FLOOR_DB: [300]},
            "reference_vs_bare": {report.FLOOR_DB: [0.33]},
        },
    ]

    assert report.pooled(rows, "bare")["rps"] == 1050
    floor = report.pooled(rows, report.FLOOR_DB)
    assert (floor["rounds"], floor["rps"], floor["ratio_min"], floor["ratio_max"]) == (2, 350, 0.33, 0.36)
    assert report.pooled(rows, report.FLOOR_COOKIE) is None


def test_the_query_table_puts_a_pages_anonymous_and_signed_in_counts_side_by_side():
    rows = [
        page_row("home", 1.0, queries=2) | {"page_cached": True, "served_queries": 1},
        page_row("home", 0.3, signed_in=True, queries=4),
    ]
    assert report.query_table(rows).splitlines()[-1] == "| home | 2 (cached: 1) | 4 |"


def test_latencies_are_summarised_with_failed_requests_counted_but_not_timed():
    summary = hall.latency_summary([float(n) for n in range(1, 101)] + [float("nan")])
    assert summary == {"count": 101, "p50_ms": 50.5, "p99_ms": 99.0, "max_ms": 100.0}
    assert math.isnan(hall.latency_summary([float("nan")])["p99_ms"])


def test_the_posters_are_spread_through_the_class_one_turn_each():
    slots = hall.poster_slots(300, 100)
    assert len(slots) == 100
    assert sorted(slots.values()) == list(range(100))
    assert list(slots)[:3] == [0, 3, 6]
    assert hall.poster_slots(5, 10) == {n: n for n in range(5)}
    assert hall.poster_slots(5, 0) == {}


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/discussions/open/#comment-7", "/discussions/open/"),
        ("/discussions/open/?page=3#comment-7", "/discussions/open/?page=3"),
        ("http://127.0.0.1:8141/discussions/open/", "/discussions/open/"),
        (None, "/fallback/"),
    ],
)
def test_after_posting_the_browser_loads_the_redirect_without_its_fragment(location, expected):
    assert hall.next_page("/discussions/open/comment/", location, "/fallback/") == expected


def test_a_set_cookie_header_is_read_into_its_name_and_value():
    line = "csrftoken=abc123; expires=Thu, 02 Dec 2027 11:05:30 GMT; Max-Age=31449600; Path=/; SameSite=Lax"
    assert parse_set_cookie(line) == ("csrftoken", "abc123")


@pytest.mark.django_db
def test_bare_djangos_signed_in_page_wants_a_user_and_issues_a_csrf_token(rf, django_user_model):
    request = rf.get("/signed-in/")
    request.user = AnonymousUser()
    assert bare_views.signed_in_page(request).status_code == 302

    request.user = django_user_model.objects.create_user("bare")
    response = bare_views.signed_in_page(request)
    assert response.status_code == 200
    assert len(response.content) == bare_views.PAGE_BYTES
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"]
    assert len(bare_views.page(rf.get("/")).content) == bare_views.PAGE_BYTES


def test_bare_django_is_its_own_project_and_makes_a_real_session(tmp_path):
    env = bench_env.bare_env({"SECRET_KEY": "k" * 50, "GUNICORN_MAX_REQUESTS": "0"}, "signed cookies")
    env["BARE_SQLITE_PATH"] = str(tmp_path / "bare.sqlite3")

    made = subprocess.run(
        [sys.executable, "-m", "bench.bare.session"],
        cwd=bench_env.PROJECT_DIR,
        env=os.environ | env,
        capture_output=True,
        text=True,
        check=True,
    )

    # A signed-cookie session carries the user in the cookie itself: signed data, not a key.
    assert json.loads(made.stdout)["sessionid"].count(":") == 2


def test_what_a_device_buys_is_shown_with_the_range_of_its_rounds():
    assert report.gain_cell({"ratio": 1.25, "ratio_min": 1.03, "ratio_max": 1.4}) == "+25 % (+3 to +40 %)"
    assert report.gain_cell({"ratio": float("nan"), "ratio_min": 0, "ratio_max": 0}) == "–"


def test_time_in_the_worker_is_read_from_the_boards_request_log_within_the_hall():
    def record(at, path, ms, method="GET"):
        return json.dumps(
            {"time": f"2026-12-03T12:13:{at}.000+00:00", "method": method, "path": path, "duration_ms": ms}
        )

    lines = [
        "[2026-12-03 07:13:39 -0500] [2552] [INFO] Booting worker",
        record("00", "/issues/1/", 99.0),
        record("10", "/issues/1/", 20.0),
        record("11", "/issues/1/", 30.0),
        record("12", "/discussion/open/comment/", 40.0, method="POST"),
        '{"time": "2026-12-03T12:13:12.000+00:00", "message": "not a request"}',
        record("59", "/issues/1/", 99.0),
    ]
    since = datetime.datetime(2026, 12, 3, 12, 13, 5, tzinfo=datetime.UTC)
    until = datetime.datetime(2026, 12, 3, 12, 13, 30, tzinfo=datetime.UTC)

    times = hall.server_times(lines, since, until, {"/issues/1/": "issue"})

    assert times == {
        "in the worker: GET issue": {"count": 2, "p50_ms": 25.0, "p99_ms": 30.0, "max_ms": 30.0},
        "in the worker: POST other": {"count": 1, "p50_ms": 40.0, "p99_ms": 40.0, "max_ms": 40.0},
    }
