"""The sitemap: public pages only, all through ``published()``.

Each sitemap lists its objects as a list: a queryset would cost Django's paginator a COUNT too.
"""

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
        return list(WeeklyIssue.objects.published().order_by("-issue_date"))

    def lastmod(self, issue):
        return max(issue.updated_at, issue.published_at)


class NewsItemSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        items = NewsItem.objects.published().select_related("issue")
        return list(items.order_by("-issue__issue_date", "position"))

    def lastmod(self, item):
        return max(item.updated_at, item.issue.published_at)


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return list(
            Category.objects.with_published_counts()
            .filter(item_count__gt=0)
            .order_by("display_order", "name")
        )


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return list(NewsItem.objects.published().used_tags())

    def location(self, tag):
        return reverse("items:tag_detail", kwargs={"slug": tag.slug})


SITEMAPS = {
    "pages": PagesSitemap,
    "issues": IssueSitemap,
    "items": NewsItemSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}
