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

Shared HTML is cached under keys that name the versions it shows (``{% cache ... versions.board %}``
in templates, ``items.fragments`` for threads), so a change is visible on the very next request
and nothing needs deleting. Anonymous readers also get whole pages from ``PageCacheMiddleware``,
each stored with the versions it was drawn from and served only while they are current.

Invalidation lives here, in one place: ``connect()`` ties every model a public page shows to the
version it changes. The signals run inside the writing transaction, so a rolled-back write
leaves every version alone.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, connection, transaction
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


def discussion_key(pk):
    return f"discussion:{pk}"


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
    """Give each of ``keys`` a new version (call inside the transaction that changes content)."""
    for key in keys:
        changes = {"value": F("value") + 1}
        if key == BOARD:
            changes["next_publish_at"] = next_scheduled_publish()
        if not models.ContentVersion.objects.filter(key=key).update(**changes):
            _create(key)


def _create(key):
    defaults = {"next_publish_at": next_scheduled_publish()} if key == BOARD else {}
    try:
        with transaction.atomic():
            models.ContentVersion.objects.get_or_create(key=key, defaults=defaults)
    except IntegrityError:
        # Another request created it first: its number is as new as ours.
        pass


def read_versions(keys):
    """``{key: version}`` for ``keys``, in one query; a key seen for the first time gets a row."""
    keys = sorted(set(keys))
    with connection.cursor() as cursor:
        cursor.execute(_versions_sql(connection.vendor, len(keys)), [_now_in_db(), *keys])
        rows = cursor.fetchall()
    versions = {key: value for key, value, _ in rows}
    if any(due for _, _, due in rows) or len(versions) < len(keys):
        # A scheduled issue has gone live since the last bump, or a version has no row yet.
        with transaction.atomic():
            if any(due for _, _, due in rows):
                bump(BOARD)
            for key in set(keys) - versions.keys():
                _create(key)
        return read_versions(keys)
    return versions


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
    with them. Returns ``{"board": 17, "discussion:3": 5}``-style dict; templates read the board's
    as ``versions.board``.
    """
    known = getattr(request, "page_versions", {})
    missing = {BOARD, *keys} - known.keys()
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
    """Serve anonymous GETs of public pages from the cache, while the versions they show are current.

    The key is the absolute URI (host included, as Django's own cache keys it), the method and the
    encoding: GZipMiddleware sits inside, so a page is compressed once and kept per encoding.
    Reading the URI validates the host, so a disallowed ``Host`` is refused here, before any
    cached page could answer it.

    Stored: a 200 that sets no cookie (no CSRF token, no messages), is not marked private or
    no-cache (staff previews are), and whose view recorded the versions it shows
    (``page_versions``). Signed-in readers get pages drawn from the same shared fragments, or the
    stored page itself where its view said it is the same for everyone (``shows_board``).
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
        entry = cache.get(key)
        if entry is not None:
            shown, for_everyone, response = entry
            if (anonymous or for_everyone) and page_versions(request, *shown) == shown:
                return response
        response = self.get_response(request)
        shown = getattr(request, "page_versions", None)
        for_everyone = getattr(request, "same_for_everyone", False)
        if shown and (anonymous or for_everyone) and self.shareable(response):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            cache.set(key, (shown, for_everyone, response), settings.NEWSBOARD_PAGE_CACHE_SECONDS)
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
    def shareable(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and "private" not in cache_control
            and "no-cache" not in cache_control
            and "no-store" not in cache_control
        )


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
# Models no public page draws from: reports, settings, a comment's earlier texts and the moderation
# history reach instructors only (in the admin), versions are this module's own, a profile's
# name reaches comments through ``profile_changed``, and read marks are drawn for their reader
# alone, beside the shared fragments (``items.reading``), as are the "new" marks a reader's last
# visit to a discussion or to the board makes (``items.visits``).
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
        authors_changed((pk_set or []) if reverse else [instance.pk])


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
