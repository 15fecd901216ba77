"""QuerySet methods the board's pages rely on: search and tag matching, on both databases."""

import pytest
from django.db import connection

from items.models import NewsItem
from tests.factories import NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    return {
        "robot": NewsItemFactory(title="A robot learns to fold laundry", source="Wired"),
        "faces": NewsItemFactory(title="Face recognition", summary="Cameras in stadiums raise concerns."),
        "gpt": NewsItemFactory(title="Language model essay", excerpt="GPT-3 wrote this whole article."),
    }


def found(q):
    return set(NewsItem.objects.search(q).values_list("title", flat=True))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("robot", {"robot"}),
        ("wired", {"robot"}),
        ("stadiums", {"faces"}),
        ("cameras stadiums", {"faces"}),
        ("GPT-3", {"gpt"}),
        ("article", {"gpt"}),
        ("robot stadiums", set()),
        ("", {"robot", "faces", "gpt"}),
        ("   ", {"robot", "faces", "gpt"}),
    ],
)
def test_search_matches_every_word_in_title_summary_excerpt_or_source(stories, q, expected):
    assert found(q) == {stories[key].title for key in expected}


ODD_QUERIES = ["\u200fروبوت\u200e", "🤖", "& | ! ( :*", '"unterminated', "-", "'; DROP TABLE x;--", "é" * 200]


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_search_survives_odd_input(stories, q):
    assert isinstance(found(q), set)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming and ranking are PostgreSQL's")
def test_postgres_search_stems_and_ranks(stories):
    NewsItemFactory(title="Robots everywhere", summary="Robots, robots and more robots.")
    results = list(NewsItem.objects.search("robots"))
    assert [item.title for item in results] == ["Robots everywhere", "A robot learns to fold laundry"]
    assert results[0].search_rank >= results[1].search_rank


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists only on PostgreSQL")
def test_postgres_search_uses_the_gin_index(stories):
    sql, params = NewsItem.objects.search("robot").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # Tiny test tables: forbid the scans that beat any index at this size (a sequential
        # scan, or walking the primary key), so the plan shows whether the GIN index can serve.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "item_search_idx" in plan


def test_search_keeps_to_the_queryset_it_is_given(stories):
    NewsItemFactory(issue=WeeklyIssueFactory(draft=True), title="Secret robot")
    titles = NewsItem.objects.published().search("robot").values_list("title", flat=True)
    assert "Secret robot" not in set(titles)


def test_tagged_any_and_all():
    both = NewsItemFactory(tags=["a", "b"])
    only_a = NewsItemFactory(tags=["a"])
    NewsItemFactory(tags=["c"])
    assert set(NewsItem.objects.tagged(["a", "b"])) == {both, only_a}
    assert set(NewsItem.objects.tagged(["a", "b"], match_all=True)) == {both}
    assert NewsItem.objects.tagged([]).count() == 3


def test_used_tags_counts_only_the_given_items():
    NewsItemFactory(tags=["shared"])
    NewsItemFactory(tags=["shared", "draft-only"], issue=WeeklyIssueFactory(draft=True))
    tags = {tag.slug: tag.item_count for tag in NewsItem.objects.published().used_tags()}
    assert tags == {"shared": 1}


def test_used_tags_counts_each_item_once_per_tag():
    NewsItemFactory(tags=["x", "y"])
    NewsItemFactory(tags=["x"])
    NewsItemFactory(tags=["y", "z"])
    published = NewsItem.objects.published()

    assert {t.slug: t.item_count for t in published.used_tags()} == {"x": 2, "y": 2, "z": 1}
    assert {t.slug: t.item_count for t in published.tagged(["x"]).used_tags()} == {"x": 2, "y": 1}
    assert {t.slug: t.item_count for t in published.tagged(["y", "x"], match_all=True).used_tags()} == {
        "x": 1,
        "y": 1,
    }
