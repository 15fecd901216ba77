"""A discussion's comments rendered once and shared by every reader who sees them alike.

Each comment's HTML is cached under a hash of everything it shows (text, author, flags,
which links are offered), so a key can never name stale content: an edit, a pin, a hidden
comment or a renamed author is simply a new key. Only the relative time ("5 minutes ago")
ages, which the short lifetime bounds. A comment offering a form (delete, moderation) holds
the reader's CSRF token and is never shared: it is rendered for each request.
"""

import hashlib

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

COMMENT_TEMPLATE = "items/_comment.html"
# Bounds how old a cached "5 minutes ago" can be.
FRAGMENT_SECONDS = 60


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


def render_comments(request, entries, page_url):
    """The entries' HTML in order: cached fragments where shared, fresh renders otherwise."""
    template = get_template(COMMENT_TEMPLATE)
    keys = [fragment_key(entry) for entry in entries]
    cached = cache.get_many([key for key in keys if key])
    csrf_token = lazy(get_token, str)(request)
    fresh, parts = {}, []
    for entry, key in zip(entries, keys, strict=True):
        html = cached.get(key) if key else None
        if html is None:
            html = template.render({"entry": entry, "page_url": page_url, "csrf_token": csrf_token})
            if key:
                fresh[key] = html
        parts.append(html)
    if fresh:
        cache.set_many(fresh, FRAGMENT_SECONDS)
    return mark_safe("".join(parts))  # noqa: S308 (each part is autoescaped template output)
