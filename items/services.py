"""Every write that carries a rule. Views and the admin call these; they never write directly."""

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from items.models import Comment, Discussion, NewsItem, WeeklyIssue

# Positions are at most this; a move parks items above it so swaps never collide.
POSITION_PARKING_OFFSET = 10000


def publish_issue(issue, *, at=None):
    """Publish ``issue`` now, or schedule it for ``at`` (a future time)."""
    issue.status = WeeklyIssue.Status.PUBLISHED
    issue.published_at = at or issue.published_at or timezone.now()
    issue.full_clean()
    issue.save(update_fields=["status", "published_at", "updated_at"])
    return issue


def unpublish_issue(issue):
    """Return ``issue`` to draft: students no longer see it."""
    issue.status = WeeklyIssue.Status.DRAFT
    issue.published_at = None
    issue.full_clean()
    issue.save(update_fields=["status", "published_at", "updated_at"])
    return issue


def park_positions(item_ids):
    """Move items out of the way before their new positions are saved (used inside a transaction)."""
    NewsItem.objects.filter(pk__in=item_ids).update(position=F("position") + POSITION_PARKING_OFFSET)


def next_position(issue):
    """The number the next item of ``issue`` gets."""
    return (issue.items.aggregate(m=Max("position"))["m"] or 0) + 1


def items_sharing_link(item):
    """Other items, in other issues, whose link is the same as ``item``'s."""
    if not item.link:
        return NewsItem.objects.none()
    return NewsItem.objects.filter(link=item.link).exclude(issue_id=item.issue_id).select_related("issue")


def discussion_refresh_counts(discussion):
    """Recount the visible comments and last activity (call inside the writing transaction)."""
    visible = discussion.comments.filter(status=Comment.Status.VISIBLE)
    latest = visible.aggregate(m=Max("created_at"))["m"]
    Discussion.objects.filter(pk=discussion.pk).update(comment_count=visible.count(), last_activity_at=latest)


def _set_comment_status(comment, status):
    with transaction.atomic():
        comment.status = status
        comment.full_clean()
        comment.save(update_fields=["status"])
        discussion_refresh_counts(comment.discussion)
    return comment


def comment_hide(*, comment, by=None):
    """Hide ``comment`` from everyone but instructors; its replies keep their place."""
    return _set_comment_status(comment, Comment.Status.HIDDEN)


def comment_restore(*, comment, by=None):
    """Make a hidden or pending comment visible again."""
    return _set_comment_status(comment, Comment.Status.VISIBLE)
