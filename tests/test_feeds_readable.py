"""Issue 21.5: feeds open readable in a browser (an XSLT stylesheet), the Insights feed, and a
comments feed per discussion that carries what the discussion page shows anyone, and no more."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse

from items import services
from items.models import Comment
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    DiscussionFactory,
    InsightFactory,
    NewsItemFactory,
    ProfileFactory,
    UserFactory,
    WeeklyIssueFactory,
)

pytestmark = pytest.mark.django_db
STYLESHEET = reverse("items:feed_stylesheet")
XSL = "{http://www.w3.org/1999/XSL/Transform}"


@pytest.fixture
def board():
    vision = CategoryFactory(label="Vision", slug="vision")
    NewsItemFactory(category=vision, tags=["faces"])
    InsightFactory(number=1, headline="Scale wins", body="Bigger models keep winning.")
    InsightFactory(number=2, headline="Not yet public", is_published=False)


@pytest.mark.parametrize(
    "url",
    [
        reverse("items:issues_feed"),
        reverse("items:issues_atom_feed"),
        reverse("items:insights_feed"),
        reverse("items:category_feed", kwargs={"slug": "vision"}),
        reverse("items:tag_feed", kwargs={"slug": "faces"}),
    ],
)
def test_every_feed_names_the_stylesheet_and_still_parses(client, board, url):
    body = client.get(url).content.decode()
    assert body.startswith(
        f'<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet type="text/xsl" href="{STYLESHEET}"?>'
    )
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.entries


def test_the_stylesheet_is_xslt_that_invites_readers_to_copy_the_address(client):
    response = client.get(STYLESHEET)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xsl; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{XSL}stylesheet"
    # It handles RSS and Atom alike, and links the board's own stylesheet (CSP: no inline style).
    assert root.find(f"{XSL}template").get("match") == "/"
    text = response.content.decode()
    assert "rss/channel/item | atom:feed/atom:entry" in text
    assert "Copy this page's address into your feed reader" in text
    assert '<link rel="stylesheet" href="/static/css/board.css"/>' in text
    assert "<style" not in text and "<script" not in text


def test_the_insights_feed_lists_published_insights_only(client, board):
    feed = feedparser.parse(client.get(reverse("items:insights_feed")).content)
    assert [entry.title for entry in feed.entries] == ["Insight 1: Scale wins"]
    assert feed.entries[0].link.endswith("/insights/#insight-1")
    assert feed.entries[0].summary == "<p>Bigger models keep winning.</p>"


def test_a_discussion_s_comments_feed_shows_visible_comments_and_no_private_data(client):
    discussion = DiscussionFactory(title="Week 3")
    author = UserFactory(username="ada", email="ada@example.edu")
    ProfileFactory(user=author, display_name="Ada L.")
    services.comment_create(discussion=discussion, author=author, body="First *thought*")
    CommentFactory(discussion=discussion, body="Hidden remark", status=Comment.Status.HIDDEN)
    CommentFactory(discussion=discussion, body="Pending remark", status=Comment.Status.PENDING)
    CommentFactory(discussion=discussion, body="Deleted remark", status=Comment.Status.DELETED)
    url = reverse("items:comments_feed", kwargs={"slug": discussion.slug})
    body = client.get(url).content.decode()
    feed = feedparser.parse(body)
    assert [entry.title for entry in feed.entries] == ["Ada L. on “Week 3”"]
    assert "<em>thought</em>" in feed.entries[0].summary
    assert "remark" not in body and "ada@example.edu" not in body
    # A new comment is in the feed on the very next request (the page cache keys on the thread).
    services.comment_create(discussion=discussion, author=UserFactory(), body="Second thought")
    assert len(feedparser.parse(client.get(url).content).entries) == 2


@pytest.mark.parametrize("hidden", ["is_hidden", "draft_issue"])
def test_no_comments_feed_for_a_discussion_readers_may_not_see(client, hidden):
    if hidden == "is_hidden":
        discussion = DiscussionFactory(is_hidden=True)
    else:
        discussion = DiscussionFactory(issue=WeeklyIssueFactory(draft=True))
    CommentFactory(discussion=discussion, body="Secret")
    assert client.get(reverse("items:comments_feed", kwargs={"slug": discussion.slug})).status_code == 404


def test_pages_advertise_the_new_feeds(client, board):
    html = client.get(reverse("items:insight_list")).content.decode()
    feed = reverse("items:insights_feed")
    assert f'<link rel="alternate" type="application/rss+xml" title="Insights" href="{feed}">' in html
    discussion = DiscussionFactory(title="Week 3")
    html = client.get(discussion.get_absolute_url()).content.decode()
    feed = reverse("items:comments_feed", kwargs={"slug": discussion.slug})
    assert f'title="Comments on Week 3" href="{feed}">' in html
