"""Versions, shared fragments and the anonymous page cache: fast for readers, never stale after a write."""

import datetime
import gzip
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from items import caching, services
from tests.factories import (
    CategoryFactory,
    DiscussionFactory,
    NewsItemFactory,
    ProfileFactory,
    UserFactory,
    WeeklyIssueFactory,
)
from tests.pages import public_page_url

pytestmark = pytest.mark.django_db


def test_a_cached_page_costs_one_small_query(client, django_assert_num_queries):
    """The versions the page shows, read to check the stored page is current."""
    item = NewsItemFactory(title="Cached item")
    client.get(item.issue.get_absolute_url())
    with django_assert_num_queries(1):
        response = client.get(item.issue.get_absolute_url())
    assert "Cached item" in response.content.decode()


def test_editing_an_item_shows_at_once(client):
    item = NewsItemFactory(title="Before the edit")
    client.get(reverse("items:home"))
    item.title = "After the edit"
    item.save()
    assert "After the edit" in client.get(reverse("items:home")).content.decode()


def test_publishing_shows_at_once(client):
    WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 18))
    draft = WeeklyIssueFactory(draft=True, issue_date=datetime.date(2020, 9, 25))
    NewsItemFactory(issue=draft, title="Fresh news")
    assert "Fresh news" not in client.get(reverse("items:home")).content.decode()
    services.publish_issue(draft)
    assert "Fresh news" in client.get(reverse("items:home")).content.decode()


def test_a_scheduled_issue_appears_when_its_time_comes(client):
    WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 18))
    scheduled = WeeklyIssueFactory(
        issue_date=datetime.date(2020, 9, 25), published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    NewsItemFactory(issue=scheduled, title="Scheduled news")
    assert "Scheduled news" not in client.get(reverse("items:home")).content.decode()
    # Two hours pass without any write: the next request notices the publish time has come.
    later = timezone.now() + datetime.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Scheduled news" in client.get(reverse("items:home")).content.decode()


def test_a_new_comment_shows_to_anonymous_readers_at_once(client):
    discussion = DiscussionFactory()
    client.get(discussion.get_absolute_url())
    services.comment_create(discussion=discussion, author=UserFactory(), body="A brand new thought")
    assert "A brand new thought" in client.get(discussion.get_absolute_url()).content.decode()


def test_adding_a_category_in_the_admin_shows_at_once(client, instructor_client):
    NewsItemFactory(category=CategoryFactory(label="NLP"))
    client.get(reverse("items:item_list"))
    CategoryFactory(label="Ethics", name="Ethics")
    assert "Ethics" in client.get(reverse("items:item_list")).content.decode()


def test_signed_in_readers_never_get_a_shared_page(client, student):
    NewsItemFactory(title="Some news")
    client.get(reverse("items:home"))  # cached for anonymous readers
    client.force_login(student)
    page = client.get(reverse("items:home")).content.decode()
    assert student.username in page


def test_staff_previews_are_never_cached_for_others(client, instructor_client):
    draft = WeeklyIssueFactory(draft=True)
    NewsItemFactory(issue=draft, title="Secret draft")
    assert instructor_client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_pages_with_a_csrf_token_are_not_shared(client):
    client.get(reverse("login"))
    first = client.get(reverse("login"))
    assert "csrfmiddlewaretoken" in first.content.decode()
    assert first.cookies or client.cookies  # each reader gets their own token


def test_the_cache_is_off_for_private_boards(client, settings, django_assert_max_num_queries):
    settings.NEWSBOARD_LOGIN_REQUIRED = True
    response = client.get(reverse("items:home"))
    assert response.status_code == 302


def test_a_cached_page_is_compressed_once_and_kept_per_encoding(client, django_assert_num_queries):
    NewsItemFactory(title="Compressed news", summary="Words " * 200)
    url = reverse("items:home")
    client.get(url, headers={"accept-encoding": "gzip, br"})
    with django_assert_num_queries(1):
        zipped = client.get(url, headers={"accept-encoding": "gzip, br"})
    plain = client.get(url)

    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content).decode() == plain.content.decode()
    assert "Compressed news" in plain.content.decode()
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]


def test_both_encodings_share_an_etag_and_a_cached_page_answers_304(client):
    NewsItemFactory(title="Tagged news", summary="Words " * 200)
    url = reverse("items:home")
    etag = client.get(url, headers={"accept-encoding": "gzip"})["ETag"]

    # The same tag, weak for the compressed body as RFC 9110 asks; If-None-Match compares weakly.
    assert etag == "W/" + client.get(url)["ETag"]
    for encoding in ("gzip", "identity"):
        response = client.get(url, headers={"accept-encoding": encoding, "if-none-match": etag})
        assert response.status_code == 304


def test_signed_in_pages_are_compressed_too(client, student):
    NewsItemFactory(title="Some news", summary="Words " * 200)
    client.force_login(student)
    response = client.get(reverse("items:home"), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert student.username in gzip.decompress(response.content).decode()


def test_a_comment_bumps_its_discussion_not_the_board(client, student):
    issue = NewsItemFactory(title="Steady news").issue
    discussion = services.discussion_for_issue(issue)
    board = caching.read_versions([caching.BOARD])[caching.BOARD]
    key = caching.discussion_key(discussion.pk)
    before = caching.read_versions([key])[key]

    services.comment_create(discussion=discussion, author=student, body="A thought")

    assert caching.read_versions([caching.BOARD, key]) == {caching.BOARD: board, key: before + 1}


def test_while_a_class_posts_the_issue_s_items_stay_cached(client, student, django_assert_max_num_queries):
    issue = NewsItemFactory(title="Steady news").issue
    discussion = services.discussion_for_issue(issue)
    client.force_login(student)
    client.get(issue.get_absolute_url())
    with django_assert_max_num_queries(20) as drawn:
        client.get(issue.get_absolute_url())
    warm = len(drawn)

    services.comment_create(discussion=discussion, author=UserFactory(), body="Posted in class")

    with django_assert_max_num_queries(warm):
        page = client.get(issue.get_absolute_url()).content.decode()
    assert "Steady news" in page and "(1 comment)" in page


def test_a_comment_count_shows_at_once_on_the_cached_issue_page(client):
    issue = NewsItemFactory().issue
    discussion = services.discussion_for_issue(issue)
    assert "comment)" not in client.get(issue.get_absolute_url()).content.decode()
    services.comment_create(discussion=discussion, author=UserFactory(), body="First!")
    assert "(1 comment)" in client.get(issue.get_absolute_url()).content.decode()


def test_a_renamed_author_shows_at_once_in_the_thread(client):
    author = UserFactory()
    discussion = DiscussionFactory()
    services.comment_create(discussion=discussion, author=author, body="Signed words")
    client.get(discussion.get_absolute_url())
    ProfileFactory(user=author, display_name="Ada Lovelace")
    assert "Ada Lovelace" in client.get(discussion.get_absolute_url()).content.decode()


@pytest.mark.parametrize("url", ["/", "/issues/", "/items/", "/insights/", "/feeds/issues.rss"])
def test_a_disallowed_host_is_refused_before_the_cache(client, url):
    NewsItemFactory()
    assert client.get(url).status_code == 200  # now cached for the allowed host
    response = client.get(url, headers={"host": "evil.example"})
    assert response.status_code == 400
    assert b"evil.example" not in response.content


def test_pages_are_kept_per_host(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    NewsItemFactory()
    client.get("/")
    page = client.get("/", headers={"host": "other.example"}).content.decode()
    assert 'content="http://other.example/"' in page


def test_every_model_a_public_page_shows_is_watched():
    """A model added to the board must bump a version when it changes, or say why it need not."""
    from django.apps import apps

    watched = (
        set(caching.BOARD_MODELS)
        | set(caching.DISCUSSION_MODELS)
        | set(caching.COMMENT_MODELS)
        | set(caching.PRIVATE_MODELS)
    )
    for app in ("items", "taggit"):
        for model in apps.get_app_config(app).get_models():
            assert model in watched, f"{model.__name__} is not watched by items.caching"


@pytest.mark.parametrize("page", ["home", "issue", "item", "archive", "items", "insights"])
def test_shared_fragments_carry_no_reader_s_name_token_or_tools(page, instructor):
    """Two students and an instructor read the same page, drawn once: each sees their own name
    and token, and only the instructor sees the admin link."""
    import re

    from django.test import Client

    item = NewsItemFactory(title="Shared news")
    services.discussion_for_issue(item.issue)
    url = public_page_url(page, item)
    readers = {"ada": UserFactory(username="ada"), "bo": UserFactory(username="bo"), "instructor": instructor}
    pages, tokens = {}, {}
    for name, user in readers.items():
        client = Client()
        client.force_login(user)
        pages[name] = client.get(url).content.decode()
        tokens[name] = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[name]))
        assert tokens[name], name  # the sign-out form's
    for name, html in pages.items():
        others = [other for other in readers if other != name]
        assert f">{readers[name].username}<" in html
        assert all(f">{readers[other].username}<" not in html for other in others)
        assert all(not tokens[name] & tokens[other] for other in others)
        assert ('href="/admin/"' in html) == (name == "instructor")


def test_a_feed_is_kept_for_every_reader_but_a_page_with_a_name_is_not(
    client, student, django_assert_num_queries
):
    NewsItemFactory(title="Fed news")
    feed, home = reverse("items:issues_feed"), reverse("items:home")
    client.force_login(student)
    client.get(feed)
    client.get(home)
    with django_assert_num_queries(1):  # the versions, to check the stored feed is current
        assert "Fed news" in client.get(feed).content.decode()
    assert student.username in client.get(home).content.decode()
    client.logout()
    page = client.get(home).content.decode()
    assert student.username not in page and "Sign in" in page
