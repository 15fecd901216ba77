"""A live discussion: the count a discussion page polls while a lecture posts."""

import pytest
from django.urls import reverse

from items import services
from tests.factories import CommentFactory, DiscussionFactory, UserFactory

pytestmark = pytest.mark.django_db


def live(client, discussion):
    return client.get(reverse("items:discussion_live", args=[discussion.slug]))


def test_the_count_follows_posts_hides_and_locks_at_once(client, student, instructor):
    discussion = DiscussionFactory()
    assert live(client, discussion).json() == {"count": 0, "locked": False}

    comment = services.comment_create(discussion=discussion, author=student, body="Posted in class")
    services.comment_create(discussion=discussion, author=UserFactory(), body="Me too")
    assert live(client, discussion).json() == {"count": 2, "locked": False}

    services.comment_hide(comment=comment, by=instructor)
    services.discussion_lock(discussion=discussion, by=instructor)
    assert live(client, discussion).json() == {"count": 1, "locked": True}


def test_signed_in_tabs_share_one_stored_answer(client, student, django_assert_num_queries):
    """300 open tabs poll it: a stored answer costs the versions query and nothing else."""
    discussion = DiscussionFactory()
    CommentFactory.create_batch(3, discussion=discussion)
    client.force_login(student)
    live(client, discussion)
    with django_assert_num_queries(1):
        assert live(client, discussion).json()["count"] == 3


def test_a_browser_revalidates_it_and_gets_304_while_nothing_changed(client):
    discussion = DiscussionFactory()
    first = live(client, discussion)
    assert "max-age=0" in first["Cache-Control"] and first["ETag"]
    again = client.get(
        reverse("items:discussion_live", args=[discussion.slug]), headers={"if-none-match": first["ETag"]}
    )
    assert again.status_code == 304
    CommentFactory(discussion=discussion)
    assert live(client, discussion).json()["count"] == 1


def test_a_hidden_or_unknown_discussion_is_a_404(client):
    hidden = DiscussionFactory(is_hidden=True)
    assert live(client, hidden).status_code == 404
    assert client.get(reverse("items:discussion_live", args=["no-such-thing"])).status_code == 404


def test_the_page_carries_what_the_script_needs(client):
    discussion = DiscussionFactory()
    CommentFactory(discussion=discussion)
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert f'data-live-url="{reverse("items:discussion_live", args=[discussion.slug])}"' in page
    assert 'data-count="1"' in page and 'data-poll-seconds="10"' in page
    assert "/static/js/live" in page
