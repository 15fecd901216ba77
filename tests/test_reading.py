"""The reading checklist: marks written on opening an item, following its link or a button; shown
to their reader alone, beside the shared issue, which is still drawn once for everyone."""

import re
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from items import reading
from items.models import ReadMark
from tests.factories import MediaFactory, NewsItemFactory, UserFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    issue = WeeklyIssueFactory()
    for position in range(1, 5):
        item = NewsItemFactory(issue=issue, position=position, tags=[f"topic-{position}"])
    MediaFactory(item=item, image="", external_url="https://example.org/p.png")
    return issue


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def read_items(student):
    return set(ReadMark.objects.filter(student=student).values_list("item__position", flat=True))


def checklist(html):
    """The reader's own section of an issue page."""
    match = re.search(r'<section class="reading".*?</section>', html, re.S)
    return match.group(0) if match else ""


def shared_issue(html):
    """The issue as every reader sees it (the cached fragment)."""
    return re.search(r'<article class="issue".*?</ol>\s*</article>', html, re.S).group(0)


def test_opening_an_item_page_marks_it_read_once(student, issue):
    client = signed_in(student)
    item = issue.items.get(position=2)
    page = client.get(item.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as again:
        second = client.get(item.get_absolute_url()).content.decode()
    assert read_items(student) == {2}
    assert ReadMark.objects.count() == 1
    assert "Mark unread" in page and "✓ </span>Read" in page and "Mark unread" in second
    # Coming back writes nothing: whether they read it comes with the item.
    assert not [q for q in again.captured_queries if "readmark" in q["sql"].lower() and "INSERT" in q["sql"]]


def test_following_an_item_s_link_through_the_board_marks_it_and_sends_the_reader_on(client, student, issue):
    item = issue.items.get(position=3)
    go = reverse("items:item_go", args=[item.pk])
    response = client.get(go)  # anonymous: sent on, nothing recorded
    assert response.status_code == 302 and response["Location"] == item.link
    assert not ReadMark.objects.exists()
    response = signed_in(student).get(go)
    assert response["Location"] == item.link
    assert read_items(student) == {3}


def test_an_item_without_a_link_sends_the_reader_to_its_page(student, issue):
    item = NewsItemFactory(issue=issue, position=9, link="")
    response = signed_in(student).get(reverse("items:item_go", args=[item.pk]))
    assert response["Location"] == item.get_absolute_url()


def test_drafts_cannot_be_read_or_marked_by_students(student):
    draft = NewsItemFactory(issue=WeeklyIssueFactory(draft=True))
    client = signed_in(student)
    assert client.get(reverse("items:item_go", args=[draft.pk])).status_code == 404
    assert client.post(reverse("items:item_read", args=[draft.pk]), {"read": "1"}).status_code == 404
    assert not ReadMark.objects.exists()


def test_the_issue_page_shows_the_reader_s_progress_and_a_mark_per_item(student, issue):
    client = signed_in(student)
    client.get(issue.items.get(position=1).get_absolute_url())
    client.get(issue.items.get(position=4).get_absolute_url())
    section = checklist(client.get(issue.get_absolute_url()).content.decode())
    assert re.search(r"<span data-read-count>2</span> of <span data-item-count>4</span> read", section)
    assert section.count('class="is-read"') == 2 and section.count('class="is-unread"') == 2
    for item in issue.items.all():
        assert f'id="read-{item.pk}"' in section
        assert f'action="{reverse("items:item_read", args=[item.pk])}"' in section


def test_without_javascript_the_button_returns_to_the_same_place(student, issue):
    client = signed_in(student)
    item = issue.items.get(position=2)
    back = f"{issue.get_absolute_url()}#read-{item.pk}"
    response = client.post(reverse("items:item_read", args=[item.pk]), {"read": "1", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert read_items(student) == {2}
    response = client.post(reverse("items:item_read", args=[item.pk]), {"read": "0", "next": back})
    assert response["Location"] == back
    assert read_items(student) == set()


def test_with_javascript_the_button_answers_with_the_new_state(student, issue):
    client = signed_in(student)
    item = issue.items.get(position=2)
    url = reverse("items:item_read", args=[item.pk])
    response = client.post(url, {"read": "1"}, headers={"accept": "application/json"})
    assert response.json() == {"read": True, "read_count": 1, "item_count": 4}
    response = client.post(url, {"read": "0"}, headers={"accept": "application/json"})
    assert response.json() == {"read": False, "read_count": 0, "item_count": 4}


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_the_button_never_sends_the_reader_off_the_board(student, issue, next_url):
    item = issue.items.get(position=1)
    url = reverse("items:item_read", args=[item.pk])
    response = signed_in(student).post(url, {"read": "1", "next": next_url})
    assert response["Location"] == item.get_absolute_url()


@pytest.mark.parametrize("value", ["", "2", "yes", "1; DROP TABLE"])
def test_a_bad_choice_is_a_clear_400_and_changes_nothing(student, issue, value):
    item = issue.items.get(position=1)
    response = signed_in(student).post(reverse("items:item_read", args=[item.pk]), {"read": value})
    assert response.status_code == 400
    assert b"read=1" in response.content
    assert not ReadMark.objects.exists()


def test_the_archive_shows_each_week_s_progress(student, issue):
    older = WeeklyIssueFactory(issue_date=issue.issue_date.replace(year=issue.issue_date.year - 1))
    NewsItemFactory(issue=older, position=1)
    client = signed_in(student)
    for position in (1, 2, 3):
        client.get(issue.items.get(position=position).get_absolute_url())
    html = client.get(reverse("items:issue_list")).content.decode()
    section = checklist(html)
    assert "Your reading, week by week" in section
    assert '<progress max="4" value="3"' in section and "3 of 4 read" in section
    assert "0 of 1 read" in section
    assert "week by week" not in Client().get(reverse("items:issue_list")).content.decode()


def test_two_students_see_only_their_own_marks_around_one_shared_issue(issue):
    alice, bob = UserFactory(), UserFactory()
    alice_client, bob_client = signed_in(alice), signed_in(bob)
    for position in (1, 2, 3):
        alice_client.get(issue.items.get(position=position).get_absolute_url())
    # Bob has been on the board: his visit comes with his account, and is not written again yet.
    bob_client.get("/")
    cache.clear()
    alice_page = alice_client.get(issue.get_absolute_url()).content.decode()
    # Bob's page draws nothing shared again: his account, the versions, the issue and his
    # checklist (his session is in the cache); no tags, no media.
    with CaptureQueriesContext(connection) as queries:
        bob_page = bob_client.get(issue.get_absolute_url()).content.decode()
    # The session store's own read (cached_db with Redis) is the reader's session, not the page's.
    shown = [q["sql"] for q in queries.captured_queries if "django_session" not in q["sql"]]
    assert len(shown) == 4, shown
    assert not any("taggit" in sql or "items_media" in sql for sql in shown)
    anonymous_page = Client().get(issue.get_absolute_url()).content.decode()
    assert "3</span> of <span data-item-count>4</span> read" in checklist(alice_page)
    assert "0</span> of <span data-item-count>4</span> read" in checklist(bob_page)
    assert checklist(anonymous_page) == ""
    # The shared issue is the same for all three, tags and media included, and names no reader.
    assert shared_issue(alice_page) == shared_issue(bob_page) == shared_issue(anonymous_page)
    assert "#topic-1" in shared_issue(bob_page) and "https://example.org/p.png" in shared_issue(bob_page)
    assert "is-read" not in shared_issue(alice_page) and "Mark read" not in shared_issue(alice_page)


def test_a_signed_in_reader_drawing_the_issue_first_draws_what_everyone_sees(student, issue):
    first = shared_issue(signed_in(student).get(issue.get_absolute_url()).content.decode())
    cache.clear()
    assert first == shared_issue(Client().get(issue.get_absolute_url()).content.decode())


@pytest.mark.django_db(transaction=True)
def test_marks_written_at_once_by_many_threads_are_one_row_each_and_no_error():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    issue = WeeklyIssueFactory()
    items = [NewsItemFactory(issue=issue, position=n) for n in range(1, 5)]
    students = [UserFactory() for _ in range(6)]
    errors = []

    def read_all(student):
        try:
            for _ in range(3):
                reading.mark_read(student, items)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=read_all, args=(s,)) for s in students for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ReadMark.objects.count() == len(students) * len(items)
