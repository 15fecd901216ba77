"""News item pages: the filtered list, an item's permalink, a category's and a tag's items."""

import functools

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers

from items import reading
from items.caching import BOARD, discussion_key, page_versions, subject_discussion_keys
from items.filters import NewsItemFilter, asks_anything, published_tags
from items.fragments import public_thread
from items.models import Category, Insight, NewsItem

CATEGORY_PAGE_SIZE = 30
ITEM_LIST_PAGE_SIZE = 30
# With more tags than this, the tag list gets a box to narrow it.
TAG_FILTER_FROM = 20


def item_list(request):
    """Every published item, filtered by the query string, with counts per category.

    Template: ``items/item_list.html``. Context: ``is_filtered``, and ``listing``, a callable the
    template calls inside its fragment cache (keyed by the query string) returning ``filter``
    (the FilterSet, whose form the template renders), ``page_obj``, ``category_counts``,
    ``selected_categories`` (slugs), ``tag_counts``
    (the tags to offer, each with ``item_count`` among the items every other filter keeps),
    ``tag_filter_from``, ``selected_tags``
    (slugs) and ``query_string`` (the filters without ``page``, for pagination links).
    """

    def listing():
        base = NewsItem.objects.published().for_listing()
        # Every /items/ address offers the same tags: counted once per version of the board.
        board = page_versions(request)[BOARD]
        tags = cache.get_or_set(
            f"published-tags:{board}", lambda: list(published_tags()), settings.NEWSBOARD_FRAGMENT_SECONDS
        )
        item_filter = NewsItemFilter(request.GET, queryset=base, request=request, tags=tags)
        paginator = CountedPaginator(item_filter.qs, ITEM_LIST_PAGE_SIZE, count=item_filter.count)
        query = request.GET.copy()
        query.pop("page", None)
        return {
            "filter": item_filter,
            "page_obj": paginator.get_page(request.GET.get("page")),
            "category_counts": item_filter.category_counts,
            "selected_categories": request.GET.getlist("category"),
            "tag_counts": item_filter.tag_counts,
            "tag_filter_from": TAG_FILTER_FROM,
            "selected_tags": request.GET.getlist("tag"),
            "query_string": query.urlencode(),
        }

    context = {"listing": listing, "is_filtered": asks_anything(request.GET)}
    return render(request, "items/item_list.html", context)


class CountedPaginator(Paginator):
    """A paginator given its count, known already, instead of running a COUNT query."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


def item_detail(request, pk, slug):
    """Everything about one item: its place in its issue, the insights that cite it, related
    items and its discussion.

    Template: ``items/item_detail.html``. Context: ``item`` (with ``previous_in_issue`` and
    ``next_in_issue``; its ``tag_list`` and ``media_list`` are read only when its cached fragment
    is drawn), ``insights`` (a lazy queryset), ``related`` (a callable, called inside the fragment),
    ``thread``: its discussion's comments as a signed-out reader sees them (``None`` with none).
    A signed-in reader's opening the page marks the item read.
    """
    queryset = NewsItem.objects.visible_to(request.user).select_related("issue", "category", "discussion")
    queryset = queryset.with_neighbours()
    student = reading.is_student(request.user)
    if student:
        # Whether they read it already comes with the item: a student back on the page writes nothing.
        queryset = queryset.annotate(was_read=reading.read_by(request.user))
    item = get_object_or_404(queryset, pk=pk)
    if item.slug != slug:
        return redirect(item, permanent=True)
    versions = page_versions(request, *subject_discussion_keys(item))
    # Opening an item's page reads it.
    if student and not item.was_read:
        reading.mark_read(request.user, [item])
    item.is_read = student
    # Lazy: read only when the item's cached fragment is drawn.
    insights = Insight.objects.published().filter(evidence=item)
    related = functools.partial(NewsItem.objects.published().related_to, item)
    discussion = item.discussion_if_shown
    thread = None
    if discussion is not None and discussion.comment_count:
        key = discussion_key(discussion.pk)
        thread, _ = public_thread(discussion, versions[key], discussion.get_absolute_url())
    context = {"item": item, "insights": insights, "related": related, "thread": thread}
    response = render(request, "items/item_detail.html", context)
    if not item.issue.is_public:
        add_never_cache_headers(response)
    return response


def category_detail(request, slug):
    """Every published item in one category, newest first.

    Template: ``items/category_detail.html``. Context: ``category``, ``page_obj`` (a callable,
    called inside the page's fragment cache).
    """
    category = get_object_or_404(Category, slug=slug)
    items = NewsItem.objects.published().filter(category=category).for_listing()
    page_obj = functools.partial(Paginator(items, CATEGORY_PAGE_SIZE).get_page, request.GET.get("page"))
    return render(request, "items/category_detail.html", {"category": category, "page_obj": page_obj})


def tag_detail(request, slug):
    """Every published item with one topic tag, newest first; a tag with none is a 404.

    Template: ``items/tag_detail.html``. Context: ``tag``, ``page_obj`` (a callable, called inside
    the page's fragment cache).
    """
    published = NewsItem.objects.published()
    tag = published.used_tags().filter(slug=slug).first()
    if tag is None:
        raise Http404("No published item has that tag.")
    items = published.tagged([tag.slug]).for_listing()
    page_obj = functools.partial(Paginator(items, CATEGORY_PAGE_SIZE).get_page, request.GET.get("page"))
    return render(request, "items/tag_detail.html", {"tag": tag, "page_obj": page_obj})
