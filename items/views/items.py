"""News item pages: an item's permalink and a category's items."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers

from items.models import Category, Insight, NewsItem

CATEGORY_PAGE_SIZE = 30


def item_detail(request, pk, slug):
    """Everything about one item, its issue and the insights that cite it.

    Template: ``items/item_detail.html``. Context: ``item``, ``insights``.
    """
    queryset = NewsItem.objects.visible_to(request.user).select_related("issue", "category")
    item = get_object_or_404(queryset.prefetch_related("tags", "media"), pk=pk)
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
