"""A signed-in student's own pages, kept for them alone: fast on the next view, never another's,
and never stale after a change of theirs or of the board (items.caching.PageCacheMiddleware)."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from items import caching, services
from items.models import ReadMark
from tests.factories import CommentFactory, DiscussionFactory, NewsItemFactory, ProfileFactory, UserFactory
from tests.pages import public_page_url

pytestmark = pytest.mark.django_db


def read_line(read, of):
    return f"<span data-read-count>{read}</span> of <span data-item-count>{of}</span> read"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_next_view_of_a_student_s_page_costs_one_small_query(django_assert_num_queries):
    """The versions it shows, the student's own among them: no session, account or view work."""
    item = NewsItemFactory(title="Kept for ada")
    client = signed_in(UserFactory(username="ada"))
    url = item.issue.get_absolute_url()
    page(client, url)
    page(client, url)  # the first view recorded the visit; this one is kept
    with django_assert_num_queries(1):
        html = page(client, url)
    assert "Kept for ada" in html and "ada" in html


@pytest.mark.parametrize("page_name", ["home", "issue", "item", "archive", "items", "insights", "discussion"])
def test_kept_pages_carry_each_reader_s_own_name_and_token(page_name, instructor):
    """Two students and an instructor read the same page twice (the second from the cache):
    each gets their own name and a token their own CSRF cookie accepts; no one gets another's."""
    item = NewsItemFactory(title="Shared news")
    discussion = services.discussion_for_issue(item.issue)
    url = public_page_url(page_name, item, discussion)
    readers = {"ada": UserFactory(username="ada"), "bo": UserFactory(username="bo"), "instructor": instructor}
    clients = {name: signed_in(user) for name, user in readers.items()}
    for _ in range(3):
        for name, client in clients.items():
            html = page(client, url)
            assert name in html or readers[name].profile.display_name in html
            for other in set(readers) - {name}:
                assert f">{other}<" not in html
            for token in re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html):
                assert _token_accepted(client, token)


def _token_accepted(client, token):
    """Whether Django's CSRF check takes ``token`` with this client's CSRF cookie."""
    from django.middleware.csrf import _check_token_format, _does_token_match, _unmask_cipher_token

    secret = client.cookies[settings.CSRF_COOKIE_NAME].value
    _check_token_format(token)
    return _does_token_match(token, secret) and _unmask_cipher_token(token) == secret


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        page(client, url)
    return len(captured)


def test_an_instructor_s_pages_are_never_kept(instructor):
    item = NewsItemFactory()
    client = signed_in(instructor)
    for _ in range(2):
        page(client, item.issue.get_absolute_url())
    assert queries(client, item.issue.get_absolute_url()) > 1


def test_reading_an_item_shows_on_the_issue_s_checklist_at_once():
    item = NewsItemFactory(title="To read")
    student = UserFactory()
    client = signed_in(student)
    issue_url = item.issue.get_absolute_url()
    page(client, issue_url)
    before = page(client, issue_url)
    assert read_line(0, 1) in before
    page(client, item.get_absolute_url())  # opening it marks it read
    assert read_line(1, 1) in page(client, issue_url)
    client.post(reverse("items:item_read", args=[item.pk]), {"read": "0"})
    assert read_line(0, 1) in page(client, issue_url)


def test_marks_written_in_bulk_show_at_once():
    """``bulk_create`` sends no signal; the reading module says the reader changed itself."""
    from items import reading

    items = NewsItemFactory.create_batch(2)
    issue = items[0].issue
    for item in items[1:]:
        item.issue = issue
        item.save()
    student = UserFactory()
    client = signed_in(student)
    page(client, issue.get_absolute_url())
    assert read_line(0, 2) in page(client, issue.get_absolute_url())
    reading.mark_read(student, items)
    assert ReadMark.objects.filter(student=student).count() == 2
    assert read_line(2, 2) in page(client, issue.get_absolute_url())


def test_a_new_name_shows_on_the_next_page():
    student = UserFactory(username="ada")
    client = signed_in(student)
    url = reverse("items:home")
    page(client, url)
    page(client, url)
    ProfileFactory(user=student, display_name="Ada Lovelace")
    assert "Ada Lovelace" in page(client, url)


def test_a_new_password_signs_the_old_session_out_at_once():
    student = UserFactory(username="ada")
    client = signed_in(student)
    url = reverse("items:home")
    page(client, url)
    assert "ada" in page(client, url)
    student.set_password("a brand new passphrase")
    student.save()
    assert 'href="/accounts/settings/"' not in page(client, url)


def test_a_signed_out_session_s_cookie_gets_no_kept_page():
    """A copy of the cookie of a session that signed out (server-side sessions) is a stranger."""
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db"):
        student = UserFactory(username="ada")
        client = signed_in(student)
        url = reverse("items:home")
        page(client, url)
        assert 'href="/accounts/settings/"' in page(client, url)
        copied = Client()
        for name, morsel in client.cookies.items():
            copied.cookies[name] = morsel.value
        client.post(reverse("logout"))
        assert 'href="/accounts/settings/"' not in page(copied, url)


def test_a_classmate_s_comment_and_an_own_helpful_mark_show_at_once():
    discussion = DiscussionFactory()
    comment = CommentFactory(discussion=discussion, body="First thought")
    student = UserFactory()
    client = signed_in(student)
    url = discussion.get_absolute_url()
    page(client, url)
    page(client, url)
    CommentFactory(discussion=discussion, body="Second thought")
    assert "Second thought" in page(client, url)
    page(client, url)
    client.post(reverse("items:comment_helpful", args=[comment.pk]), {"helpful": "1"})
    assert 'aria-pressed="true"' in page(client, url)


def test_a_board_change_shows_to_a_signed_in_student_at_once():
    item = NewsItemFactory(title="Before the edit")
    client = signed_in(UserFactory())
    url = item.issue.get_absolute_url()
    page(client, url)
    page(client, url)
    item.title = "After the edit"
    item.save()
    assert "After the edit" in page(client, url)


def test_a_page_that_sets_a_new_cookie_is_not_kept():
    """Without a CSRF cookie the page makes one: that response is not kept for anyone."""
    item = NewsItemFactory()
    client = signed_in(UserFactory())
    url = item.issue.get_absolute_url()
    page(client, url)
    del client.cookies[settings.CSRF_COOKIE_NAME]
    page(client, url)
    assert settings.CSRF_COOKIE_NAME in client.cookies  # a new one, on a page drawn for it
    html = page(client, url)
    assert re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html) is None or _token_accepted(
        client, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    )


@override_settings(NEWSBOARD_READER_PAGE_SECONDS=0)
def test_zero_seconds_keeps_no_student_page():
    item = NewsItemFactory()
    client = signed_in(UserFactory())
    url = item.issue.get_absolute_url()
    page(client, url)
    page(client, url)
    assert queries(client, url) > 1


# Models that name a user but whose rows no student's own page shows: each with where it shows.
NOT_ON_A_STUDENT_S_PAGES = {
    "items.Comment": "in its discussion's thread, under the discussion's version",
    "items.CommentReport": "to instructors, in the admin",
    "items.ModerationAction": "to instructors, in the admin",
    "newsletter.Subscriber": "on the account's newsletter settings (/accounts/, never kept)",
    "newsletter.Delivery": "to instructors, in the admin",
}


def test_every_model_of_a_student_s_own_changes_their_version():
    """A model that names a user either bumps that reader's version (caching.READER_MODELS) or
    is listed above with where it shows instead."""
    user_model = get_user_model()
    for app in ("items", "newsletter"):
        for model in apps.get_app_config(app).get_models():
            names_a_user = any(
                field.is_relation and field.related_model is user_model for field in model._meta.get_fields()
            )
            if names_a_user:
                assert model in caching.READER_MODELS or model._meta.label in NOT_ON_A_STUDENT_S_PAGES, (
                    f"{model._meta.label} names a user: add it to caching.READER_MODELS or say where it shows"
                )
