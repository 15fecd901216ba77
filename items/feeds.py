"""Syndication feeds: every issue (RSS and Atom), and the items of one category or tag.

Everything goes through ``published()``, so drafts and scheduled issues never appear.
Defining ``item_pubdate`` makes Django's Feed set ``Last-Modified`` from the newest entry.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from items.models import Category, NewsItem, WeeklyIssue
from items.querysets import item_lines

FEED_ISSUES = 20
FEED_ITEMS = 50


class IssuesFeed(Feed):
    """The latest published issues, each with its items listed in the description."""

    feed_type = Rss201rev2Feed
    description = "Each week's recap of machine-learning news for the course."

    def title(self):
        return settings.NEWSBOARD_SITE_NAME

    def link(self):
        return reverse("items:issue_list")

    def items(self):
        return (
            WeeklyIssue.objects.published()
            .prefetch_related(item_lines())
            .order_by("-issue_date")[:FEED_ISSUES]
        )

    def item_title(self, issue):
        return f"{issue.title}, {issue.issue_date:%a %-d %b %Y}"

    def item_description(self, issue):
        lines = [f"{item.position}. ({item.category.label}) {item.title}" for item in issue.item_list]
        return "\n".join([issue.introduction, *lines]).strip()

    def item_pubdate(self, issue):
        return issue.published_at

    def item_updateddate(self, issue):
        return max(issue.updated_at, issue.published_at)

    def item_categories(self, issue):
        return sorted({item.category.label for item in issue.item_list})


class IssuesAtomFeed(IssuesFeed):
    feed_type = Atom1Feed
    subtitle = IssuesFeed.description


class ItemsFeed(Feed):
    """Published items of one category or tag, newest issue first. Subclasses pick the items."""

    feed_type = Rss201rev2Feed

    def item_title(self, item):
        return f"({item.category.label}) {item.title}"

    def item_description(self, item):
        return item.summary or item.excerpt or item.title

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.issue.published_at

    def item_categories(self, item):
        return [tag.name for tag in item.tag_list]


class CategoryFeed(ItemsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, category):
        return f"{category.name} · {settings.NEWSBOARD_SITE_NAME}"

    def link(self, category):
        return category.get_absolute_url()

    def description(self, category):
        return category.description or f"Every {category.name} item of the course's weekly recap."

    def items(self, category):
        return NewsItem.objects.published().filter(category=category).for_listing()[:FEED_ITEMS]


class TagFeed(ItemsFeed):
    def get_object(self, request, slug):
        tag = NewsItem.objects.published().used_tags().filter(slug=slug).first()
        if tag is None:
            raise Http404("No published item has that tag.")
        return tag

    def title(self, tag):
        return f"#{tag.name} · {settings.NEWSBOARD_SITE_NAME}"

    def link(self, tag):
        return reverse("items:tag_detail", kwargs={"slug": tag.slug})

    def description(self, tag):
        return f"Every item of the course's weekly recap tagged “{tag.name}”."

    def items(self, tag):
        return NewsItem.objects.published().tagged([tag.slug]).for_listing()[:FEED_ITEMS]
