"""Feeds: every issue (RSS and Atom), per category and per tag; only published content."""

import feedparser
import pytest
from django.test import Client
from django.urls import reverse

from items.models import WeeklyIssue
from tests.admin_forms import item_form
from tests.factories import CategoryFactory, NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    vision = CategoryFactory(label="Vision", slug="vision")
    public = WeeklyIssueFactory()
    NewsItemFactory(issue=public, category=vision, title="Public vision item", tags=["faces"])
    NewsItemFactory(issue=public, title="Public other item", tags=["faces", "privacy"])
    for state in ("draft", "scheduled"):
        issue = WeeklyIssueFactory(**{state: True})
        NewsItemFactory(issue=issue, category=vision, title=f"Secret {state}", tags=["faces"])
    return public


FEEDS = [
    reverse("items:issues_feed"),
    reverse("items:issues_atom_feed"),
    reverse("items:category_feed", kwargs={"slug": "vision"}),
    reverse("items:tag_feed", kwargs={"slug": "faces"}),
]


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_parse_and_every_entry_has_title_link_and_date(client, board, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Last-Modified" in response
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries
    for entry in feed.entries:
        assert entry.title and entry.link.startswith("http://testserver/")
        assert entry.get("published_parsed") or entry.get("updated_parsed")


@pytest.mark.parametrize("url", FEEDS)
@pytest.mark.parametrize("who", ["anonymous", "student", "instructor"])
def test_feeds_never_show_drafts_or_scheduled_issues(client, student, instructor, board, url, who):
    if who != "anonymous":
        client.force_login(student if who == "student" else instructor)
    content = client.get(url).content.decode()
    assert "Secret" not in content
    assert WeeklyIssueFactory._meta.model.objects.exclude(pk=board.pk).first().slug not in content


def test_issue_feed_lists_the_items_of_each_issue(client, board):
    feed = feedparser.parse(client.get(reverse("items:issues_feed")).content)
    assert [entry.link for entry in feed.entries] == [f"http://testserver{board.get_absolute_url()}"]
    assert "Public vision item" in feed.entries[0].description


def test_category_and_tag_feeds_hold_their_items(client, board):
    titles = {e.title for e in feedparser.parse(client.get(FEEDS[2]).content).entries}
    assert titles == {"(Vision) Public vision item"}
    titles = {e.title for e in feedparser.parse(client.get(FEEDS[3]).content).entries}
    assert len(titles) == 2


def alternate_links(html):
    """The hrefs of the page's <link rel="alternate"> elements."""
    return {
        part.split('href="', 1)[1].split('"', 1)[0]
        for part in html.split("<link ")[1:]
        if part.startswith('rel="alternate"')
    }


def test_pages_advertise_their_feeds(client, board):
    home = client.get(reverse("items:home")).content.decode()
    assert alternate_links(home) == {FEEDS[0], FEEDS[1]}
    category = client.get(reverse("items:category_detail", kwargs={"slug": "vision"})).content.decode()
    assert FEEDS[2] in alternate_links(category)
    tag = client.get(reverse("items:tag_detail", kwargs={"slug": "faces"})).content.decode()
    assert FEEDS[3] in alternate_links(tag)


@pytest.mark.parametrize("slug", ["unknown", "privacy-unknown"])
def test_unknown_feed_slugs_are_404(client, board, slug):
    assert client.get(reverse("items:tag_feed", kwargs={"slug": slug})).status_code == 404
    assert client.get(reverse("items:category_feed", kwargs={"slug": slug})).status_code == 404


def test_tag_feed_of_a_tag_used_only_by_drafts_is_404(client, board):
    NewsItemFactory(issue=WeeklyIssueFactory(draft=True), tags=["hidden-topic"])
    assert client.get(reverse("items:tag_feed", kwargs={"slug": "hidden-topic"})).status_code == 404


def test_feed_readers_polling_an_unchanged_feed_get_304(client, board):
    url = reverse("items:issues_feed")
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304


def test_issue_feed_entries_list_their_own_items_in_order_with_categories(client):
    ml, dl = CategoryFactory(label="ML"), CategoryFactory(label="DL")
    older = WeeklyIssueFactory(introduction="Older week.")
    newer = WeeklyIssueFactory(introduction="Newer week.")
    NewsItemFactory(issue=newer, position=2, category=ml, title="Second")
    NewsItemFactory(issue=newer, position=1, category=dl, title="First")
    NewsItemFactory(issue=older, position=1, category=ml, title="Older only")

    feed = feedparser.parse(client.get(reverse("items:issues_feed")).content)

    by_link = {entry.link: entry for entry in feed.entries}
    newest = by_link[f"http://testserver{newer.get_absolute_url()}"]
    oldest = by_link[f"http://testserver{older.get_absolute_url()}"]
    assert newest.description.split("\n") == ["Newer week.", "1. (DL) First", "2. (ML) Second"]
    assert [tag.term for tag in newest.tags] == ["DL", "ML"]
    assert oldest.description.split("\n") == ["Older week.", "1. (ML) Older only"]


def test_an_item_renamed_moved_or_relabelled_shows_at_once_in_the_issues_feed(instructor_client, client):
    dl = CategoryFactory(label="DL")
    issue = WeeklyIssueFactory(status=WeeklyIssue.Status.PUBLISHED)
    item = NewsItemFactory(issue=issue, position=1, category=dl, title="Old words")
    NewsItemFactory(issue=issue, position=2, category=dl, title="Second item")
    feed = reverse("items:issues_feed")
    assert "1. (DL) Old words" in client.get(feed).content.decode()

    data = item_form(issue, dl, title="New words", position=3)
    response = instructor_client.post(reverse("admin:items_newsitem_change", args=[item.pk]), data)
    assert response.status_code == 302
    dl.label = "Deep"
    dl.save()

    (entry,) = feedparser.parse(Client().get(feed).content).entries
    assert entry.description.split("\n")[-2:] == ["2. (Deep) Second item", "3. (Deep) New words"]
    assert [tag.term for tag in entry.tags] == ["Deep"]


def test_item_feeds_list_each_item_s_tags_by_name(client):
    NewsItemFactory(category=CategoryFactory(slug="vision"), tags=["vision", "robots", "gpus"])
    for url in [FEEDS[2], reverse("items:tag_feed", kwargs={"slug": "robots"})]:
        (entry,) = feedparser.parse(client.get(url).content).entries
        assert [tag.term for tag in entry.tags] == ["gpus", "robots", "vision"], url
