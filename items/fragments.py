"""What a discussion page keeps in the cache between readers: its rows and its comments' HTML.

Rows: the thread's rows (``CommentQuerySet.for_thread``) under the content version, which every
comment write, hide, pin or profile change bumps (``items.signals``), so a cached thread is
never behind a post. A renamed account or a new instructor badge (no content change) shows
within ``FRAGMENT_SECONDS``.

HTML: each comment's HTML is cached under a hash of everything it shows (text, author, flags,
which links are offered), so a key can never name stale content: an edit, a pin, a hidden
comment or a renamed author is simply a new key. Only the relative time ("5 minutes ago")
ages, which the short lifetimes bound. A comment offering a form (delete, moderation) holds
the reader's CSRF token and is never shared: it is rendered for each request. A discussion's
fragments also travel as one bundle per ``FRAGMENT_SECONDS`` window (one cache read per page
instead of one per comment), so no fragment is shown more than twice that after its render.
"""

import hashlib
import time

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from items.pagecache import current_content_version

COMMENT_TEMPLATE = "items/_comment.html"
# Bounds how old a cached "5 minutes ago" can be (twice this, through a bundle).
FRAGMENT_SECONDS = 30
# A bundle keeps fragments no reader asks for any more (edited, hidden) until it holds this
# many more than the page needs; then it keeps only the page's.
BUNDLE_SLACK = 50


def thread_rows(discussion):
    """The discussion's thread rows, from the cache when the content has not changed."""
    key = f"thread-rows:{discussion.pk}:{current_content_version()}"
    rows = cache.get(key)
    if rows is None:
        rows = list(discussion.comments.for_thread())
        cache.set(key, rows, FRAGMENT_SECONDS)
    return rows


def fragment_key(entry):
    """The cache key for an entry's HTML, or None when it must not be shared."""
    if entry.can_delete or entry.can_moderate:
        return None
    c = entry.comment
    shown = (
        c.pk,
        c.parent_id,
        c.created_at.isoformat(),
        c.edited_at.isoformat() if c.edited_at else "",
        c.is_pinned,
        c.body_html,
        entry.indent,
        entry.author_name,
        entry.is_instructor,
        entry.placeholder,
        entry.is_pending,
        entry.is_hidden,
        entry.reply_to_name,
        entry.can_reply,
        entry.can_edit,
        entry.can_report,
    )
    return "comment:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def bundle_key(discussion):
    """This window's bundle of the discussion's shared fragments."""
    return f"comment-bundle:{discussion.pk}:{int(time.time() // FRAGMENT_SECONDS)}"


def render_comments(request, discussion, entries, page_url):
    """The entries' HTML in order: cached fragments where shared, fresh renders otherwise."""
    template = get_template(COMMENT_TEMPLATE)
    keys = [fragment_key(entry) for entry in entries]
    bundle = cache.get(bundle_key(discussion)) or {}
    found = cache.get_many([key for key in keys if key and key not in bundle])
    csrf_token = lazy(get_token, str)(request)
    fresh, parts = {}, []
    for entry, key in zip(entries, keys, strict=True):
        html = (bundle.get(key) or found.get(key)) if key else None
        if html is None:
            html = template.render({"entry": entry, "page_url": page_url, "csrf_token": csrf_token})
            if key:
                fresh[key] = html
        parts.append(html)
    if fresh:
        cache.set_many(fresh, FRAGMENT_SECONDS)
    if found or fresh:
        bundle.update(found)
        bundle.update(fresh)
        shared = [key for key in keys if key]
        if len(bundle) > len(shared) + BUNDLE_SLACK:
            bundle = {key: bundle[key] for key in shared}
        cache.set(bundle_key(discussion), bundle, FRAGMENT_SECONDS)
    return mark_safe("".join(parts))  # noqa: S308 (each part is autoescaped template output)
