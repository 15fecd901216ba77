"""News item pages: the filtered list, an item's permalink, a category's and a tag's items."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers

from items.filters import NewsItemFilter, published_tags
from items.models import Category, Insight, NewsItem
from items.pagecache import kept, request_content_version

CATEGORY_PAGE_SIZE = 30
ITEM_LIST_PAGE_SIZE = 30


def item_list(request):
    """Every published item, filtered by the query string, with counts per category.

    Template: ``items/item_list.html``. Context: ``filter`` (the FilterSet, whose form the
    template renders), ``page_obj``, ``category_counts``, ``selected_categories`` (slugs),
    ``tag_counts`` (tags with ``item_count``), ``selected_tags`` (slugs),
    ``query_string`` (the filters without ``page``, for pagination links).
    """
    base = NewsItem.objects.published().for_listing()
    # Every /items/ URL lists the same tags: counted once per content version (so a newly
    # published week counts at once) for every filter and page; at archive scale the count
    # over 36,000 taggings took 35-60 ms. The tag choices are drawn as the category ones are:
    # a checkbox widget per tag cost ~0.25 ms, a third of the page.
    tags = kept(f"published-tags:{request_content_version(request)}", lambda: list(published_tags()))
    item_filter = NewsItemFilter(request.GET, queryset=base, request=request, tags=tags)
    paginator = CountedPaginator(item_filter.qs, ITEM_LIST_PAGE_SIZE, count=item_filter.count)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": item_filter,
        "page_obj": page_obj,
        "category_counts": item_filter.category_counts,
        "selected_categories": request.GET.getlist("category"),
        "tag_counts": tags,
        "selected_tags": request.GET.getlist("tag"),
        "query_string": query.urlencode(),
    }
    return render(request, "items/item_list.html", context)


class CountedPaginator(Paginator):
    """A paginator given its count, known already, instead of running a COUNT query."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


def item_detail(request, pk, slug):
    """Everything about one item, its issue and the insights that cite it.

    Template: ``items/item_detail.html``. Context: ``item``, ``insights``.
    """
    queryset = (
        NewsItem.objects.visible_to(request.user)
        .select_related("issue", "category", "discussion")
        .with_details()
    )
    item = get_object_or_404(queryset, pk=pk)
    if item.slug != slug:
        return redirect(item, permanent=True)
    insights = Insight.objects.published().filter(evidence=item)
    response = render(request, "items/item_detail.html", {"item": item, "insights": insights})
    if not item.issue.is_public:
        add_never_cache_headers(response)
    return response


def category_detail(request, slug):
    """Every published item in one category, newest first.

    Template: ``items/category_detail.html``. Context: ``category``, ``page_obj``.
    """
    category = get_object_or_404(Category, slug=slug)
    items = NewsItem.objects.published().filter(category=category).for_listing()
    page_obj = Paginator(items, CATEGORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "items/category_detail.html", {"category": category, "page_obj": page_obj})


def tag_detail(request, slug):
    """Every published item with one topic tag, newest first; a tag with none is a 404.

    Template: ``items/tag_detail.html``. Context: ``tag``, ``page_obj``.
    """
    published = NewsItem.objects.published()
    tag = published.used_tags().filter(slug=slug).first()
    if tag is None:
        raise Http404("No published item has that tag.")
    items = published.tagged([tag.slug]).for_listing()
    page_obj = Paginator(items, CATEGORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "items/tag_detail.html", {"tag": tag, "page_obj": page_obj})
