"""A discussion's thread as HTML: what every reader sees alike is drawn once per version and shared.

A thread's rows (``CommentQuerySet.for_thread``) are cached under the discussion's version
(``items.caching``), which every comment written, edited, hidden, pinned or deleted there bumps.

The thread, as a classmate who wrote none of it sees it, is drawn once per version and kind of
reader (signed out, or signed in) and shared by every such reader. What belongs to one reader is
drawn for that reader alone, on each request: their own comments (Edit and Delete, which hold
their CSRF token) in the shared thread's places; the whole thread for an instructor (moderation
forms on every comment) and for an author with a comment waiting for approval or hidden (which only they
see). Only the relative times ("5 minutes ago") age, so the shared HTML lives a minute at most.
"""

import dataclasses
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import DateTimeField, IntegerField, Value
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe

from items import permissions
from items.models import Comment, DiscussionVisit, HelpfulMark
from items.threads import anonymous_marker, build_thread

COMMENT_TEMPLATE = "items/_comment.html"
# Bounds how old a shown "5 minutes ago" can be.
THREAD_SECONDS = 60


def thread_seconds():
    """How long a shared thread is kept: a minute, or less when fragments are kept less (0: off)."""
    return min(THREAD_SECONDS, settings.NEWSBOARD_FRAGMENT_SECONDS)


def thread_rows(discussion, version):
    """The discussion's thread rows at ``version``, from the cache or one query."""
    key = f"thread-rows:{discussion.pk}:{version}"
    # Rows do not age: they are kept as long as any fragment.
    return cache.get_or_set(
        key, lambda: list(discussion.comments.for_thread()), settings.NEWSBOARD_FRAGMENT_SECONDS
    )


def classmate(signed_in):
    """A reader who wrote none of the comments and moderates none: whom shared HTML is drawn for."""
    return get_user_model()(is_active=True) if signed_in else AnonymousUser()


def _keys(discussion, version, signed_in, sort):
    kind = "member" if signed_in else "guest"
    base = f"{discussion.pk}:{version}:{sort}:{kind}"
    return f"thread:{base}", f"thread-own:{base}:", f"thread-entries:{base}"


def draw_shared_thread(discussion, rows, version, signed_in, page_url, sort="time"):
    """Draw the thread as a classmate sees it and keep it for everyone.

    ``(authors, whole, count, parts)`` (who wrote in it, who has a comment only they and the
    instructors see: waiting for approval or hidden by an instructor; how many comments are
    visible, and each comment's HTML in reading order), which most readers
    need alone; and under a key of each author's, ``[(place, entry)]``: their visible comments,
    to draw again for them; and ``{comment pk: (place, entry)}`` of the comments a reader may mark
    helpful, to draw again for a reader who did. Returns the first, the second as
    ``{author id: [...]}`` and the third.
    """
    entries = build_thread(discussion, rows, classmate(signed_in), sort)
    parts = drawn_comments(entries, page_url)
    authors = frozenset(row.author_id for row in rows)
    unseen = (Comment.Status.PENDING, Comment.Status.HIDDEN)
    whole = frozenset(row.author_id for row in rows if row.status in unseen)
    count = sum(row.status == Comment.Status.VISIBLE for row in rows)
    own = {}
    for place, entry in enumerate(entries):
        if not entry.placeholder:
            # Children are in the order already; a cached entry needs no tree.
            own.setdefault(entry.comment.author_id, []).append(
                (place, dataclasses.replace(entry, children=[]))
            )
    markable = {
        entry.comment.pk: (place, dataclasses.replace(entry, children=[]))
        for place, entry in enumerate(entries)
        if entry.can_mark_helpful
    }
    summary_key, own_prefix, markable_key = _keys(discussion, version, signed_in, sort)
    # Every author gets a key, even one with nothing visible left to draw for them.
    kept = {f"{own_prefix}{author}": own.get(author, []) for author in authors}
    summary = (authors, whole, count, parts)
    cache.set_many({summary_key: summary, markable_key: markable, **kept}, thread_seconds())
    return summary, own, markable


def public_thread(discussion, version, page_url):
    """``(html, count)``: the thread as a signed-out reader sees it, with no one's buttons, and how
    many comments it shows. An item's page shows it whole, for every reader alike; acting on a
    comment (replying, marking it helpful, editing) happens on the discussion's own page."""
    summary = cache.get(_keys(discussion, version, False, "time")[0])
    if summary is None:
        rows = thread_rows(discussion, version)
        summary, _, _ = draw_shared_thread(discussion, rows, version, False, page_url)
    _, _, count, parts = summary
    return mark_safe("".join(parts)), count  # noqa: S308 (each part is autoescaped template output)


def drawn_comments(entries, page_url):
    """Each entry's HTML, as a classmate sees it, in order.

    A comment's HTML is kept under a digest of everything it shows, so a new version of the
    thread (a post during the lecture) draws only the comments that changed, not all of them.
    """
    keys = [f"comment:{_digest(entry, page_url)}" for entry in entries]
    kept = cache.get_many(keys)
    template = get_template(COMMENT_TEMPLATE)
    drawn = {
        key: template.render({"entry": entry, "page_url": page_url})
        for key, entry in zip(keys, entries, strict=True)
        if key not in kept
    }
    if drawn:
        cache.set_many(drawn, thread_seconds())
    return [kept.get(key) or drawn[key] for key in keys]


def _digest(entry, page_url):
    shown = (
        tuple(entry.comment),
        page_url,
        entry.indent,
        entry.author_name,
        entry.is_instructor,
        entry.placeholder,
        entry.anonymous_marker,
        entry.is_pending,
        entry.is_hidden,
        entry.reply_to_name,
        entry.can_reply,
        entry.can_edit,
        entry.can_delete,
        entry.can_report,
        entry.can_moderate,
        entry.can_mark_helpful,
        entry.helpful_marked,
        entry.is_new,
    )
    # repr() quotes every text, so no two different entries make the same digest.
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


@dataclasses.dataclass(frozen=True)
class ReaderState:
    """What one reader brings to a thread: the comments they marked helpful, and when they last
    read it (None: never)."""

    marked: frozenset = frozenset()
    last_seen_at: object = None


def reader_state(user, discussion):
    """``user``'s ``ReaderState`` in ``discussion``, in one query (none signed out, and none for
    instructors, who endorse rather than mark helpful and follow the moderation queue)."""
    if not user.is_authenticated or permissions.is_moderator(user):
        return ReaderState()
    marks = (
        HelpfulMark.objects.filter(student=user, comment__discussion=discussion)
        .order_by()
        .annotate(seen=Value(None, output_field=DateTimeField()))
        .values_list("comment_id", "seen")
    )
    visit = (
        DiscussionVisit.objects.filter(student=user, discussion=discussion)
        .order_by()
        .annotate(marked=Value(None, output_field=IntegerField()))
        .values_list("marked", "last_seen_at")
    )
    rows = list(marks.union(visit, all=True).order_by())
    seen = [at for pk, at in rows if pk is None]
    return ReaderState(frozenset(pk for pk, _ in rows if pk is not None), seen[0] if seen else None)


def render_thread(request, discussion, version, page_url, sort="time", state=ReaderState()):
    """``(html, count, new)``: the reader's thread in ``sort`` order, how many of its comments are
    visible, and the pks of those new to the reader (``state``) in reading order.

    The HTML is the shared thread, with the reader's own comments drawn for them and the ones
    they marked helpful or that are new to them in their shared marked versions; drawn whole for
    an instructor and for an author whose comment waits for approval or was hidden."""
    user = request.user
    signed_in = user.is_authenticated
    summary_key, own_prefix, markable_key = _keys(discussion, version, signed_in, sort)
    summary, own, markable = cache.get(summary_key), None, None
    if summary is None:
        summary, own, markable = draw_shared_thread(
            discussion, thread_rows(discussion, version), version, signed_in, page_url, sort
        )
    authors, whole, count, parts = summary
    moderator = permissions.is_moderator(user)
    reader_id = user.pk if signed_in else None
    marked, since = state.marked, state.last_seen_at
    if not moderator and reader_id not in authors and not marked and since is None:
        return mark_safe("".join(parts)), count, []  # noqa: S308 (autoescaped template output)

    template = get_template(COMMENT_TEMPLATE)
    # The reader's forms need their CSRF token, and nothing else of the request.
    context = {"page_url": page_url, "csrf_token": get_token(request)}
    if moderator or reader_id in whole:
        entries = build_thread(discussion, thread_rows(discussion, version), user, sort)
        new = []
        for entry in entries:
            entry.helpful_marked = entry.comment.pk in marked
            entry.is_new = _is_new(entry, reader_id, since)
            if entry.is_new:
                new.append(entry.comment.pk)
        html = "".join(template.render({**context, "entry": entry}) for entry in entries)
        return mark_safe(html), count, new  # noqa: S308 (each part is autoescaped template output)

    if own is None:
        mine = cache.get(f"{own_prefix}{reader_id}") if reader_id in authors else []
        markable = cache.get(markable_key) if marked or since is not None else {}
        if mine is None or markable is None:
            _, own, markable = draw_shared_thread(
                discussion, thread_rows(discussion, version), version, signed_in, page_url, sort
            )
            mine = own.get(reader_id, [])
    else:
        mine = own.get(reader_id, [])
    parts = list(parts)
    new, marks = [], []
    for pk, (place, entry) in sorted(markable.items(), key=lambda pair: pair[1][0]):
        is_new = _is_new(entry, reader_id, since)
        if is_new:
            new.append(pk)
        if is_new or pk in marked:
            marks.append((place, dataclasses.replace(entry, helpful_marked=pk in marked, is_new=is_new)))
    # A comment marked new or helpful is drawn as any classmate with the same marks sees it, and
    # shared with them: a lecture's 100 new comments are drawn once, not once per reader.
    for (place, _), html in zip(marks, drawn_comments([entry for _, entry in marks], page_url), strict=True):
        parts[place] = html
    now = timezone.now()
    for place, entry in mine:
        theirs = dataclasses.replace(
            entry,
            can_edit=permissions.can_edit(user, entry.comment, now),
            can_delete=permissions.can_delete(user, entry.comment),
            can_report=False,
            can_mark_helpful=False,
            anonymous_marker=anonymous_marker(entry.comment, False, True),
        )
        parts[place] = template.render({**context, "entry": theirs})
    return mark_safe("".join(parts)), count, new  # noqa: S308 (each part is autoescaped template output)


def _is_new(entry, reader_id, since):
    """Someone else's visible comment posted after the reader last read the thread."""
    comment = entry.comment
    return (
        since is not None
        and not entry.placeholder
        and comment.author_id != reader_id
        and comment.status == Comment.Status.VISIBLE
        and comment.created_at > since
    )
