"""Who may do what with a discussion. Services enforce these; views use them to offer buttons."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

INSTRUCTORS_GROUP = "Instructors"


def is_moderator(user):
    """Staff with the permission to change comments (instructors and superusers)."""
    return (
        user.is_authenticated and user.is_active and user.is_staff and user.has_perm("items.change_comment")
    )


def edit_window():
    return timedelta(minutes=settings.NEWSBOARD_COMMENT_EDIT_MINUTES)


def _is_own(user, comment):
    # A deleted account's comments have no author: they are nobody's own.
    return user.is_authenticated and user.pk is not None and comment.author_id == user.pk


def can_edit(user, comment, now=None):
    """The author, within the edit window, while the comment is visible or pending."""
    from items.models import Comment

    return (
        _is_own(user, comment)
        and comment.status in (Comment.Status.VISIBLE, Comment.Status.PENDING)
        and (now or timezone.now()) - comment.created_at <= edit_window()
    )


def can_delete(user, comment):
    """The author, unless it is deleted already or an instructor hid it: a moderation decision
    stays, and deleting would turn "hidden" into "deleted"."""
    from items.models import Comment

    return _is_own(user, comment) and comment.status in (Comment.Status.VISIBLE, Comment.Status.PENDING)


def can_report(user, comment):
    """Any signed-in reader but the author, while the comment is visible."""
    from items.models import Comment

    return user.is_authenticated and not _is_own(user, comment) and comment.status == Comment.Status.VISIBLE


def can_post(user, discussion):
    """Any active signed-in user, while the discussion is not locked (instructors included)."""
    return user.is_authenticated and user.is_active and not discussion.is_locked
