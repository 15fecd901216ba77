"""Whole-page cache for anonymous readers, keyed by the content version.

Anonymous readers (no session cookie) get pages from the cache; anything that changes what
readers see bumps ``ContentVersion`` in the same transaction, so no page is ever stale after an
instructor publishes or a student posts. A scheduled issue going live bumps it too: the first
request after its publish time notices and bumps.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Min
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone

from items.models import ContentVersion, WeeklyIssue

# How long ``kept`` keeps a value: its key names a content version, so it is never stale; this
# bounds what a change outside the version (a renamed account) takes to show, and the memory.
KEPT_SECONDS = 60


def next_scheduled_publish():
    """When the next scheduled issue goes live, or None."""
    return WeeklyIssue.objects.filter(
        status=WeeklyIssue.Status.PUBLISHED, published_at__gt=timezone.now()
    ).aggregate(at=Min("published_at"))["at"]


def bump_content_version():
    """Invalidate every cached page (call inside the transaction that changes content)."""
    updated = ContentVersion.objects.filter(pk=1).update(
        value=F("value") + 1, next_publish_at=next_scheduled_publish()
    )
    if not updated:
        ContentVersion.objects.get_or_create(pk=1, defaults={"next_publish_at": next_scheduled_publish()})


@functools.cache
def version_sql(vendor):
    """The SELECT behind ``current_content_version``, quoted for ``vendor``'s database, built once."""
    qn = connection.ops.quote_name
    return (
        f"SELECT {qn('value')}, {qn('next_publish_at')} IS NOT NULL AND {qn('next_publish_at')} <= %s "
        f"FROM {qn(ContentVersion._meta.db_table)} WHERE {qn('id')} = 1"
    )


def current_content_version():
    """The version cached pages are keyed by; one small query.

    Every anonymous page view asks this first, so it is one written-out SELECT (~30 µs) rather
    than the ORM's (~400 µs, mostly building the SQL: more than Django's whole request cycle
    for a cached page). It also says whether a scheduled issue's time has come; the database
    compares the times, as Django's own lookups do.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            version_sql(connection.vendor), [connection.ops.adapt_datetimefield_value(timezone.now())]
        )
        row = cursor.fetchone()
    if row is None or row[1]:
        # No row yet, or a scheduled issue has gone live since the last bump.
        with transaction.atomic():
            bump_content_version()
        return current_content_version()
    return row[0]


def request_content_version(request):
    """``current_content_version()``, read once per request: the page cache and views share it."""
    version = getattr(request, "_content_version", None)
    if version is None:
        version = request._content_version = current_content_version()
    return version


def kept(key, load):
    """``load()``, kept in the cache under ``key`` (which names a content version)."""
    return cache.get_or_set(key, load, KEPT_SECONDS)


def accepted_encoding(request):
    """The body GZipMiddleware (inside this cache) gives this request: gzip or identity."""
    return "gzip" if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else "identity"


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache; store what is safe to share.

    GZipMiddleware sits inside, so a page is compressed once and kept per encoding (the key
    says which; the stored response keeps its ``Vary: Accept-Encoding``).

    Safe to share: a 200 that sets no cookie (no CSRF token, no messages) and is not marked
    private or no-cache (staff previews are). Signed-in readers always get a fresh page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.should_cache(request):
            return self.get_response(request)
        path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        version = request_content_version(request)
        key = f"page:{version}:{request.method}:{accepted_encoding(request)}:{path_hash}"
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        if self.shareable(response):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            cache.set(key, response, settings.NEWSBOARD_PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def should_cache(request):
        return (
            settings.NEWSBOARD_PAGE_CACHE_SECONDS > 0
            and not settings.NEWSBOARD_LOGIN_REQUIRED
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(tuple(settings.NEWSBOARD_PAGE_CACHE_EXCLUDE))
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
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
