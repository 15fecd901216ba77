"""items.search and /search/: the board-wide search, on SQLite (FTS5) and PostgreSQL."""

import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from taggit.models import Tag

from items import search_index
from items.models import Category, Comment, NewsItem
from items.search import search
from newsboard.settings import BASE_DIR
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    DiscussionFactory,
    InsightFactory,
    NewsItemFactory,
    WeeklyIssueFactory,
)

pytestmark = pytest.mark.django_db
SEARCH = reverse("items:search")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")


@pytest.fixture
def board():
    ethics = CategoryFactory(label="Ethics", name="Ethics", slug="ethics")
    vision = CategoryFactory(label="Vision", name="Computer Vision", slug="vision")
    return {
        "robot": NewsItemFactory(
            title="A robot learns to fold laundry", summary="Depth cameras and a gripper.", category=vision
        ),
        "faces": NewsItemFactory(title="Face recognition in stadiums", category=vision, tags=["ai-ethics"]),
        "audit": NewsItemFactory(title="Auditing hiring algorithms", category=ethics),
        "neural": NewsItemFactory(title="A neural network plays Go", summary="Deep learning, again."),
        "insight": InsightFactory(headline="Ethics lags behind", body="Regulation trails the research."),
        "comment": CommentFactory(body="Is this ethics washing?", discussion=DiscussionFactory()),
    }


def kinds_and_names(results):
    found = {}
    for group in results.groups:
        for hit in group.hits:
            obj = hit.obj
            found.setdefault(group.name, set()).add(
                getattr(obj, "title", None) or getattr(obj, "headline", None) or obj.body
            )
    return found


def test_one_word_finds_categories_tags_insights_and_comments_grouped(board):
    results = search("ethics")
    assert [group.name for group in results.groups] == ["items", "insights", "discussions"]
    assert kinds_and_names(results) == {
        "items": {"Face recognition in stadiums", "Auditing hiring algorithms"},
        "insights": {"Ethics lags behind"},
        "discussions": {"Is this ethics washing?"},
    }
    assert results.total == 4


def test_every_word_must_match_and_stems_match(board):
    assert kinds_and_names(search("robots cameras")) == {"items": {"A robot learns to fold laundry"}}
    assert search("robot stadiums").groups == []


def test_the_title_outranks_the_body():
    NewsItemFactory(title="Something else", summary="A passing mention of transformers.")
    NewsItemFactory(title="Transformers everywhere", summary="Nothing more.")
    titles = [hit.obj.title for hit in search("transformers").groups[0].hits]
    assert titles == ["Transformers everywhere", "Something else"]


def test_only_what_readers_may_see_is_found():
    NewsItemFactory(title="Secret zebra draft", issue=WeeklyIssueFactory(draft=True))
    NewsItemFactory(title="Scheduled zebra", issue=WeeklyIssueFactory(scheduled=True))
    InsightFactory(headline="Zebra insight", is_published=False)
    CommentFactory(body="A hidden zebra remark", status=Comment.Status.HIDDEN)
    CommentFactory(body="A deleted zebra remark", status=Comment.Status.DELETED)
    CommentFactory(body="A pending zebra remark", status=Comment.Status.PENDING)
    CommentFactory(body="Zebra in a hidden thread", discussion=DiscussionFactory(is_hidden=True))
    DiscussionFactory(title="Zebra thread on a draft", issue=WeeklyIssueFactory(draft=True))
    assert search("zebra").groups == []
    # Nor do its words leak through "did you mean".
    assert search("zebr").suggestion == ""


def test_snippets_highlight_matches_and_escape_everything_else():
    NewsItemFactory(title="Plain", summary="About quantum <i>computing</i> & more \ue001 <script>x</script>")
    hit = search("quantum").groups[0].hits[0]
    assert "<mark>quantum</mark>" in hit.snippet
    assert "<" not in re.sub("</?mark>", "", hit.snippet)
    assert "&amp;" in hit.snippet


@pytest.mark.parametrize(
    ("q", "suggestion"),
    [("robto", "robot"), ("neural netwrok", "neural network"), ("lerning", "learning")],
)
def test_a_typo_gets_a_suggestion_from_the_board_s_own_words(board, q, suggestion):
    results = search(q)
    assert results.groups == []
    assert results.suggestion == suggestion


def test_no_suggestion_when_results_are_found_or_nothing_is_close(board):
    assert search("robot").suggestion == ""
    assert search("xylophone").suggestion == ""


def test_the_page_shows_groups_snippets_and_the_suggestion(client, board):
    page = client.get(SEARCH, {"q": "ethics"}).content.decode()
    for group in ("items", "insights", "discussions"):
        assert f'<h2 id="results-{group}">' in page
    assert board["audit"].get_absolute_url() in page
    assert board["comment"].get_absolute_url() in page
    assert "<mark>" in page
    page = client.get(SEARCH, {"q": "neural netwrok"}).content.decode()
    assert "Did you mean" in page and f'href="{SEARCH}?q=neural%20network"' in page
    page = client.get(SEARCH, {"q": "xylophone"}).content.decode()
    assert "Nothing on the board matches “xylophone”" in page


@pytest.mark.parametrize(
    "q",
    [
        '"unterminated',
        "NEAR(robot cameras)",
        "robot AND OR NOT",
        "title: robot",
        "{title body} : robot",
        "robot*",
        "^robot",
        "& | ! ( :*",
        "'; DROP TABLE items_search;--",
        "🤖 robot",
        "\u200fروبوت\u200e",
        "-",
        "a " * 99,
        "é" * 200,
    ],
)
def test_odd_queries_never_break_the_search(client, board, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    assert "Server error" not in response.content.decode()
    assert isinstance(NewsItem.objects.search(q).count(), int)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=" + "a" * 201, "Searches are at most 200 characters (this one has 201)."),
        ("q=a%00b", "Null characters are not allowed."),
        ("q=", "Type a word to search for."),
    ],
)
def test_bad_queries_are_explained(client, query, message):
    response = client.get(SEARCH, QUERY_STRING=query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_search_page_runs_a_bounded_number_of_queries(client, board, django_assert_max_num_queries):
    for number in range(40):
        NewsItemFactory(title=f"Ethics story {number}", tags=["ai-ethics"])
        CommentFactory(body=f"Ethics comment {number}")
    with django_assert_max_num_queries(6):
        page = client.get(SEARCH, {"q": "ethics"}).content.decode()
    assert "The best 20 of 42 are shown" in page
    with django_assert_max_num_queries(6):
        client.get(SEARCH, {"q": "neural netwrok"})


def test_every_page_has_a_search_box_in_its_header(client, board):
    for url in (reverse("items:home"), reverse("items:item_list"), board["robot"].get_absolute_url()):
        page = client.get(url).content.decode()
        header = page[page.index('<header class="site-header">') : page.index("</header>")]
        assert f'<form class="site-search" method="get" action="{SEARCH}" role="search"' in header
        assert '<label for="site-search-q" class="visually-hidden">Search the board</label>' in header
        assert '<input type="search" id="site-search-q" name="q"' in header


def test_the_header_box_leads_to_results(client, board):
    page = client.get(SEARCH, {"q": "laundry"}).content.decode()
    assert board["robot"].get_absolute_url() in page


# Keeping the index in step: every way a row changes reaches it (SQLite's triggers).


def titles(q):
    return {hit.obj.title for group in search(q).groups for hit in group.hits if hasattr(hit.obj, "title")}


def test_edits_renames_and_deletes_reach_the_index(board):
    item = board["robot"]
    item.title = "A robot learns to iron shirts"
    item.save()
    assert titles("shirts") == {item.title} and titles("laundry") == set()
    Category.objects.filter(slug="vision").update(name="Machine Perception")
    assert titles("perception") == {item.title, "Face recognition in stadiums"}
    Tag.objects.filter(name="ai-ethics").update(name="fairness")
    assert titles("fairness") == {"Face recognition in stadiums"}
    board["faces"].tags.clear()
    assert titles("fairness") == set()
    board["faces"].tags.add("privacy")
    assert titles("privacy") == {"Face recognition in stadiums"}
    NewsItem.objects.filter(pk=item.pk).update(summary="Now with origami.")
    assert titles("origami") == {item.title}
    item.delete()
    assert titles("origami") == set()
    comment = board["comment"]
    Comment.objects.filter(pk=comment.pk).update(body="Now about tractors")
    assert search("tractors").total == 1
    comment.delete()
    assert search("tractors").total == 0


def test_bulk_created_rows_are_found():
    issue, category = WeeklyIssueFactory(), CategoryFactory()
    NewsItem.objects.bulk_create(
        [NewsItem(issue=issue, category=category, position=n, title=f"Bulk walrus {n}") for n in (1, 2)]
    )
    assert titles("walrus") == {"Bulk walrus 1", "Bulk walrus 2"}


@sqlite_only
def test_the_index_is_rebuilt_when_a_migration_dropped_its_triggers(board):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER items_newsitem_search_insert")
        cursor.execute("DELETE FROM items_search")
    NewsItemFactory(title="Inserted while the trigger was gone: pelican")
    assert search_index.missing_parts(connection) == {"items_newsitem_search_insert"}
    search_index.install()
    assert search_index.missing_parts(connection) == set()
    assert titles("pelican") == {"Inserted while the trigger was gone: pelican"}
    assert titles("laundry") == {"A robot learns to fold laundry"}


@sqlite_only
def test_a_restored_backup_is_searchable(board, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = tmp_path / "board.tar.gz"
    call_command("backup", str(archive))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "false",
        "SECRET_KEY": "restore-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "localhost",
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "SQLITE_PATH": str(tmp_path / "restored.sqlite3"),
    }
    script = "from items.search import search; print(sorted(g.name for g in search('ethics').groups))"
    for args in (["migrate", "--no-input"], ["restore", str(archive)], ["shell", "-c", script]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['discussions', 'insights', 'items']"
