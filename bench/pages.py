"""The pages the benchmark loads: one table, trivial to extend.

Each page lists candidate addresses; the first one that answers 200 is measured, and a page
none of whose candidates exists yet is reported as "not available" instead of failing the run.
Placeholders in braces are filled from the database by ``fixtures()``. Every board page is
measured twice: anonymous (no cookie, as a first visit) and signed in as a student (a real
session and CSRF cookie).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings


@dataclass(frozen=True)
class Page:
    name: str
    candidates: tuple
    explain: bool = False
    # False for the template loops: not board pages, measured anonymously for scale only.
    board: bool = True


@dataclass(frozen=True)
class Variant:
    """A page as one kind of reader loads it."""

    page: Page
    signed_in: bool = False

    @property
    def name(self):
        return f"{self.page.name}, signed in" if self.signed_in else self.page.name


def variants(pages):
    """Each board page anonymous, then signed in; the template loops anonymous only."""
    return [
        Variant(page, signed_in)
        for page in pages
        for signed_in in (False, True)
        if page.board or not signed_in
    ]


PAGES = [
    Page("home", ("/",)),
    Page("issue", ("{issue}",)),
    Page("archive", ("/issues/",)),
    # items/filters.py: ``category`` and ``tag`` take slugs (either may repeat).
    Page("filter", ("/items/?category={category}&tag={tag}",), explain=True),
    Page("search", ("/items/?q={word}",), explain=True),
    Page("item", ("{item}",)),
    Page("insights", ("/insights/",)),
    Page("feed", ("/feeds/issues.rss",)),
    # The Open Discussion, which every scale gives 200 comments.
    Page("discussion", ("{discussion}",)),
    # Not board pages: Django's simplest template loop (bench/reference.py), for scale.
    Page("template loop, 20 rows", ("/__bench__/loop/20/",), board=False),
    Page("template loop, 200 rows", ("/__bench__/loop/200/",), board=False),
]

SIGNED_IN_USERNAME = "bench-student-000"


def fixtures():
    """Values for the placeholders: the newest issue, its first item, the busiest category and tag."""
    from taggit.models import Tag

    from items.demo import course
    from items.models import Category, Discussion, NewsItem, WeeklyIssue

    issue = WeeklyIssue.objects.published().order_by("-issue_date").first()
    item = NewsItem.objects.filter(issue=issue).order_by("position").first()
    category = Category.objects.annotate(n=Count("items")).order_by("-n", "pk").first()
    tag = (
        Tag.objects.filter(newsitem__category=category).annotate(n=Count("pk")).order_by("-n", "pk").first()
        if category
        else None
    )
    return {
        "issue": issue.get_absolute_url() if issue else "/issues/none/",
        "item": item.get_absolute_url() if item else "/items/none/",
        "category": category.slug if category else "none",
        "tag": tag.slug if tag else "none",
        "word": "learning",
        "discussion": Discussion.objects.get(slug=course.OPEN_DISCUSSION["slug"]).get_absolute_url(),
    }


def signed_in_client():
    """A test client with a real session in the database; its cookie works against the server too."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=SIGNED_IN_USERNAME))
    return client


@dataclass
class Resolved:
    variant: Variant
    path: str | None
    queries: int | None = None
    sql: list | None = None
    note: str = ""
    cpu_ms: float | None = None
    sql_ms: float | None = None
    served_queries: int | None = None
    page_cached: bool = False

    @property
    def available(self):
        return self.path is not None

    @property
    def page(self):
        return self.variant.page

    @property
    def name(self):
        return self.variant.name


def resolve(variants, values, session_client):
    """Pick each page's address and count its queries (second request, so start-up costs are out)."""
    anonymous = Client()
    resolved = []
    for variant in variants:
        page = variant.page
        client = session_client if variant.signed_in else anonymous
        tried = []
        for template in page.candidates:
            path = template.format(**values)
            status = client.get(path).status_code
            tried.append(f"{path} → {status}")
            if status == 200:
                # The view's own work (page cache bypassed), then the request as the server
                # answers it: a warm anonymous page should come from the cache in one query.
                with override_settings(NEWSBOARD_PAGE_CACHE_SECONDS=0):
                    with CaptureQueriesContext(connection) as ctx:
                        client.get(path)
                    cpu_ms, sql_ms = time_in_process(client, path)
                sql = [q["sql"] for q in ctx.captured_queries]
                with CaptureQueriesContext(connection) as served:
                    response = client.get(path)
                cached = (
                    settings.NEWSBOARD_PAGE_CACHE_SECONDS > 0
                    and not variant.signed_in
                    and not response.cookies
                    # Other queries than the view's: a page with one query of its own is
                    # served from the cache with one too (the content version).
                    and [q["sql"] for q in served.captured_queries] != sql
                )
                resolved.append(
                    Resolved(
                        variant,
                        path,
                        len(sql),
                        sql,
                        cpu_ms=cpu_ms,
                        sql_ms=sql_ms,
                        served_queries=len(served.captured_queries),
                        page_cached=cached,
                    )
                )
                break
        else:
            resolved.append(Resolved(variant, None, note="not available (" + "; ".join(tried) + ")"))
    return resolved


def time_in_process(client, path, repeat=10):
    """CPU milliseconds per request in this process, and the database's share of the time.

    CPU time, not wall time, so other work on the machine does not inflate it; measured before
    the server starts. The split (queries vs. ORM, templates, middleware) says where a slow page
    spends its time.
    """
    with CaptureQueriesContext(connection) as ctx:
        started = time.process_time()
        for _ in range(repeat):
            client.get(path)
        total = time.process_time() - started
    sql = sum(float(q["time"]) for q in ctx.captured_queries)
    return total * 1000 / repeat, sql * 1000 / repeat


def session_cookie(client):
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def explain(sql):
    """The database's plan for one captured query."""
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(f"{'  ' * _depth(rows, r)}{r[-1]}" for r in rows)
    return "\n".join(r[0] for r in rows)


def _depth(rows, row):
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents:
        depth, parent = depth + 1, parents[parent]
    return depth
