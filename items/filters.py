"""The FilterSet behind /items/: categories, topic tags, an issue date range and search."""

import copy

import django_filters
from django import forms
from django.db.models import Value
from django.utils.functional import cached_property

from items.models import Category, NewsItem

SEARCH_MAX_LENGTH = 200
# The filters whose choices show counts: each counts among the items every other filter keeps.
FACETS = ("category", "tag")


class DateInput(forms.DateInput):
    input_type = "date"


class NewsItemFilterForm(forms.Form):
    def clean(self):
        """A reversed date range would silently match nothing; say so instead."""
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned


def published_tags():
    """Tags on published items, with ``item_count``: what /items/ offers to filter by."""
    return NewsItem.objects.published().used_tags()


class NewsItemFilter(django_filters.FilterSet):
    """Filters that combine (AND); unknown values become form errors, never a server error.

    Expects a ``NewsItem.objects.published()`` queryset, and ``tags``, every tag a reader may
    choose with its count among all published items. The counts are facets: each category's
    and each tag's count is how many items the page would list with it chosen and every other
    filter as it is (``category_counts``, ``tag_counts``, computed in the database);
    ``count`` (the total) is derived from the category counts.
    """

    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput(attrs={"placeholder": "e.g. robot, GPT-3, Wired"}),
        help_text="Words in the title, summary, excerpt or source.",
    )
    category = django_filters.ModelMultipleChoiceFilter(
        label="Categories",
        field_name="category__slug",
        to_field_name="slug",
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        # An item has one category: no duplicate rows to remove, so no SELECT DISTINCT.
        distinct=False,
    )
    # Its choices are the ``tags`` the view lists (see __init__): checked against that list,
    # not by a query of their own.
    tag = django_filters.MultipleChoiceFilter(
        label="Topic tags",
        method="filter_tags",
        widget=forms.CheckboxSelectMultiple,
    )
    match = django_filters.ChoiceFilter(
        label="Items must have",
        choices=[("any", "any of these tags"), ("all", "all of these tags")],
        empty_label=None,
        method="filter_nothing",
        widget=forms.RadioSelect,
    )
    since = django_filters.DateFilter(
        label="Issues from",
        field_name="issue__issue_date",
        lookup_expr="gte",
        widget=DateInput,
    )
    until = django_filters.DateFilter(
        label="Issues until",
        field_name="issue__issue_date",
        lookup_expr="lte",
        widget=DateInput,
    )

    class Meta:
        model = NewsItem
        form = NewsItemFilterForm
        fields = ["q", "category", "tag", "match", "since", "until"]

    def __init__(self, data=None, *args, tags, **kwargs):
        """``tags``: the tags a reader may choose (``published_tags()``, evaluated once)."""
        if data is not None and not data.get("match"):
            data = data.copy()
            data["match"] = "any"
        super().__init__(data, *args, **kwargs)
        self.tags = tags
        self.filters["tag"].extra["choices"] = [(tag.slug, tag.name) for tag in tags]

    def filter_search(self, queryset, name, value):
        """Free-text search through ``NewsItemQuerySet.search``."""
        return queryset.search(value)

    def filter_tags(self, queryset, name, value):
        """Any or all of the chosen tags, as the ``match`` field says."""
        match_all = self.form.cleaned_data.get("match") == "all"
        return queryset.tagged(value, match_all=match_all)

    def filter_nothing(self, queryset, name, value):
        """``match`` only changes how ``tag`` filters."""
        return queryset

    def filter_queryset(self, queryset):
        """Apply every valid filter; keep the results without the category filter and without
        the tag filter, which the facet counts count among."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in FACETS:
                queryset = self.filters[name].filter(queryset, value)
        by_category, by_tag = queryset, queryset
        if "category" in data:
            by_category = self.filters["category"].filter(queryset, data["category"])
        if "tag" in data:
            by_tag = self.filters["tag"].filter(queryset, data["tag"])
        self.without_category = by_tag
        matches = self.filters["tag"].filter(by_category, data["tag"]) if "tag" in data else by_category
        # With "all of these tags", another tag narrows what is shown: count among it.
        # With "any", another tag widens it: count among everything but the tag filter.
        self.without_tags = matches if data.get("match") == "all" else by_category
        return matches

    @cached_property
    def category_counts(self):
        """Every category, with ``item_count`` among ``without_category``."""
        return self.facets[0]

    @cached_property
    def tag_counts(self):
        """The tags to offer, by name, each with ``item_count`` among ``without_tags``. A tag
        no item left has is left out, unless it is chosen (then with 0, to untick it)."""
        return self.facets[1]

    @cached_property
    def facets(self):
        """``(category_counts, tag_counts)``, counted in the database in one query. When only
        tags are chosen (any of them), the tag counts are the ones among every published item,
        which the view passed in: then only the categories are counted."""
        self.qs  # noqa: B018 (filtering sets without_category and without_tags)
        data = self.form.cleaned_data
        chosen = set(data.get("tag") or ())
        categories = Category.objects.with_counts_among(self.without_category).order_by()
        narrowed = any(data.get(name) for name in ("q", "category", "since", "until"))
        if not narrowed and not (chosen and data.get("match") == "all"):
            return list(categories.order_by(*Category._meta.ordering)), self.tags
        columns = ["pk", "slug", "name", "label", "display_order", "colour", "item_count"]
        rows = categories.values_list(Value("category"), *columns).union(
            self.without_tags.used_tags()
            .order_by()
            .values_list(Value("tag"), "pk", "slug", "name", Value(""), Value(0), Value(""), "item_count"),
            all=True,
        )
        category_counts, counted = [], {}
        for kind, pk, slug, name, label, display_order, colour, item_count in rows:
            if kind == "category":
                category = Category(
                    pk=pk, slug=slug, name=name, label=label, display_order=display_order, colour=colour
                )
                category.item_count = item_count
                category_counts.append(category)
            else:
                counted[slug] = item_count
        category_counts.sort(key=lambda category: (category.display_order, category.name))
        tag_counts = []
        for tag in self.tags:
            if tag.slug in counted or tag.slug in chosen:
                tag_counts.append(copy.copy(tag))
                tag_counts[-1].item_count = counted.get(tag.slug, 0)
        return category_counts, tag_counts

    @property
    def count(self):
        """How many items ``qs`` holds, from ``category_counts`` rather than a COUNT query: every
        item has one category, so the counts of the categories the filter kept add up to it.
        """
        kept = {category.slug for category in self.form.cleaned_data.get("category") or ()}
        return sum(c.item_count for c in self.category_counts if not kept or c.slug in kept)

    def active(self):
        """What the reader chose, in the order of the form: ``(label, query string without it)``
        pairs, so each can be shown and removed on its own."""
        data = self.form.cleaned_data
        names = {tag.slug: tag.name for tag in self.tags}
        chosen = []
        if data.get("q"):
            chosen.append(("q", self.data.get("q"), f"“{data['q']}”"))
        for category in data.get("category") or ():
            chosen.append(("category", category.slug, category.name))
        for slug in data.get("tag") or ():
            chosen.append(("tag", slug, f"#{names.get(slug, slug)}"))
        for name, words in (("since", "from"), ("until", "until")):
            if data.get(name):
                chosen.append((name, self.data.get(name), f"{words} {data[name]:%-d %b %Y}"))
        active = []
        for name, value, label in chosen:
            query = self.data.copy()
            query.pop("page", None)
            query.setlist(name, [v for v in query.getlist(name) if v != value])
            active.append((label, query.urlencode()))
        return active

    @property
    def is_filtered(self):
        """Whether the reader asked for anything (so an empty page can offer to clear filters)."""
        return asks_anything(self.data)


def asks_anything(data):
    """Whether a query string asks /items/ for anything (``match`` alone changes nothing)."""
    return any(data.get(name) for name in NewsItemFilter.base_filters if name != "match")
