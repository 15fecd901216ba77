"""The /items/ list with its filters, tag and category pages, and bad input on them."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from items import services
from tests.factories import CategoryFactory, NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db

ITEMS = reverse("items:item_list")


@pytest.fixture
def board():
    vision = CategoryFactory(label="Vision", name="Computer Vision", slug="vision")
    nlp = CategoryFactory(label="NLP", name="Natural Language Processing", slug="nlp")
    old, new = (
        WeeklyIssueFactory(issue_date=datetime.date(2019, 9, 20)),
        WeeklyIssueFactory(issue_date=datetime.date(2019, 10, 4)),
    )
    return {
        "faces": NewsItemFactory(
            issue=old, category=vision, title="Face recognition in stadiums", tags=["privacy", "faces"]
        ),
        "gpt": NewsItemFactory(
            issue=new, category=nlp, title="GPT-3 writes an op-ed", source="The Guardian", tags=["gpt-3"]
        ),
        "robots": NewsItemFactory(
            issue=new,
            category=vision,
            title="Robots that see",
            summary="Depth cameras help robots grasp.",
            tags=["privacy", "robots"],
        ),
    }


def titles(response):
    """The titles of the item rows a page lists."""
    rows = re.findall(r'<a class="item-title" href="[^"]*">([^<]*)</a>', response.content.decode())
    return {html.unescape(title) for title in rows}


def test_lists_every_published_item_with_category_counts(client, board):
    NewsItemFactory(issue=WeeklyIssueFactory(draft=True), title="Draft item")
    response = client.get(ITEMS)
    assert response.status_code == 200
    assert titles(response) == {"Face recognition in stadiums", "GPT-3 writes an op-ed", "Robots that see"}
    counts = {c.slug: c.item_count for c in response.context["category_counts"]}
    assert (counts.pop("vision"), counts.pop("nlp")) == (2, 1)
    # Every category is offered; the one used only by a draft counts nothing.
    assert set(counts.values()) == {0}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=vision", {"faces", "robots"}),
        ("category=vision&category=nlp", {"faces", "robots", "gpt"}),
        ("tag=privacy", {"faces", "robots"}),
        ("tag=faces&tag=gpt-3", {"faces", "gpt"}),
        ("tag=privacy&tag=robots&match=all", {"robots"}),
        ("tag=privacy&tag=gpt-3&match=all", set()),
        ("since=2019-10-01", {"gpt", "robots"}),
        ("until=2019-09-30", {"faces"}),
        ("category=vision&since=2019-10-01&tag=privacy", {"robots"}),
        ("q=guardian", {"gpt"}),
        ("q=robots", {"robots"}),
        ("q=depth+cameras", {"robots"}),
        ("q=vision&category=nlp", set()),
    ],
)
def test_filters_combine(client, board, query, expected):
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 200
    assert titles(response) == {board[key].title for key in expected}
    # The heading's total comes from the category counts, not from a COUNT query.
    shown = f"{len(expected)} item{'' if len(expected) == 1 else 's'}"
    assert f'<h2 id="results-title">{shown}</h2>' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=nope&tag=privacy", {"faces", "robots"}),
        ("category=vision&tag=nope", {"faces", "robots"}),
        ("tag=privacy&since=2019-13-01", {"faces", "robots"}),
    ],
)
def test_an_unknown_choice_is_an_error_and_the_other_filters_still_count(client, board, query, expected):
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 200
    assert response.context["filter"].form.errors
    assert titles(response) == {board[key].title for key in expected}
    assert response.context["page_obj"].paginator.count == len(expected)


def test_counts_per_category_follow_the_other_filters(client, board):
    response = client.get(f"{ITEMS}?tag=privacy&category=nlp")
    counts = {c.slug: c.item_count for c in response.context["category_counts"]}
    assert counts == {"vision": 2, "nlp": 0}


def test_empty_result_says_so_and_offers_to_clear(client, board):
    content = client.get(f"{ITEMS}?q=quantum").content.decode()
    assert "No published item matches these filters" in content
    assert f'href="{ITEMS}">clear all filters</a>' in content


def test_filters_survive_pagination(client):
    category = CategoryFactory(slug="vision", label="Vision")
    for position in range(1, 36):
        NewsItemFactory(category=category, position=position, issue=WeeklyIssueFactory())
    response = client.get(f"{ITEMS}?category=vision&q=news&page=2")
    content = response.content.decode()
    assert response.context["page_obj"].number == 2
    assert '<a rel="prev" href="?category=vision&amp;q=news&amp;page=1">' in content


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("category=unknown", "category"),
        ("tag=no-such-tag", "tag"),
        ("since=2020-13-45", "since"),
        ("until=yesterday", "until"),
        ("match=some", "match"),
        ("since=2019-10-31&until=2019-09-01", "until"),
        ("q=" + "a" * 10_000, "q"),
        ("q=%00", "q"),
    ],
)
def test_unknown_filter_values_are_form_errors(client, board, query, field):
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert 'class="errorlist' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=99999",
        "page=-1",
        "page=1.5",
        "category=vision&category=vision&category=vision",
        "q=robots&q=faces",
        "q=%E2%80%8F%D8%B1%D9%88%D8%A8%D9%88%D8%AA%E2%80%8E",
        "q=%F0%9F%A4%96+robots",
        "q=%27%3B+DROP+TABLE+items_newsitem%3B--",
        "q=%26+%7C+%21+%28+%3A%2A",
        "q=%22unterminated",
        "q=-",
        "tag=" + "x" * 5000,
        "since=0000-00-00&until=9999-99-99",
        "since=2020-10-31&until=2020-09-01",
        "unknown=parameter",
        "tag=%00",
        "category=%00",
        "match=%00",
        "since=%00",
        "q=%FF%FE",
        "page=99999999999999999999999999",
        "since=9999-12-31&until=0001-01-01",
        "category=" + "&category=".join(f"c{n}" for n in range(200)),
    ],
)
def test_odd_input_never_breaks_the_list(client, board, query):
    assert client.get(f"{ITEMS}?{query}").status_code == 200


def test_item_list_page_out_of_range_shows_the_last_page(client, board):
    response = client.get(f"{ITEMS}?page=99999")
    assert response.context["page_obj"].number == 1


def test_tag_page_lists_published_items_with_the_tag_and_its_feed(client, board):
    NewsItemFactory(issue=WeeklyIssueFactory(draft=True), title="Draft privacy item", tags=["privacy"])
    response = client.get(reverse("items:tag_detail", kwargs={"slug": "privacy"}))
    assert response.status_code == 200
    assert titles(response) == {"Face recognition in stadiums", "Robots that see"}
    content = response.content.decode()
    feed_url = reverse("items:tag_feed", kwargs={"slug": "privacy"})
    link = f'<link rel="alternate" type="application/rss+xml" title="Items tagged privacy" href="{feed_url}">'
    assert link in content


@pytest.mark.parametrize("slug", ["no-such-tag", "x" * 300])
def test_unknown_tag_is_404(client, board, slug):
    assert client.get(reverse("items:tag_detail", kwargs={"slug": slug})).status_code == 404


def test_tag_used_only_by_drafts_is_404(client):
    NewsItemFactory(issue=WeeklyIssueFactory(draft=True), tags=["secret-topic"])
    assert client.get(reverse("items:tag_detail", kwargs={"slug": "secret-topic"})).status_code == 404


def test_category_page_shows_its_feed_link(client, board):
    category = board["faces"].category
    content = client.get(category.get_absolute_url()).content.decode()
    assert reverse("items:category_feed", kwargs={"slug": category.slug}) in content


@pytest.mark.parametrize(
    "url",
    [
        "/categories/unknown/",
        "/categories/unknown/feed/",
        "/tags/unknown/feed/",
        "/tags/%F0%9F%A4%96/",
        "/items/99999999999999999999999-x/",
        "/items/0-x/",
        "/issues/9999-12-31/",
    ],
)
def test_unknown_slugs_are_404(client, board, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["abc", "99999", "0", "-3", "%00", "9" * 30])
def test_category_and_tag_pages_accept_any_page(client, board, page):
    assert client.get(f"{board['faces'].category.get_absolute_url()}?page={page}").status_code == 200
    assert client.get(f"/tags/privacy/?page={page}").status_code == 200
    assert client.get(f"/issues/?page={page}").status_code == 200


def test_topic_tags_link_to_their_filter(client, board):
    content = client.get(board["faces"].issue.get_absolute_url()).content.decode()
    assert f'href="{ITEMS}?tag=privacy">#privacy</a>' in content
    content = client.get(board["faces"].get_absolute_url()).content.decode()
    assert f'href="{ITEMS}?tag=faces">#faces</a>' in content


def test_external_links_are_marked_and_noopener(client, board):
    content = client.get(board["gpt"].issue.get_absolute_url()).content.decode()
    # Through the board, which marks the item read for a signed-in reader and sends them on.
    go = reverse("items:item_go", args=[board["gpt"].pk])
    assert f'<a href="{go}" rel="noopener" class="external">' in content
    assert "(external link)" in content
    response = client.get(go)
    assert response.status_code == 302
    assert response["Location"] == board["gpt"].link


def test_pages_describe_themselves_for_shared_links(client, board):
    item = board["robots"]
    content = client.get(item.get_absolute_url()).content.decode()
    assert '<meta property="og:description" content="Depth cameras help robots grasp.">' in content
    assert '<meta property="og:type" content="article">' in content
    content = client.get(item.issue.get_absolute_url()).content.decode()
    assert '<meta name="description" content="ML Weekly for Fri 4 Oct 2019: ' in content
    assert "Robots that see" in content.split('name="description"')[1].split(">")[0]


def test_tag_choices_show_counts_and_keep_what_was_chosen(client, board):
    NewsItemFactory(issue=WeeklyIssueFactory(draft=True), tags=["draft-only"])
    response = client.get(f"{ITEMS}?tag=privacy")
    html = response.content.decode()
    start = html.index('<fieldset class="filter-tags"')
    section = html[start : html.index("</fieldset>", start)]
    assert (
        '<input type="checkbox" name="tag" value="privacy" checked> #privacy <span class="count">(2)</span>'
        in section
    )
    assert '<input type="checkbox" name="tag" value="gpt-3"> #gpt-3 <span class="count">(1)</span>' in section
    # Tags used only by drafts are not offered.
    assert "draft-only" not in section


def test_an_unknown_tag_error_is_tied_to_the_tag_choices(client, board):
    html = client.get(f"{ITEMS}?tag=no-such-tag").content.decode()
    assert '<fieldset class="filter-tags" aria-describedby="tag-errors">' in html
    assert '<details class="filter-panel" open data-filter-panel>' in html
    assert 'id="tag-errors"' in html and "no-such-tag" in html


def tag_counts(response):
    return {tag.slug: tag.item_count for tag in response.context["tag_counts"]}


def test_tag_counts_follow_the_other_filters_and_each_change(client, board, settings):
    settings.NEWSBOARD_PAGE_CACHE_SECONDS = 0
    # Every published item: the tag list the view counted once per version of the board.
    assert tag_counts(client.get(ITEMS)) == {"privacy": 2, "faces": 1, "gpt-3": 1, "robots": 1}
    # Facets: each count is among the items the other filters keep, and a tag none of them
    # has is not offered (with Vision ticked, #gpt-3 would list nothing).
    assert tag_counts(client.get(f"{ITEMS}?category=vision")) == {"privacy": 2, "faces": 1, "robots": 1}
    assert tag_counts(client.get(f"{ITEMS}?category=nlp")) == {"gpt-3": 1}
    assert tag_counts(client.get(f"{ITEMS}?since=2019-10-01")) == {"privacy": 1, "robots": 1, "gpt-3": 1}
    assert tag_counts(client.get(f"{ITEMS}?q=depth")) == {"privacy": 1, "robots": 1}
    # A chosen tag stays offered (to untick it) even when nothing the others keep has it.
    assert tag_counts(client.get(f"{ITEMS}?category=nlp&tag=faces")) == {"gpt-3": 1, "faces": 0}
    # "Any of these tags": another tag widens the list, so it counts among the other filters.
    vision_tags = {"privacy": 2, "faces": 1, "robots": 1}
    assert tag_counts(client.get(f"{ITEMS}?category=vision&tag=faces")) == vision_tags
    # "All of these tags": another tag narrows it, so it counts among what is listed.
    assert tag_counts(client.get(f"{ITEMS}?tag=privacy&match=all")) == vision_tags
    assert tag_counts(client.get(f"{ITEMS}?tag=privacy&tag=faces&match=all")) == {"privacy": 1, "faces": 1}

    draft = WeeklyIssueFactory(draft=True, issue_date=datetime.date(2019, 10, 11))
    NewsItemFactory(issue=draft, category=board["faces"].category, tags=["privacy", "fresh"])
    assert "fresh" not in tag_counts(client.get(f"{ITEMS}?category=vision"))
    services.publish_issue(draft)
    counts = tag_counts(client.get(f"{ITEMS}?category=vision"))
    assert counts["fresh"] == 1 and counts["privacy"] == 3
    board["gpt"].tags.remove("gpt-3")
    assert "gpt-3" not in tag_counts(client.get(ITEMS))


@pytest.mark.parametrize(
    "query",
    [
        "category=vision",
        "category=nlp&tag=privacy",
        "tag=privacy&tag=robots&match=all",
        "since=2019-10-01&category=vision",
        "q=robots&tag=privacy",
    ],
)
def test_choosing_a_counted_facet_lists_exactly_that_many_items(client, board, query):
    """The counts tell the truth: ticking an offered category or tag lists as many items as it said."""
    counted = client.get(f"{ITEMS}?{query}").context
    if "category=" not in query:
        for category in counted["category_counts"]:
            chosen = client.get(f"{ITEMS}?{query}&category={category.slug}").context
            assert chosen["page_obj"].paginator.count == category.item_count, category.slug
    if "tag=" not in query or "match=all" in query:
        for tag in counted["tag_counts"]:
            if f"tag={tag.slug}" not in query:
                chosen = client.get(f"{ITEMS}?{query}&tag={tag.slug}").context
                assert chosen["page_obj"].paginator.count == tag.item_count, tag.slug


def test_the_filters_fold_away_and_say_what_is_active(client, board):
    html = client.get(f"{ITEMS}?category=vision&tag=privacy&q=robots&since=2019-10-01").content.decode()
    summary = html[html.index('<details class="filter-panel"') : html.index("</summary>")]
    assert " open" not in summary.split(">")[0]
    assert "4 active: “robots”, Computer Vision, #privacy, from 1 Oct 2019" in summary
    chips = html[html.index('<ul class="active-filters"') : html.index("</ul>", html.index("active-filters"))]
    assert f'href="{ITEMS}?tag=privacy&amp;q=robots&amp;since=2019-10-01&amp;match=any"' in chips
    assert f'href="{ITEMS}?category=vision&amp;q=robots&amp;since=2019-10-01&amp;match=any"' in chips
    assert f'href="{ITEMS}">Clear all</a>' in chips
    assert "active-filters" not in client.get(ITEMS).content.decode()


def test_a_long_tag_list_gets_a_filter_box(client, board):
    html = client.get(ITEMS).content.decode()
    assert 'id="tag-filter"' not in html
    NewsItemFactory(issue=board["gpt"].issue, tags=[f"topic-{n}" for n in range(20)])
    html = client.get(ITEMS).content.decode()
    assert '<label for="tag-filter">Find a tag</label>' in html
    assert '<input type="search" id="tag-filter" aria-controls="tag-choices" autocomplete="off">' in html
    assert 'src="/static/js/filters.js" defer' in html


def test_a_tag_renamed_in_the_admin_or_deleted_shows_at_once_on_item_pages(instructor_client):
    first, second = NewsItemFactory(tags=["gpt3", "nlp"]), NewsItemFactory(tags=["gpt3"])
    tag = Tag.objects.get(name="gpt3")
    inline = "taggit_taggeditem_items"
    data = {"name": "GPT-3", "slug": "gpt-3", f"{inline}-TOTAL_FORMS": "2", f"{inline}-INITIAL_FORMS": "2"}
    for n, tagging in enumerate(TaggedItem.objects.filter(tag=tag).order_by("pk")):
        data.update(
            {
                f"{inline}-{n}-id": str(tagging.pk),
                f"{inline}-{n}-tag": str(tag.pk),
                f"{inline}-{n}-content_type": str(tagging.content_type_id),
                f"{inline}-{n}-object_id": str(tagging.object_id),
            }
        )
    response = instructor_client.post(reverse("admin:taggit_tag_change", args=[tag.pk]), data)
    assert response.status_code == 302
    for item in (first, second):
        page = instructor_client.get(item.get_absolute_url()).content.decode()
        assert "#GPT-3" in page and "?tag=gpt-3" in page and "gpt3" not in page

    Tag.objects.get(slug="gpt-3").delete()
    assert "GPT-3" not in instructor_client.get(first.get_absolute_url()).content.decode()
    assert "#nlp" in instructor_client.get(first.get_absolute_url()).content.decode()
