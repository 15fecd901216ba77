"""Helpful marks (once per reader, never on one's own comment, taken back at will, counted right
under concurrent clicks), sorting by them, and instructors' endorsements."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from items import services
from items.models import HelpfulMark, ModerationAction
from tests.factories import DiscussionFactory, InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def thread():
    discussion = DiscussionFactory()
    first = services.comment_create(discussion=discussion, author=UserFactory(), body="First thought")
    second = services.comment_create(discussion=discussion, author=UserFactory(), body="Second thought")
    return discussion, first, second


def comment_html(page, comment):
    return re.search(rf'<article class="comment[^"]*" id="c{comment.pk}".*?</article>', page, re.S).group(0)


def order(page):
    return re.findall(r'<div class="comment-body"><p>(\w+) thought</p>', page)


def helpful(client, comment, value="1", **extra):
    return client.post(reverse("items:comment_helpful", args=[comment.pk]), {"helpful": value, **extra})


def test_a_reader_marks_a_classmate_s_comment_helpful_once_and_takes_it_back(thread):
    discussion, first, _ = thread
    reader = signed_in(UserFactory())
    page = reader.get(discussion.get_absolute_url()).content.decode()
    assert 'form="helpful-form"' in comment_html(page, first)
    assert 'id="helpful-form"' in page
    response = helpful(reader, first)
    assert response.status_code == 302
    assert response["Location"] == f"{discussion.get_absolute_url()}#c{first.pk}"
    helpful(reader, first)
    assert HelpfulMark.objects.filter(comment=first).count() == 1
    mine = comment_html(reader.get(discussion.get_absolute_url()).content.decode(), first)
    assert "You found this helpful" in mine and "1 found this helpful" in mine
    # Another classmate sees the count, not the first reader's mark.
    theirs = comment_html(signed_in(UserFactory()).get(discussion.get_absolute_url()).content.decode(), first)
    assert "You found this helpful" not in theirs and "1 found this helpful" in theirs
    assert '"1 found' not in theirs
    helpful(reader, first, "0")
    assert not HelpfulMark.objects.exists()
    again = comment_html(reader.get(discussion.get_absolute_url()).content.decode(), first)
    assert "You found this helpful" not in again and "0 found this helpful" in again


def test_visitors_see_the_count_but_no_button(thread):
    discussion, first, _ = thread
    services.comment_mark_helpful(comment=first, by=UserFactory())
    page = Client().get(discussion.get_absolute_url()).content.decode()
    assert "1 found this helpful" in comment_html(page, first)
    assert "helpful-form" not in page


def test_nobody_marks_their_own_comment(thread):
    discussion, first, _ = thread
    author = signed_in(first.author)
    page = author.get(discussion.get_absolute_url()).content.decode()
    assert 'form="helpful-form"' not in comment_html(page, first)
    response = helpful(author, first)
    assert response.status_code == 302
    assert not HelpfulMark.objects.exists()
    followed = author.get(response["Location"]).content.decode()
    assert "You cannot mark your own comment helpful." in followed


@pytest.mark.parametrize("value", ["", "2", "yes"])
def test_a_bad_choice_is_a_clear_400(thread, value):
    _, first, _ = thread
    response = helpful(signed_in(UserFactory()), first, value)
    assert response.status_code == 400 and b"helpful=1" in response.content
    assert not HelpfulMark.objects.exists()


def test_threads_sort_by_helpful_or_time_and_endorsed_comes_first(thread):
    discussion, first, second = thread
    third = services.comment_create(discussion=discussion, author=UserFactory(), body="Third thought")
    for _ in range(2):
        services.comment_mark_helpful(comment=second, by=UserFactory())
    services.comment_mark_helpful(comment=third, by=UserFactory())
    reader = signed_in(UserFactory())
    url = discussion.get_absolute_url()
    assert order(reader.get(url).content.decode()) == ["First", "Second", "Third"]
    by_helpful = reader.get(url + "?sort=helpful").content.decode()
    assert order(by_helpful) == ["Second", "Third", "First"]
    assert '<strong aria-current="true">Most helpful</strong>' in by_helpful
    assert order(reader.get(url + "?sort=nonsense").content.decode()) == ["First", "Second", "Third"]
    # Taking a mark from the helpful order comes back to it.
    response = helpful(reader, third, sort="helpful")
    assert response["Location"] == f"{url}?sort=helpful#c{third.pk}"

    instructor = InstructorFactory()
    response = signed_in(instructor).post(
        reverse("items:comment_moderate", args=[third.pk]), {"action": "endorse", "next": url}
    )
    assert response.status_code == 302
    assert ModerationAction.objects.filter(comment=third, action="endorse", moderator=instructor).exists()
    page = reader.get(url).content.decode()
    assert order(page) == ["Third", "First", "Second"]
    assert "Endorsed by an instructor" in comment_html(page, third)
    assert order(Client().get(url + "?sort=helpful").content.decode()) == ["Third", "Second", "First"]


def test_only_instructors_endorse(thread):
    discussion, first, _ = thread
    student = signed_in(UserFactory())
    url = reverse("items:comment_moderate", args=[first.pk])
    assert student.post(url, {"action": "endorse"}).status_code == 403
    first.refresh_from_db()
    assert not first.is_endorsed
    page = signed_in(InstructorFactory()).get(discussion.get_absolute_url()).content.decode()
    assert 'value="endorse">Endorse</button>' in comment_html(page, first)
    assert 'form="helpful-form"' not in comment_html(page, first)  # instructors endorse instead


def test_a_reader_with_marks_still_reads_the_shared_thread(thread, django_assert_max_num_queries):
    discussion, first, _ = thread
    reader = UserFactory()
    services.comment_mark_helpful(comment=first, by=reader)
    client = signed_in(reader)
    client.get(discussion.get_absolute_url())
    # Session and account, the board's and the discussion's versions, the discussion, the
    # reader's marks: no thread query, whatever its length.
    with django_assert_max_num_queries(6):
        assert client.get(discussion.get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_count_each_reader_once():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    comment = services.comment_create(discussion=DiscussionFactory(), author=UserFactory(), body="Hot take")
    readers = [UserFactory() for _ in range(8)]
    errors = []
    start = threading.Barrier(16)

    def click(reader):
        try:
            start.wait()
            services.comment_mark_helpful(comment=comment, by=reader)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(reader,)) for reader in readers for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert HelpfulMark.objects.filter(comment=comment).count() == 8
    page = Client().get(comment.discussion.get_absolute_url()).content.decode()
    assert "8 found this helpful" in page
