"""items.permissions: who may post, edit, delete, report and moderate, rule by rule."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from items import permissions
from items.models import Comment
from tests.factories import CommentFactory, DiscussionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_moderators_are_active_staff_with_the_change_comment_permission(instructor, student):
    assert permissions.is_moderator(instructor)
    assert not permissions.is_moderator(student)
    assert not permissions.is_moderator(AnonymousUser())
    instructor.is_active = False
    assert not permissions.is_moderator(instructor)
    assert not permissions.is_moderator(UserFactory(is_staff=True))  # staff without the permission


def test_anyone_signed_in_and_active_posts_while_the_discussion_is_open(student):
    discussion = DiscussionFactory()
    assert permissions.can_post(student, discussion)
    assert not permissions.can_post(AnonymousUser(), discussion)
    discussion.is_locked = True
    assert not permissions.can_post(student, discussion)
    discussion.is_locked = False
    student.is_active = False
    assert not permissions.can_post(student, discussion)


def test_authors_edit_within_the_window_while_visible_or_pending(settings):
    settings.NEWSBOARD_COMMENT_EDIT_MINUTES = 15
    comment = CommentFactory()
    author, other = comment.author, UserFactory()
    now = comment.created_at
    assert permissions.can_edit(author, comment, now + timedelta(minutes=15))
    assert not permissions.can_edit(author, comment, now + timedelta(minutes=16))
    assert not permissions.can_edit(other, comment, now)
    assert not permissions.can_edit(AnonymousUser(), comment, now)
    comment.status = Comment.Status.PENDING
    assert permissions.can_edit(author, comment, now)
    for status in (Comment.Status.HIDDEN, Comment.Status.DELETED):
        comment.status = status
        assert not permissions.can_edit(author, comment, now)


def test_authors_delete_their_own_comments_once():
    comment = CommentFactory()
    assert permissions.can_delete(comment.author, comment)
    assert not permissions.can_delete(UserFactory(), comment)
    assert not permissions.can_delete(AnonymousUser(), comment)
    comment.status = Comment.Status.DELETED
    assert not permissions.can_delete(comment.author, comment)


def test_a_deleted_account_s_comments_are_nobody_s_own():
    comment = CommentFactory(author=None)
    unsaved_reader = UserFactory.build()
    assert unsaved_reader.pk is None
    assert not permissions.can_delete(unsaved_reader, comment)
    assert not permissions.can_edit(unsaved_reader, comment, timezone.now())


def test_others_report_visible_comments_only():
    comment = CommentFactory()
    reader = UserFactory()
    assert permissions.can_report(reader, comment)
    assert not permissions.can_report(comment.author, comment)
    assert not permissions.can_report(AnonymousUser(), comment)
    comment.status = Comment.Status.HIDDEN
    assert not permissions.can_report(reader, comment)
