"""The query shapes public pages use. ``published()`` is the one door to public content."""

from django.db import connection, models
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone


def published_issue_q(prefix=""):
    """Q for issues that are published and whose publish time has come."""
    from items.models import WeeklyIssue

    return Q(
        **{
            f"{prefix}status": WeeklyIssue.Status.PUBLISHED,
            f"{prefix}published_at__lte": timezone.now(),
        }
    )


class CategoryQuerySet(models.QuerySet):
    def with_published_counts(self):
        """Annotate ``item_count``: published items in each category."""
        return self.annotate(item_count=Count("items", filter=published_issue_q("items__issue__")))

    def with_counts_among(self, items):
        """Annotate ``item_count``: how many of ``items`` (a NewsItem queryset) are in each category."""
        return self.annotate(item_count=Count("items", filter=Q(items__pk__in=items.order_by().values("pk"))))


def latest_and_recent(issues, recent):
    """The first of ``issues`` with its items (as ``with_items()``) and the ``recent`` after it
    (each with its ``item_lines()``, for ``category_mix`` and ``teaser``): what the home page shows. Give
    ``issues`` annotated ``with_counts()`` for the rows' ``item_count``: a queryset, or the rows a
    view has read already.
    """
    latest = list(issues[: recent + 1])
    if not latest:
        return None, []
    prefetch_related_objects(latest[:1], issue_items())
    prefetch_related_objects(latest[1:], item_lines())
    return latest[0], latest[1:]


class WeeklyIssueQuerySet(models.QuerySet):
    def published(self):
        """Issues readers may see: published, with a publish time in the past."""
        return self.filter(published_issue_q())

    def visible_to(self, user):
        """Published issues, plus drafts and scheduled ones for staff previewing them."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def with_counts(self):
        """Annotate ``item_count``."""
        return self.annotate(item_count=Count("items", distinct=True))

    def numbered(self):
        """Annotate ``number``: the issue's place among these issues, oldest first ("Issue 8").
        Give it the published issues, so drafts never take a number."""
        from django.db.models import Window
        from django.db.models.functions import RowNumber

        return self.annotate(number=Window(RowNumber(), order_by=F("issue_date").asc()))

    def neighbour_dates(self, issue_date):
        """``(previous, next)``: the dates of this queryset's issues just before and after
        ``issue_date`` (None at either end), in one query."""
        dates = self.aggregate(
            previous=Max("issue_date", filter=Q(issue_date__lt=issue_date)),
            next=Min("issue_date", filter=Q(issue_date__gt=issue_date)),
        )
        return dates["previous"], dates["next"]

    def with_items(self):
        """Issues with everything an issue page shows, prefetched (``issue.item_list``)."""
        return self.prefetch_related(issue_items())

    def for_listing(self):
        """Issues with what a row of issues shows: ``number``, ``item_count``, ``category_mix``
        and ``teaser``."""
        return self.with_counts().numbered().prefetch_related(item_lines())


def issue_items():
    """The prefetch of an issue's items with all an item card shows, into ``issue.item_list``:
    each with its category and discussion (for its comment count), ``tag_list`` and
    ``media_list`` (three queries)."""
    from items.models import NewsItem

    items = NewsItem.objects.select_related("category", "discussion").with_details().order_by("position")
    return Prefetch("items", queryset=items, to_attr="item_list")


def details_when_drawn(items):
    """``items`` (NewsItems already read, with their category) as a lazy list that prefetches
    their ``tag_list`` and ``media_list`` (two queries) only when first used: hand it to a
    cached fragment, which uses it only when drawn."""
    from django.utils.functional import SimpleLazyObject

    from items.models import Media

    def load():
        media = Prefetch("media", queryset=Media.objects.order_by("position"), to_attr="media_list")
        prefetch_related_objects(items, Prefetch("tags", to_attr="tag_list"), media)
        return items

    return SimpleLazyObject(load)


def item_lines():
    """The prefetch of an issue's items with their category alone, into ``issue.item_list``
    (one query): what a row of issues (``category_mix``, ``teaser``) and the issues feed show."""
    from items.models import NewsItem

    items = NewsItem.objects.select_related("category").order_by("position")
    return Prefetch("items", queryset=items, to_attr="item_list")


SEARCH_CONFIG = "english"
SEARCH_FIELDS = ("title", "summary", "excerpt", "source")


def search_vector():
    """The document searched on PostgreSQL; migration 0003 indexes exactly this expression."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector(*SEARCH_FIELDS, config=SEARCH_CONFIG)


class NewsItemQuerySet(models.QuerySet):
    def published(self):
        """Items of published issues."""
        return self.filter(published_issue_q("issue__"))

    def visible_to(self, user):
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def with_tags(self):
        """Items with ``tag_list`` prefetched (by name), in one query."""
        return self.prefetch_related(Prefetch("tags", to_attr="tag_list"))

    def with_details(self):
        """Items with ``tag_list`` and ``media_list`` (in position order) prefetched, one
        query each: what an item card and an item page show."""
        from items.models import Media

        media = Media.objects.order_by("position")
        return self.with_tags().prefetch_related(Prefetch("media", queryset=media, to_attr="media_list"))

    def for_listing(self):
        """Items newest issue first, with issue, category and ``tag_list``: what a row or a
        feed entry shows."""
        return self.select_related("issue", "category").with_tags().order_by("-issue__issue_date", "position")

    def with_neighbours(self):
        """Annotate ``previous_in_issue`` and ``next_in_issue``: the items just before and after
        in the same issue, as ``{"pk", "slug", "title", "position"}`` dicts (or None), in the
        same query."""
        from django.db.models import Subquery
        from django.db.models.functions import JSONObject

        def neighbour(position, order):
            siblings = self.model.objects.filter(
                issue=OuterRef("issue"), **{f"position__{position}": OuterRef("position")}
            )
            shown = JSONObject(pk="pk", slug="slug", title="title", position="position")
            return Subquery(siblings.order_by(order).values_list(shown)[:1])

        return self.annotate(
            previous_in_issue=neighbour("lt", "-position"), next_in_issue=neighbour("gt", "position")
        )

    def related_to(self, item, limit=5):
        """Other items most like ``item``: the most shared tags first, then its category, then
        the newest; only items sharing a tag or the category (one query, with issue and category)."""
        tag_ids = [tag.pk for tag in item.tag_list]
        shared = Count("tagged_items", filter=Q(tagged_items__tag_id__in=tag_ids), distinct=True)
        same_category = Count("pk", filter=Q(category_id=item.category_id), distinct=True)
        return (
            self.exclude(pk=item.pk)
            .annotate(shared_tags=shared, same_category=same_category)
            .filter(Q(shared_tags__gt=0) | Q(same_category__gt=0))
            .select_related("issue", "category")
            .order_by("-shared_tags", "-same_category", "-issue__issue_date", "position")[:limit]
        )

    def search(self, q):
        """Items whose title, summary, excerpt or source hold every word of ``q`` (stemmed),
        best match first on PostgreSQL.

        PostgreSQL: full-text search (English stemming) over those fields, served by the GIN
        index of migration 0003 and ranked by SearchRank. SQLite: the FTS5 index of
        ``items.search_index`` (Porter stemming), keeping this queryset's order. The board-wide
        search, with category and tag names, insights and comments, is ``items.search``.
        """
        from items.search import postgres_text, words_of

        words = words_of(q)
        if not words:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank

            query = SearchQuery(postgres_text(q), config=SEARCH_CONFIG)
            return (
                self.alias(search_document=search_vector())
                .filter(search_document=query)
                .annotate(search_rank=SearchRank(search_vector(), query))
                .order_by("-search_rank", "-issue__issue_date", "position")
            )
        match = "{title body} : (" + " ".join(f'"{word}"' for word in words) + ")"
        matching = RawSQL(
            "SELECT object_id FROM items_search WHERE items_search MATCH %s AND kind = 'item'", [match]
        )
        return self.filter(pk__in=matching)

    def tagged(self, slugs, match_all=False):
        """Items with any of the tags ``slugs`` (or all of them with ``match_all``)."""
        slugs = list(slugs)
        if not slugs:
            return self
        tagged_with = self.model.objects.filter
        if not match_all:
            return self.filter(pk__in=tagged_with(tags__slug__in=slugs).values("pk"))
        matches = self
        for slug in slugs:
            matches = matches.filter(pk__in=tagged_with(tags__slug=slug).values("pk"))
        return matches

    def used_tags(self):
        """The taggit Tags on these items, by name, with ``item_count``."""
        from taggit.models import Tag

        # The count reuses the filter's one join, and taggit's unique constraint on (content
        # type, object, tag) makes each item a single row per tag: no DISTINCT needed.
        return (
            Tag.objects.filter(newsitem__in=self.order_by().values("pk"))
            .annotate(item_count=Count("newsitem"))
            .order_by("name")
        )


class InsightQuerySet(models.QuerySet):
    def published(self):
        """Insights the instructor has published."""
        return self.filter(is_published=True)

    def with_evidence(self):
        """Insights with their published evidence items prefetched: what the insights page shows.

        Only the fields a line of evidence shows are read, and reading any other raises
        (``FETCH_RAISE``) rather than quietly querying once per item.
        """
        from items.models import NewsItem

        shown = ("slug", "title", "position", "issue__issue_date", "category__label", "category__colour")
        evidence = (
            NewsItem.objects.published()
            .select_related("issue", "category")
            .only(*shown)
            .fetch_mode(models.FETCH_RAISE)
            .order_by("issue__issue_date", "position")
        )
        return self.prefetch_related(Prefetch("evidence", queryset=evidence))

    def with_source(self):
        """Annotate ``source_slug``: the slug of the discussion an insight's comment is in, while
        readers can see that comment there (visible, in a public discussion), else None: what
        ``Insight.source_url`` links to. No extra query."""
        from items.models import Comment, Discussion

        shown = Comment.objects.filter(
            pk=OuterRef("source_comment_id"),
            status=Comment.Status.VISIBLE,
            discussion__in=Discussion.objects.published(),
        )
        return self.annotate(source_slug=Subquery(shown.values("discussion__slug")[:1]))


class DiscussionQuerySet(models.QuerySet):
    def published(self):
        """Discussions readers may see: not hidden, and tied only to published content."""
        return self.filter(is_hidden=False).filter(
            Q(issue__isnull=True) | published_issue_q("issue__"),
            Q(item__isnull=True) | published_issue_q("item__issue__"),
        )


class CommentQuerySet(models.QuerySet):
    def for_thread(self):
        """A thread's rows, oldest first: plain named tuples, in one query.

        Only what a thread shows, with the author's names and an ``author_is_instructor`` flag.
        Tuples rather than model instances: building 200 comments with their user and profile
        objects cost four times the query itself.
        """
        from django.contrib.auth import get_user_model

        from items.models import HelpfulMark
        from items.permissions import INSTRUCTORS_GROUP

        memberships = get_user_model().groups.through.objects.filter(
            user_id=OuterRef("author_id"), group__name=INSTRUCTORS_GROUP
        )
        helpful = (
            HelpfulMark.objects.filter(comment=OuterRef("pk"))
            .order_by()
            .values("comment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.order_by("created_at", "pk")
            .annotate(
                author_is_instructor=Exists(memberships),
                author_username=F("author__username"),
                author_display_name=F("author__profile__display_name"),
                helpful_count=Coalesce(Subquery(helpful, output_field=IntegerField()), 0),
            )
            .values_list(
                "pk",
                "author_id",
                "parent_id",
                "depth",
                "body_html",
                "status",
                "is_pinned",
                "is_anonymous",
                "is_endorsed",
                "helpful_count",
                "created_at",
                "edited_at",
                "author_is_instructor",
                "author_username",
                "author_display_name",
                named=True,
            )
        )

    def with_report_counts(self):
        """Annotate ``report_count``: unresolved reports on each comment."""
        return self.annotate(report_count=Count("reports", filter=Q(reports__resolved=False)))
