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
from django.middleware.csrf import get_token
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


def _kind(signed_in):
    return "member" if signed_in else "guest"


def draw_shared_thread(discussion, rows, version, signed_in, page_url):
    """Draw a thread as a classmate sees it and keep it for everyone: ``(authors, html)`` under
    one key (what most readers need), each comment's ``(shown, html)`` by pk under another."""
    template = get_template(COMMENT_TEMPLATE)
    entries = build_thread(discussion, rows, classmate(signed_in))
    pieces = {
        entry.comment.pk: (shown(entry), template.render({"entry": entry, "page_url": page_url}))
        for entry in entries
    }
    summary = (frozenset(row.author_id for row in rows), "".join(html for _, html in pieces.values()))
    kind = _kind(signed_in)
    cache.set(f"thread:{discussion.pk}:{version}:{kind}", summary, THREAD_SECONDS)
    cache.set(f"thread-pieces:{discussion.pk}:{version}:{kind}", pieces, THREAD_SECONDS)
    return summary, pieces


def render_thread(request, discussion, version, page_url):
    """The reader's thread as HTML: the shared thread when nothing in it is theirs to act on;
    else built for them, from shared pieces wherever they see a comment as any classmate does."""
    user = request.user
    signed_in = user.is_authenticated
    moderator = permissions.is_moderator(user)
    summary = cache.get(f"thread:{discussion.pk}:{version}:{_kind(signed_in)}")
    pieces = None
    if summary is None:
        summary, pieces = draw_shared_thread(
            discussion, thread_rows(discussion, version), version, signed_in, page_url
        )
    authors, html = summary
    if not moderator and (not signed_in or user.pk not in authors):
        return mark_safe(html)  # noqa: S308 (autoescaped template output)
    rows = thread_rows(discussion, version)
    if pieces is None:
        pieces = cache.get(f"thread-pieces:{discussion.pk}:{version}:{_kind(signed_in)}")
        if pieces is None:
            _, pieces = draw_shared_thread(discussion, rows, version, signed_in, page_url)
    template = get_template(COMMENT_TEMPLATE)
    # The reader's forms need their CSRF token, and nothing else of the request.
    context = {"page_url": page_url, "csrf_token": get_token(request)}
    parts = []
    for entry in build_thread(discussion, rows, user):
        seen, piece = (None, None) if moderator else pieces.get(entry.comment.pk, (None, None))
        if seen != shown(entry):
            piece = template.render({**context, "entry": entry})
        parts.append(piece)
    return mark_safe("".join(parts))  # noqa: S308 (each part is autoescaped template output)
