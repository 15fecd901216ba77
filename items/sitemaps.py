"""The sitemap: public pages only, all through ``published()``."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from items.models import Category, NewsItem, WeeklyIssue


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["items:home", "items:issue_list", "items:item_list", "items:insight_list"]

    def location(self, name):
        return reverse(name)


class IssueSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return WeeklyIssue.objects.published().order_by("-issue_date")

    def lastmod(self, issue):
        return max(issue.updated_at, issue.published_at)


class NewsItemSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return NewsItem.objects.published().select_related("issue").order_by("-issue__issue_date", "position")

    def lastmod(self, item):
        return max(item.updated_at, item.issue.published_at)


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Category.objects.with_published_counts()
            .filter(item_count__gt=0)
            .order_by("display_order", "name")
        )


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return NewsItem.objects.published().used_tags()

    def location(self, tag):
        return reverse("items:tag_detail", kwargs={"slug": tag.slug})


SITEMAPS = {
    "pages": PagesSitemap,
    "issues": IssueSitemap,
    "items": NewsItemSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}
