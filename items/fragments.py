"""What a discussion page keeps in the cache between readers: its discussion, rows and HTML.

The discussion and its thread's rows (``CommentQuerySet.for_thread``) are kept under the content
version, which every comment write, hide, pin, lock or profile change bumps (``items.signals``),
so a cached thread is never behind a post (``pagecache.kept``). A renamed account or a new
instructor badge (no content change) shows within a minute (``KEPT_SECONDS``).

HTML: each comment's HTML is kept under a key made of its row's digest (a hash of the row's
text, author, flags and times) and what the reader's entry adds (names, badges, which links
are offered), so a key can never name stale content: an edit, a pin, a hidden comment or a
renamed author is simply a new key. Only the relative time ("5 minutes ago")
ages: a fragment is re-rendered after at most ``FRAGMENT_SECONDS``, each at its own moment
within that, so a page never re-renders all its comments at once. A comment offering a form
(delete, moderation) holds the reader's CSRF token and is never shared: it is rendered for
each request. A discussion's fragments live together in one bundle: one cache read a page.
"""

import hashlib
import random
import time

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from items.dates import Clock
from items.pagecache import kept
from newsboard.jinja2 import macro

# A Jinja2 macro (templates/jinja2/), called once per comment: as a Django template it was most
# of a thread's cost (about 145 µs a comment). A macro call skips a template's per-render setup.
COMMENT_TEMPLATE = "items/_comment.html"
# Bounds how old a shown "5 minutes ago" can be.
FRAGMENT_SECONDS = 60
# A bundle keeps fragments no reader asks for any more (edited, hidden) until it holds this
# many more than the page needs; then it keeps only the page's.
BUNDLE_SLACK = 50
# How long an unread bundle stays in the cache.
BUNDLE_SECONDS = 600


def thread_rows(discussion, version):
    """The discussion's thread rows at content version ``version``, and each row's digest.

    Returns ``(rows, digests)``: ``digests`` maps a row's pk to a hash of everything in it (text,
    author, flags, times), taken once per version rather than for every reader.
    """

    def load():
        rows = list(discussion.comments.for_thread())
        return rows, {row.pk: row_digest(row) for row in rows}

    # "thread:", not the rows-only "thread-rows:" of earlier releases: a shared cache (Redis)
    # may still hold those through a deploy, and they are not (rows, digests) pairs.
    return kept(f"thread:{discussion.pk}:{version}", load)


def row_digest(row):
    """A hash of a thread row's whole content: any change to it is a new digest."""
    return hashlib.blake2b(repr(tuple(row)).encode(), digest_size=16).hexdigest()


def fragment_key(entry, digest):
    """The key of an entry's HTML in the bundle, or None when it must not be shared.

    ``digest`` is the entry's row digest (``thread_rows``); the rest is what the reader's
    entry adds to the row: indent, names, badges, placeholder and which links are offered.
    """
    if entry.can_delete or entry.can_moderate:
        return None
    shown = (
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
    # repr() quotes the names, so no two different entries can make the same key.
    return f"comment:{digest}:{shown!r}"


def bundle_key(discussion):
    """The cache key of the discussion's fragments: {fragment key: (fresh until, html)}."""
    return f"comment-bundle:{discussion.pk}"


def render_comments(request, discussion, entries, page_url, digests):
    """The entries' HTML in order: shared fragments from the bundle, fresh renders otherwise.

    ``digests``: the row digests of ``thread_rows``, by comment pk.
    """
    comment = macro(COMMENT_TEMPLATE, "comment")
    now = time.time()
    bundle = cache.get(bundle_key(discussion)) or {}
    csrf_token = lazy(get_token, str)(request)
    clock = Clock()
    changed, parts, shared = False, [], []
    for entry in entries:
        key = fragment_key(entry, digests[entry.comment.pk])
        fresh_until, html = bundle.get(key, (0, None)) if key else (0, None)
        if fresh_until <= now:
            html = str(comment(entry, page_url, csrf_token, clock))
            if key:
                # Spread re-renders over the second half of the lifetime.
                bundle[key] = (now + FRAGMENT_SECONDS * random.uniform(0.5, 1.0), html)  # noqa: S311
                changed = True
        if key:
            shared.append(key)
        parts.append(html)
    if changed:
        if len(bundle) > len(shared) + BUNDLE_SLACK:
            bundle = {key: bundle[key] for key in shared}
        cache.set(bundle_key(discussion), bundle, BUNDLE_SECONDS)
    return mark_safe("".join(parts))  # noqa: S308 (each part is autoescaped template output)
