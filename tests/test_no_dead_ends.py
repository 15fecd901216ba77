"""Issue 21.3, no dead ends: card titles lead somewhere, cards count comments, and an item's
page leads on to its neighbours, the insights citing it, related items and its discussion."""

import pytest
from django.test import Client
from django.urls import reverse

from items import services
from tests.factories import (
    CategoryFactory,
    DiscussionFactory,
    InsightFactory,
    NewsItemFactory,
    UserFactory,
    WeeklyIssueFactory,
)

pytestmark = pytest.mark.django_db


def page(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def week():
    issue = WeeklyIssueFactory()
    vision, nlp = CategoryFactory(label="Vision"), CategoryFactory(label="NLP")
    return {
        "linked": NewsItemFactory(issue=issue, position=1, category=vision, title="Linked", tags=["robots"]),
        "unlinked": NewsItemFactory(issue=issue, position=2, category=nlp, title="Unlinked", link=""),
        "last": NewsItemFactory(
            issue=issue, position=5, category=vision, title="Last", tags=["robots", "gpus"]
        ),
    }


def test_a_card_title_links_to_its_source_or_else_to_its_page(week):
    html = page(week["linked"].issue.get_absolute_url())
    linked, unlinked = week["linked"], week["unlinked"]
    # Through the board (a signed-in reader's opening marks it read), then to the source.
    go = reverse("items:item_go", args=[linked.pk])
    assert f'<a href="{go}" rel="noopener" class="external">Linked<span' in html
    assert Client().get(go)["Location"] == linked.link
    assert f'<a href="{unlinked.get_absolute_url()}">Unlinked</a>' in html
    assert "Permalink" not in html


def card_link(item, text):
    return f'<a class="comments-link" href="{item.get_absolute_url()}#discussion">{text}<span'


def test_cards_show_their_comment_count_and_follow_each_comment(week):
    item = week["linked"]
    discussion = DiscussionFactory(item=item)
    url = item.issue.get_absolute_url()
    client = Client()
    assert card_link(item, "Discuss") in page(url, client)
    services.comment_create(discussion=discussion, author=UserFactory(), body="A first view")
    # The very next request shows it, on the issue page and on the home page (the latest issue).
    assert card_link(item, "1 comment") in page(url, client)
    assert card_link(item, "1 comment") in page("/")
    services.comment_create(discussion=discussion, author=UserFactory(), body="A second view")
    assert card_link(item, "2 comments") in page(url, client)
    assert card_link(item, "2 comments") in page("/")
    # A hidden thread shows no count.
    discussion.is_hidden = True
    discussion.save()
    assert card_link(item, "Discuss") in page(url, client)


def test_a_comment_in_the_week_s_own_thread_leaves_the_cards_cached(week, django_assert_max_num_queries):
    from items.caching import COMMENTS_ON_ITEMS, read_versions

    before = read_versions([COMMENTS_ON_ITEMS])
    services.comment_create(
        discussion=DiscussionFactory(issue=week["linked"].issue), author=UserFactory(), body="About the week"
    )
    assert read_versions([COMMENTS_ON_ITEMS]) == before
    on_item = DiscussionFactory(item=week["last"])
    services.comment_create(discussion=on_item, author=UserFactory(), body="On an item")
    assert read_versions([COMMENTS_ON_ITEMS]) != before


def test_an_item_page_leads_to_its_neighbours_in_the_week(week):
    html = page(week["unlinked"].get_absolute_url())
    nav = html[html.index('<nav class="issue-nav" aria-label="In this issue">') :]
    nav = nav[: nav.index("</nav>")]
    assert f'<a rel="prev" href="{week["linked"].get_absolute_url()}">← 1. Linked</a>' in nav
    assert f'<a rel="next" href="{week["last"].get_absolute_url()}">5. Last →</a>' in nav
    first = page(week["linked"].get_absolute_url())
    assert 'rel="prev"' not in first.split('aria-label="In this issue"')[1].split("</nav>")[0]


def test_an_item_page_lists_citing_insights_and_related_items(week):
    item = week["linked"]
    InsightFactory(headline="Robots are everywhere").evidence.add(item)
    InsightFactory(headline="Unpublished", is_published=False).evidence.add(item)
    other_week = WeeklyIssueFactory()
    two_tags = NewsItemFactory(issue=other_week, title="Shares two tags", tags=["robots", "gpus"])
    item.tags.add("gpus")
    same_category = NewsItemFactory(issue=other_week, title="Same category only", category=item.category)
    NewsItemFactory(issue=other_week, title="Unrelated")
    NewsItemFactory(issue=WeeklyIssueFactory(draft=True), title="Draft twin", tags=["robots", "gpus"])
    html = page(item.get_absolute_url())
    assert "Insights that cite this item" in html and "Robots are everywhere" in html
    assert "Unpublished" not in html
    start = html.index('<h2 id="related-title">')
    related = html[start : html.index("</section>", start)]
    # Most shared tags first; among equals, the same category; then the category alone.
    titles = ("Last", "Shares two tags", "Same category only")
    positions = [related.index(f">{title}</a>") for title in titles]
    assert positions == sorted(positions)
    assert "Unrelated" not in related and "Draft twin" not in related
    assert two_tags.get_absolute_url() in related and same_category.get_absolute_url() in related


def test_an_item_page_shows_its_discussion_inline_with_the_count(week):
    item = week["linked"]
    html = page(item.get_absolute_url())
    section = html[html.index('<section id="discussion"') :]
    assert f'<a href="/items/{item.pk}-{item.slug}/discussion/">Discuss this item</a>' in section
    assert 'class="count"' not in section
    discussion = DiscussionFactory(item=item, prompt="Would you trust it at home?")
    services.comment_create(discussion=discussion, author=UserFactory(), body="Not yet")
    html = page(item.get_absolute_url())
    section = html[html.index('<section id="discussion"') :]
    assert '<h2 id="discussion-title">Discussion <span class="count">(1 comment)</span></h2>' in section
    assert "Would you trust it at home?" in section
    # The thread itself, inline, as every reader sees it; acting on it is on the discussion's page.
    assert '<div class="thread">' in section and "Not yet" in section
    assert "Join the discussion" in section and "Discuss this item" not in section
    assert "<form" not in section and "Reply</a>" not in section

    # Shared with everyone alike: the author sees no Edit of theirs here, and an anonymous
    # comment stays anonymous (nobody's name reaches a page every reader gets).
    author = discussion.comments.get().author
    services.comment_create(
        discussion=discussion, author=UserFactory(username="hidden-hannah"), body="Me too", anonymous=True
    )
    for reader in (author, UserFactory(), None):
        client = Client()
        if reader is not None:
            client.force_login(reader)
        section = page(item.get_absolute_url(), client).split('<section id="discussion"')[1]
        assert "(2 comments)" in section and "Me too" in section and "Anonymous student" in section
        assert (
            "hidden-hannah" not in section
            and "/edit/" not in section
            and "csrfmiddlewaretoken" not in section
        )
    discussion.is_hidden = True
    discussion.save()
    assert '<section id="discussion"' not in page(item.get_absolute_url())
