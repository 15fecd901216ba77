"""A discussion's thread as HTML: what every reader sees alike is drawn once per version and shared.

A thread's rows (``CommentQuerySet.for_thread``) are cached under the discussion's version
(``items.caching``), which every comment written, edited, hidden, pinned or deleted there bumps.

Each comment's HTML, as a classmate who wrote none of it sees it, is drawn once per version and
kind of reader (signed out, or signed in) and shared by every such reader. What belongs to one
reader is drawn for that reader alone, on each request: their own comments (with Edit and Delete,
which hold their CSRF token), and every comment for an instructor (the moderation forms). Only
the relative times ("5 minutes ago") age, so the shared HTML lives ``THREAD_SECONDS`` at most.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from items import permissions
from items.threads import build_thread

COMMENT_TEMPLATE = "items/_comment.html"
# Bounds how old a shown "5 minutes ago" can be.
THREAD_SECONDS = 60
# Rows do not age: they are kept until their version is replaced.
ROWS_SECONDS = 600


def thread_rows(discussion, version):
    """The discussion's thread rows at ``version``, from the cache or one query."""
    key = f"thread-rows:{discussion.pk}:{version}"
    return cache.get_or_set(key, lambda: list(discussion.comments.for_thread()), ROWS_SECONDS)


def shown(entry):
    """What an entry shows besides its row: two entries alike here draw the same HTML."""
    return (
        entry.indent,
        entry.author_name,
        entry.is_instructor,
        entry.placeholder,
        entry.is_pending,
        entry.is_hidden,
        entry.reply_to_name,
        entry.can_reply,
        entry.can_edit,
        entry.can_delete,
        entry.can_report,
        entry.can_moderate,
    )


def classmate(signed_in):
    """A reader who wrote none of the comments and moderates none: whom shared HTML is drawn for."""
    return get_user_model()(is_active=True) if signed_in else AnonymousUser()


def shared_comments(discussion, rows, version, signed_in, page_url):
    """``{comment pk: (shown, html)}`` as a classmate sees each comment, drawn once per version."""

    def draw():
        template = get_template(COMMENT_TEMPLATE)
        return {
            entry.comment.pk: (shown(entry), template.render({"entry": entry, "page_url": page_url}))
            for entry in build_thread(discussion, rows, classmate(signed_in))
        }

    key = f"thread:{discussion.pk}:{version}:{'member' if signed_in else 'guest'}"
    return cache.get_or_set(key, draw, THREAD_SECONDS)


def render_thread(request, discussion, entries, rows, version, page_url):
    """The HTML of ``entries`` (the reader's thread): shared where the reader sees a comment as any
    classmate does, drawn for the reader where it is theirs or they moderate."""
    user = request.user
    shared = {}
    if not permissions.is_moderator(user):
        shared = shared_comments(discussion, rows, version, user.is_authenticated, page_url)
    template = get_template(COMMENT_TEMPLATE)
    parts = []
    for entry in entries:
        seen, html = shared.get(entry.comment.pk, (None, None))
        if seen != shown(entry):
            html = template.render({"entry": entry, "page_url": page_url}, request)
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 (each part is autoescaped template output)
