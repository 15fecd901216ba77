"""The benchmark harness's own pieces: data at a scale, the reference route, the parsers."""

from importlib import reload

import pytest
from django.urls import clear_url_caches
from taggit.models import TaggedItem

import newsboard.urls
from bench import hall, load, scales
from bench.reference import constant_page, loop_page
from items.models import Discussion

REFERENCE_URL = "/__bench__/reference/1000/"
LOOP_URL = "/__bench__/loop/20/"


@pytest.mark.django_db
def test_a_tiny_scale_builds_exactly_the_counts_it_names():
    tiny = scales.Scale("tiny", issues=3, items_per_issue=2, tags=4, comments=11, open_comments=5, students=3)

    counts, _ = scales.build(tiny)

    assert counts == {
        "issues": 3,
        "items": 6,
        "tags": 4,
        "comments": 11,
        "open_discussion_comments": 5,
        "students": 3,
    }
    assert TaggedItem.objects.count() == 6 * 3
    for discussion in Discussion.objects.all():
        assert discussion.comment_count == discussion.comments.count()


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
