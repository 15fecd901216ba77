"""New since your last visit: per reader, per discussion; drawn around the shared thread."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from items import services
from items.models import Comment, DiscussionVisit
from tests.factories import DiscussionFactory, InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def new_ones(page):
    """The pks of the comments marked new, in page order."""
    return [
        int(pk)
        for pk, meta in re.findall(r'id="c(\d+)".*?(<p class="comment-meta">.*?</p>)', page, re.S)
        if "badge-new" in meta
    ]


def post(discussion, author, body):
    return services.comment_create(discussion=discussion, author=author, body=body)


def test_comments_since_the_last_visit_are_new_and_the_page_points_at_the_first():
    discussion = DiscussionFactory()
    alice, bob = UserFactory(), UserFactory()
    before = post(discussion, bob, "Before")
    Comment.objects.filter(pk=before.pk).update(created_at=before.created_at - timedelta(minutes=1))
    alice_client = signed_in(alice)
    first_visit = alice_client.get(discussion.get_absolute_url()).content.decode()
    assert new_ones(first_visit) == [] and "since your last visit" not in first_visit
    visit = DiscussionVisit.objects.get(student=alice, discussion=discussion)
    # Time passes: the visit is older than what follows.
    DiscussionVisit.objects.filter(pk=visit.pk).update(last_seen_at=visit.last_seen_at - timedelta(seconds=5))
    mine = post(discussion, alice, "My own")
    one, two = post(discussion, bob, "One"), post(discussion, UserFactory(), "Two")

    page = alice_client.get(discussion.get_absolute_url()).content.decode()
    assert new_ones(page) == [one.pk, two.pk]  # never her own
    assert mine.pk not in new_ones(page)
    assert "2 new comments since your last visit" in page
    assert f'<a href="#c{one.pk}">Go to the first new comment</a>' in page
    assert f'data-first-new="c{one.pk}"' in page and "js/discussion.js" in page

    # Read now: nothing is new on the next visit.
    again = alice_client.get(discussion.get_absolute_url()).content.decode()
    assert new_ones(again) == [] and "since your last visit" not in again


def test_one_reader_s_new_marks_never_reach_another():
    discussion = DiscussionFactory()
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    signed_in(alice).get(discussion.get_absolute_url())
    seen = DiscussionVisit.objects.get().last_seen_at
    DiscussionVisit.objects.update(last_seen_at=seen - timedelta(seconds=5))
    post(discussion, bob, "Fresh")
    assert len(new_ones(signed_in(alice).get(discussion.get_absolute_url()).content.decode())) == 1
    for reader in (signed_in(carol), Client(), signed_in(InstructorFactory())):
        page = reader.get(discussion.get_absolute_url()).content.decode()
        assert new_ones(page) == [] and "since your last visit" not in page


def test_instructors_visits_are_not_recorded():
    discussion = DiscussionFactory()
    signed_in(InstructorFactory()).get(discussion.get_absolute_url())
    assert not DiscussionVisit.objects.exists()
