"""Replying, deleting and being moderated, as an author meets them (issue 21, point 7)."""

import pytest
from django.urls import reverse

from items import services
from items.models import Comment
from tests.factories import CommentFactory, DiscussionFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(client, discussion):
    return client.get(discussion.get_absolute_url()).content.decode()


def test_an_author_sees_their_hidden_comment_marked_and_classmates_do_not(client, student, instructor):
    discussion = DiscussionFactory()
    comment = services.comment_create(discussion=discussion, author=student, body="A hot take")
    classmate = UserFactory()
    client.force_login(classmate)
    assert "A hot take" in page(client, discussion)  # the shared thread, cached

    services.comment_hide(comment=comment, by=instructor)

    client.force_login(student)
    mine = page(client, discussion)
    assert "A hot take" in mine and "Hidden by an instructor" in mine
    assert f'action="{reverse("items:comment_delete", args=[comment.pk])}"' not in mine
    client.force_login(classmate)
    theirs = page(client, discussion)
    assert "A hot take" not in theirs and "Hidden by an instructor" not in theirs
    client.logout()
    assert "A hot take" not in page(client, discussion)
    client.force_login(instructor)
    assert "Hidden from students" in page(client, discussion)


def test_delete_then_undo_brings_the_comment_back(client, student):
    discussion = DiscussionFactory()
    comment = services.comment_create(discussion=discussion, author=student, body="Second thoughts")
    client.force_login(student)
    response = client.post(reverse("items:comment_delete", args=[comment.pk]), follow=True)
    html = response.content.decode()
    assert "Your comment is deleted." in html and 'action="/comments/undo-delete/"' in html
    assert "Second thoughts" not in html

    response = client.post(reverse("items:comment_undo_delete"), {"next": discussion.get_absolute_url()})
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE
    assert "Second thoughts" in page(client, discussion)
    # Undo is spent: a second one does nothing to the comment.
    client.post(reverse("items:comment_undo_delete"))
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE


def test_undo_is_refused_after_the_window_and_for_someone_else(client, student, settings):
    discussion = DiscussionFactory()
    comment = services.comment_create(discussion=discussion, author=student, body="Gone for good")
    client.force_login(student)
    settings.NEWSBOARD_UNDO_DELETE_SECONDS = 0
    client.post(reverse("items:comment_delete", args=[comment.pk]))
    response = client.post(reverse("items:comment_undo_delete"), follow=True)
    assert "Too late to undo" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.DELETED

    other = UserFactory()
    with pytest.raises(services.PermissionDenied):
        services.comment_undelete(comment=comment, by=other, status=Comment.Status.VISIBLE)


def test_undo_restores_a_pending_comment_to_pending(student):
    comment = CommentFactory(author=student, status=Comment.Status.DELETED)
    services.comment_undelete(comment=comment, by=student, status=Comment.Status.PENDING)
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_a_long_paste_is_never_cut_and_is_refused_with_the_text_kept(client, student, settings):
    settings.NEWSBOARD_COMMENT_MAX_LENGTH = 50
    discussion = DiscussionFactory()
    client.force_login(student)
    html = page(client, discussion)
    form = html[html.index('id="comment-form"') :]
    assert 'data-maxlength="50"' in form and " maxlength=" not in form
    text = "word " * 20
    response = client.post(
        reverse("items:comment_create", args=[discussion.slug]),
        {"body": text, "submit_token": "", "website": ""},
    )
    assert response.status_code == 400 and text.strip() in response.content.decode()
    assert not Comment.objects.exists()
