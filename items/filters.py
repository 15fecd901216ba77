"""The FilterSet behind /items/: categories, topic tags, an issue date range and search."""

import django_filters
from django import forms
from django.utils.functional import cached_property

from items.models import Category, NewsItem

SEARCH_MAX_LENGTH = 200


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

    Expects a ``NewsItem.objects.published()`` queryset. After ``qs`` is read,
    ``without_category`` holds the items matching every filter but the category one,
    which is what ``category_counts`` counts; ``count`` (the total) is derived from those.
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
        """Apply every valid filter; keep the result before the category filter for counts."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "category":
                queryset = self.filters[name].filter(queryset, value)
        self.without_category = queryset
        if "category" in data:
            queryset = self.filters["category"].filter(queryset, data["category"])
        return queryset

    @cached_property
    def category_counts(self):
        """Every category, with ``item_count`` among ``without_category``, in one query."""
        self.qs  # noqa: B018 (filtering sets without_category)
        return list(Category.objects.with_counts_among(self.without_category))

    @property
    def count(self):
        """How many items ``qs`` holds, from ``category_counts`` rather than a COUNT query: every
        item has one category, so the counts of the categories the filter kept add up to it.
        """
        kept = {category.slug for category in self.form.cleaned_data.get("category") or ()}
        return sum(c.item_count for c in self.category_counts if not kept or c.slug in kept)

    @property
    def is_filtered(self):
        """Whether the reader asked for anything (so an empty page can offer to clear filters)."""
        return asks_anything(self.data)


def asks_anything(data):
    """Whether a query string asks /items/ for anything (``match`` alone changes nothing)."""
    return any(data.get(name) for name in NewsItemFilter.base_filters if name != "match")
