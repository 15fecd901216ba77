"""Syndication feeds: every issue (RSS and Atom), the items of one category or tag, the
insights, and each discussion's comments. Each names an XSLT stylesheet, so a browser shows a
readable page inviting the reader to copy the address into a feed reader.

Everything goes through ``published()``, so drafts and scheduled issues never appear.
Defining ``item_pubdate`` makes Django's Feed set ``Last-Modified`` from the newest entry.
"""

import io

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from items.caching import discussion_key, page_versions
from items.models import Category, Comment, Discussion, Insight, NewsItem, WeeklyIssue
from items.querysets import item_lines
from items.services import ANONYMOUS_NAME, display_name

FEED_ISSUES = 20
FEED_ITEMS = 50


class StyledFeedMixin:
    """A feed that names an XSLT stylesheet, so a browser shows a readable page ("copy this
    address into your reader") while feed readers read the XML as before."""

    def write(self, outfile, encoding):
        xml = io.StringIO()
        super().write(xml, encoding)
        xml = xml.getvalue()
        end = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
        instruction = f'<?xml-stylesheet type="text/xsl" href="{escape(reverse("items:feed_stylesheet"))}"?>'
        outfile.write(f"{xml[:end]}\n{instruction}{xml[end:]}")


# Served as XML rather than application/rss+xml or atom+xml: browsers show those as text, and
# apply a stylesheet only to XML. Feed readers read the document, whatever its type.
class StyledRssFeed(StyledFeedMixin, Rss201rev2Feed):
    content_type = "application/xml; charset=utf-8"


class StyledAtomFeed(StyledFeedMixin, Atom1Feed):
    content_type = "application/xml; charset=utf-8"


def feed_stylesheet(request):
    """The XSLT stylesheet every feed names. Template: ``feeds/feed.xsl``."""
    return render(request, "feeds/feed.xsl", content_type="text/xsl; charset=utf-8")


class IssuesFeed(Feed):
    """The latest published issues, each with its items listed in the description."""

    feed_type = StyledRssFeed
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
    feed_type = StyledAtomFeed
    subtitle = IssuesFeed.description


class ItemsFeed(Feed):
    """Published items of one category or tag, newest issue first. Subclasses pick the items."""

    feed_type = StyledRssFeed

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


class InsightsFeed(Feed):
    """The published insights, newest number first."""

    feed_type = StyledRssFeed
    description = "The course's insights: what the weeks' news add up to."

    def title(self):
        return f"Insights · {settings.NEWSBOARD_SITE_NAME}"

    def link(self):
        return reverse("items:insight_list")

    # Rendered with autoescaping: the body, whom it credits and the link to the comment it grew from.
    description_template = "items/feeds/insight_description.html"

    def items(self):
        return Insight.objects.published().with_source().order_by("-number")[:FEED_ITEMS]

    def item_title(self, insight):
        return f"Insight {insight.number}: {insight.headline}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = kwargs["item"].source_url
        # Absolute, as a feed reader needs it.
        context["source_url"] = kwargs["request"].build_absolute_uri(source) if source else ""
        return context


class CommentsFeed(Feed):
    """One discussion's visible comments, newest first: what its page shows anyone, and no more
    (no email address, no hidden, pending or deleted comment)."""

    feed_type = StyledRssFeed

    def get_object(self, request, slug):
        discussion = get_object_or_404(Discussion.objects.published(), slug=slug)
        # Cached with the discussion's version: a new comment shows on the very next request.
        page_versions(request, discussion_key(discussion.pk))
        request.same_for_everyone = True
        return discussion

    def title(self, discussion):
        return f"Comments on “{discussion.title}” · {settings.NEWSBOARD_SITE_NAME}"

    def link(self, discussion):
        return discussion.get_absolute_url()

    def description(self, discussion):
        return discussion.prompt

    def items(self, discussion):
        return (
            discussion.comments.filter(status=Comment.Status.VISIBLE)
            .select_related("author__profile")
            .order_by("-created_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, comment):
        return f"{comment_author(comment)} on “{comment.discussion.title}”"

    def item_description(self, comment):
        return comment.body_html

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_pubdate(self, comment):
        return comment.created_at

    def item_author_name(self, comment):
        return comment_author(comment)


def comment_author(comment):
    """The name a discussion page shows a classmate for a comment's author: "Anonymous student"
    for a comment posted anonymously (a feed is public, so never the name behind it)."""
    return display_name(comment.author) if not comment.is_anonymous else ANONYMOUS_NAME
