"""Who may do what with a discussion. Services enforce these; views use them to offer buttons."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

INSTRUCTORS_GROUP = "Instructors"


def unwrap(user):
    """The object behind ``request.user``'s lazy proxy (evaluated on the way), or ``user`` itself."""
    user.is_authenticated  # noqa: B018 (evaluates a SimpleLazyObject)
    return getattr(user, "_wrapped", user)


def is_moderator(user):
    """Staff with the permission to change comments (instructors and superusers)."""
    return (
        user.is_authenticated and user.is_active and user.is_staff and user.has_perm("items.change_comment")
    )


def edit_window():
    return timedelta(minutes=settings.NEWSBOARD_COMMENT_EDIT_MINUTES)


class Reader:
    """What one user may do with comments, with everything that depends on the user alone worked
    out once: a thread asks it of each of its hundreds of comments. The functions below are the
    same rules for a single question."""

    def __init__(self, user, now=None):
        self.user = unwrap(user)
        self.pk = self.user.pk if self.user.is_authenticated else None
        self.now = now or timezone.now()

    def is_own(self, comment):
        return self.pk is not None and comment.author_id == self.pk

    def can_edit(self, comment):
        """The author, within the edit window, while the comment is visible or pending."""
        from items.models import Comment

        return (
            self.is_own(comment)
            and comment.status in (Comment.Status.VISIBLE, Comment.Status.PENDING)
            and self.now - comment.created_at <= edit_window()
        )

    def can_delete(self, comment):
        """The author, unless it is deleted already or an instructor hid it: a moderation
        decision stays, and deleting would turn "hidden" into "deleted"."""
        from items.models import Comment

        return self.is_own(comment) and comment.status in (Comment.Status.VISIBLE, Comment.Status.PENDING)

    def can_report(self, comment):
        from items.models import Comment

        return self.pk is not None and not self.is_own(comment) and comment.status == Comment.Status.VISIBLE

    def can_reply(self, discussion, comment):
        from items.models import Comment

        return comment.status == Comment.Status.VISIBLE and can_post(self.user, discussion)


def is_own(user, comment):
    return Reader(user).is_own(comment)


def can_edit(user, comment, now=None):
    return Reader(user, now).can_edit(comment)


def can_delete(user, comment):
    return Reader(user).can_delete(comment)


def can_report(user, comment):
    return Reader(user).can_report(comment)


def can_reply(user, discussion, comment):
    return Reader(user).can_reply(discussion, comment)


def can_post(user, discussion):
    """Any active signed-in user, while the discussion is not locked (instructors included)."""
    return user.is_authenticated and user.is_active and not discussion.is_locked
