"""What readers see is drawn once per version and shared; this module keeps the versions.

A version is a number per part of the board, kept in the database (``ContentVersion``) so every
worker of every app server agrees on it, whatever cache backend each uses:

- ``BOARD``: everything an instructor curates (issues, items, media, tags, categories, insights,
  discussions' titles and locks). A scheduled issue going live bumps it too, on the first read
  after its time.
- ``discussion_key(pk)``: one discussion's comments. A comment bumps its own discussion only, so
  while a class posts, the issue, archive and item pages stay cached.
- ``COMMENTS_ON_ITEMS``: comments in items' discussions, whose counts item cards show; a comment
  about an item bumps it with its discussion's.
- ``reader_key(pk)``: what one student's own pages show of them alone (read marks, visits, helpful
  marks, their name, their account). Their own writes bump it; nobody else's do.

Shared HTML is cached under keys that name the versions it shows (``{% cache ... versions.board %}``
in templates, ``items.fragments`` for threads), so a change is visible on the very next request
and nothing needs deleting. Anonymous readers also get whole pages from ``PageCacheMiddleware``,
each stored with the versions it was drawn from and served only while they are current. A
signed-in student gets their own pages from it too: stored for their session and CSRF cookies
alone, with their reader version among the versions, for a minute at most.

Invalidation lives here, in one place: ``connect()`` ties every model a public page shows to the
version it changes. The signals run inside the writing transaction, so a rolled-back write
leaves every version alone.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import F, Min
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from items import models

BOARD = "board"
# Comments on items' discussions: the comment counts that item cards show (issue pages and the
# home page key their cards on it), so a comment in the week's own thread leaves them cached.
COMMENTS_ON_ITEMS = "comments_on_items"


READER_PREFIX = "reader:"


def discussion_key(pk):
    return f"discussion:{pk}"


def reader_key(pk):
    return f"{READER_PREFIX}{pk}"


def reader_changed(user_id):
    """What ``user_id``'s own pages show has changed (call in the writing transaction, or after
    the write)."""
    if user_id is not None:
        bump(reader_key(user_id))


def subject_discussion_keys(subject):
    """The version key of the discussion whose comment count an issue's or item's page shows
    (none before it has one)."""
    try:
        return [discussion_key(subject.discussion.pk)]
    except ObjectDoesNotExist:
        return []


def next_scheduled_publish():
    """When the next scheduled issue goes live, or None."""
    return models.WeeklyIssue.objects.filter(
        status=models.WeeklyIssue.Status.PUBLISHED, published_at__gt=timezone.now()
    ).aggregate(at=Min("published_at"))["at"]


def bump(*keys):
    """Give each of ``keys`` a new version (call inside the transaction that changes content).

    One upsert a key: a key's first change makes its row, numbered from the clock. The board's
    row also keeps when the next scheduled issue goes live."""
    for key in keys:
        if key == BOARD:
            changes = {"value": F("value") + 1, "next_publish_at": next_scheduled_publish()}
            if not models.ContentVersion.objects.filter(key=key).update(**changes):
                _create(key)
            continue
        with connection.cursor() as cursor:
            cursor.execute(_bump_sql(), [key, models.initial_content_version()])


@functools.cache
def _bump_sql():
    qn = connection.ops.quote_name
    table, key, value = qn(models.ContentVersion._meta.db_table), qn("key"), qn("value")
    return (
        f"INSERT INTO {table} ({key}, {value}) VALUES (%s, %s) "
        f"ON CONFLICT ({key}) DO UPDATE SET {value} = {table}.{value} + 1"
    )


def _create(key):
    """The row of a key that has none. If another request makes it first, ours is ignored: that
    row was made after our change, so it is as new as ours."""
    defaults = {"next_publish_at": next_scheduled_publish()} if key == BOARD else {}
    row = models.ContentVersion(key=key, **defaults)
    models.ContentVersion.objects.bulk_create([row], ignore_conflicts=True)


def read_versions(keys):
    """``{key: version}`` for ``keys``, in one query; a key seen for the first time gets a row.

    A reader's key gets no row until their first change (``bump`` makes it, numbered
    from the clock): until then it reads 0, so a class arriving at once writes nothing to be read."""
    keys = sorted(set(keys))
    with connection.cursor() as cursor:
        cursor.execute(_versions_sql(connection.vendor, len(keys)), [_now_in_db(), *keys])
        rows = cursor.fetchall()
    versions = {key: value for key, value, _ in rows}
    missing = {key for key in keys if key not in versions and not key.startswith(READER_PREFIX)}
    if any(due for _, _, due in rows) or missing:
        # A scheduled issue has gone live since the last bump, or a version has no row yet.
        if any(due for _, _, due in rows):
            bump(BOARD)
        for key in missing:
            _create(key)
        return read_versions(keys)
    return {key: versions.get(key, 0) for key in keys}


@functools.cache
def _versions_sql(vendor, count):
    """``read_versions``' SELECT, written out: every request of a signed-in reader runs it, and
    building it through the ORM cost 12 % of a cached page's instructions."""
    qn = connection.ops.quote_name
    due = f"{qn('next_publish_at')} IS NOT NULL AND {qn('next_publish_at')} <= %s"
    return (
        f"SELECT {qn('key')}, {qn('value')}, {due} FROM {qn(models.ContentVersion._meta.db_table)} "
        f"WHERE {qn('key')} IN ({', '.join(['%s'] * count)})"
    )


def _now_in_db():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def page_versions(request, *keys):
    """The versions of ``keys`` for this request, read once, and recorded as what the page shows.

    A view calls it with every part of the board its page draws; the page cache stores the page
    with them. For a signed-in reader the reader's own version is read in the same query, before
    the view reads anything of theirs. Returns ``{"board": 17, "discussion:3": 5}``-style dict;
    templates read the board's as ``versions.board``.
    """
    known = getattr(request, "page_versions", {})
    wanted = {BOARD, *keys}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        wanted.add(reader_key(user.pk))
    missing = wanted - known.keys()
    if missing:
        known = {**known, **read_versions(missing)}
        request.page_versions = known
    return known


def shows_board(view):
    """Decorate a view whose page draws on the curated board alone and is the same for every
    reader (a feed, the sitemap, present mode), so the page cache may keep it for everyone."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        page_versions(request)
        request.same_for_everyone = True
        return view(request, *args, **kwargs)

    return wrapped


def accepted_encoding(request):
    """The body GZipMiddleware (inside the page cache) gives this request: gzip or identity."""
    return "gzip" if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else "identity"


class PageCacheMiddleware:
    """Serve GETs of public pages from the cache, while the versions they show are current.

    The key is the absolute URI (host included, as Django's own cache keys it), the method and the
    encoding: GZipMiddleware sits inside, so a page is compressed once and kept per encoding.
    Reading the URI validates the host, so a disallowed ``Host`` is refused here, before any
    cached page could answer it.

    - Anonymous readers share one copy: a 200 that sets no cookie (no CSRF token, no messages),
      is not marked private or no-cache (staff previews, My week are), and whose view recorded
      the versions it shows (``page_versions``). So do signed-in readers, where the view said
      its page is the same for everyone (``shows_board``).
    - A signed-in student's page is theirs alone: kept under their session and CSRF cookies as
      well (as Django's cache keys a page that varies on ``Cookie``), with their reader version
      among the versions it shows, so any change of theirs (a read mark, a visit, a new name, a
      new password, signing out) or of the board is seen on the very next request. It may set
      only the CSRF cookie it was sent. Staff pages are never kept. It lives
      ``NEWSBOARD_READER_PAGE_SECONDS`` at most: only relative times ("5 minutes ago") and an
      author's edit window age without a version changing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.should_cache(request):
            return self.get_response(request)
        uri = request.build_absolute_uri()
        digest = hashlib.sha256(uri.encode()).hexdigest()
        key = f"page:{request.method}:{accepted_encoding(request)}:{digest}"
        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
        mine = None if anonymous else self.reader_page_key(request, key)
        entries = cache.get_many([key] if mine is None else [key, mine])
        for found in (key, mine):
            if found in entries:
                shown, for_everyone, response = entries[found]
                usable = anonymous or for_everyone or found == mine
                if usable and page_versions(request, *shown) == shown:
                    return response
        response = self.get_response(request)
        shown = getattr(request, "page_versions", None)
        if not shown:
            return response
        for_everyone = getattr(request, "same_for_everyone", False)
        if (anonymous or for_everyone) and self.shareable(response):
            shared = {part: value for part, value in shown.items() if not part.startswith(READER_PREFIX)}
            entry = (shared, for_everyone, self.rendered(response))
            cache.set(key, entry, settings.NEWSBOARD_PAGE_CACHE_SECONDS)
        elif mine is not None and self.keeps_for_reader(request, shown, response):
            cache.set(mine, (shown, False, self.rendered(response)), self.reader_seconds())
        return response

    @staticmethod
    def should_cache(request):
        return (
            settings.NEWSBOARD_PAGE_CACHE_SECONDS > 0
            and not settings.NEWSBOARD_LOGIN_REQUIRED
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(tuple(settings.NEWSBOARD_PAGE_CACHE_EXCLUDE))
            and "messages" not in request.COOKIES
        )

    @staticmethod
    def reader_seconds():
        return min(settings.NEWSBOARD_READER_PAGE_SECONDS, settings.NEWSBOARD_PAGE_CACHE_SECONDS)

    @classmethod
    def reader_page_key(cls, request, key):
        """``key`` for the holder of this request's session and CSRF cookies alone (None: not kept)."""
        if cls.reader_seconds() <= 0:
            return None
        cookies = (
            request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
            request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        )
        holder = hashlib.blake2b(repr(cookies).encode(), digest_size=16).hexdigest()
        return f"{key}:reader:{holder}"

    @staticmethod
    def rendered(response):
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response

    @staticmethod
    def storable(response):
        """A whole 200 that no header asks to keep from a cache."""
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and "no-cache" not in cache_control
            and "no-store" not in cache_control
        )

    @classmethod
    def shareable(cls, response):
        """Storable for everyone: no cookie, not private."""
        return (
            cls.storable(response)
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )

    @classmethod
    def keeps_for_reader(cls, request, shown, response):
        """A signed-in student's page, drawn after their version was read, that names no one
        else's cookie: kept for them."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_staff or reader_key(user.pk) not in shown:
            return False
        csrf = settings.CSRF_COOKIE_NAME
        # Django sends the CSRF cookie again on every page that uses the token; only that same
        # value may be kept (a new one, or a new session cookie, is this response's alone).
        cookies_kept = set(response.cookies) <= {csrf} and (
            csrf not in response.cookies or response.cookies[csrf].value == request.COOKIES.get(csrf)
        )
        return cookies_kept and cls.storable(response)


# What public pages show, and which version a change to it bumps. A test walks every model and
# fails when one that a page shows is in neither list nor in PRIVATE_MODELS.
BOARD_MODELS = [
    models.Category,
    models.WeeklyIssue,
    models.NewsItem,
    models.Media,
    models.Insight,
    models.Discussion,
    Tag,
    TaggedItem,
]
DISCUSSION_MODELS = [models.Comment]
# Counted in a comment's line: a mark changes its comment's discussion.
COMMENT_MODELS = [models.HelpfulMark]
# What one student's own pages show of them alone: a change bumps that student's reader version.
# Each maps to the field naming the student. Writes that send no signals (``bulk_create``
# upserts in ``items.reading`` and ``items.services``) call ``reader_changed`` themselves.
READER_MODELS = {
    models.ReadMark: "student_id",
    models.HelpfulMark: "student_id",
    models.DiscussionVisit: "student_id",
    models.BoardVisit: "student_id",
    models.Profile: "user_id",
    get_user_model(): "pk",
}
# Models no public page draws from: reports, settings, a comment's earlier texts and the moderation
# history reach instructors only (in the admin), versions are this module's own, a profile's
# name reaches comments through ``profile_changed``, and read marks and visits are drawn for their
# reader alone, beside the shared fragments (``items.reading``, ``items.visits``), and change
# that reader's version (``READER_MODELS``).
PRIVATE_MODELS = [
    models.CommentReport,
    models.CourseSettings,
    models.CommentRevision,
    models.ModerationAction,
    models.ContentVersion,
    models.Profile,
    models.ReadMark,
    models.DiscussionVisit,
    models.BoardVisit,
]


def board_changed(sender, **kwargs):
    if kwargs.get("raw") or kwargs.get("action", "post_").startswith("pre_"):
        return
    keys = [BOARD]
    if sender is models.Discussion:
        keys.append(discussion_key(kwargs["instance"].pk))
    bump(*keys)


def comment_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    keys = [discussion_key(instance.discussion_id)]
    if instance.discussion.item_id is not None:
        keys.append(COMMENTS_ON_ITEMS)
    if not kwargs.get("created") and is_insight_source(instance):
        # Its insight links to it only while readers can see it.
        keys.append(BOARD)
    bump(*keys)


def is_insight_source(comment):
    """Whether a published insight grew from ``comment`` (and links to it)."""
    return models.Insight.objects.filter(source_comment_id=comment.pk, is_published=True).exists()


def insight_source_deleted(sender, instance, **kwargs):
    # Before the delete: afterwards the insight no longer names its comment.
    if is_insight_source(instance):
        bump(BOARD)


def comment_part_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    discussion = models.Comment.objects.filter(pk=instance.comment_id).values_list("discussion_id", flat=True)
    bump(*[discussion_key(pk) for pk in discussion])


def authors_changed(user_ids):
    """A renamed, deleted or newly badged account changes the threads its author wrote in."""
    discussions = models.Comment.objects.filter(author_id__in=user_ids).values_list(
        "discussion_id", flat=True
    )
    bump(*[discussion_key(pk) for pk in sorted(set(discussions))])


def profile_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        authors_changed([instance.user_id])


def user_deleted(sender, instance, **kwargs):
    authors_changed([instance.pk])


def groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("post_"):
        # user.groups.add(group), or group.user_set.add(*users) from the group's side.
        users = (pk_set or []) if reverse else [instance.pk]
        authors_changed(users)
        for pk in users:
            reader_changed(pk)


def reader_part_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        reader_changed(getattr(instance, READER_MODELS[sender]))


def reader_signed_out(sender, request, user, **kwargs):
    # The pages kept for the session that ends must not answer its cookie again.
    if user is not None:
        reader_changed(user.pk)


def connect():
    for model in BOARD_MODELS:
        post_save.connect(board_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-save")
        post_delete.connect(board_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-delete")
    m2m_changed.connect(board_changed, sender=models.Insight.evidence.through, dispatch_uid="bump-evidence")
    for model in DISCUSSION_MODELS:
        post_save.connect(comment_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-save")
        post_delete.connect(comment_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-delete")
    for model in COMMENT_MODELS:
        post_save.connect(comment_part_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-save")
        post_delete.connect(comment_part_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-delete")
    pre_delete.connect(insight_source_deleted, sender=models.Comment, dispatch_uid="bump-insight-source")
    post_save.connect(profile_changed, sender=models.Profile, dispatch_uid="bump-profile-save")
    # Before the delete, while the comments still name their author.
    pre_delete.connect(user_deleted, sender=get_user_model(), dispatch_uid="bump-user-delete")
    m2m_changed.connect(groups_changed, sender=get_user_model().groups.through, dispatch_uid="bump-groups")
    for model in READER_MODELS:
        name = model.__name__
        post_save.connect(reader_part_changed, sender=model, dispatch_uid=f"bump-reader-{name}-save")
        post_delete.connect(reader_part_changed, sender=model, dispatch_uid=f"bump-reader-{name}-delete")
    user_logged_out.connect(reader_signed_out, dispatch_uid="bump-reader-signed-out")
