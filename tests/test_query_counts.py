"""Every listing and detail page runs a fixed number of queries, at the demo's size and at 10x.

The bounds are the same for both sizes: a page whose count grows with the data fails here.
"""

import datetime
import io
import itertools
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from items.models import NewsItem, WeeklyIssue
from tests.factories import (
    CategoryFactory,
    InsightFactory,
    MediaFactory,
    NewsItemFactory,
    WeeklyIssueFactory,
)

pytestmark = pytest.mark.django_db

# Page name → the most queries it may run (anonymous reader, any amount of data).
BOUNDS = {
    # The issues (with item counts), the latest one's items, their tags and media, and the
    # recent issues' items (for their category labels).
    "home": 5,
    # The count, the page of issues (with item counts), their items (for category labels).
    "issue_list": 3,
    # The issue, its items, their tags and media, and its previous and next published dates
    # (neighbour_dates).
    "issue_detail": 6,
    # With the page cache off, /items/ reads the content version itself: its tag list is
    # kept under it for every filter (the first /items/ of a version counts the tags). Then
    # the category counts, the page of items and their tags.
    "item_list": 5,
    "item_list_filtered": 5,
    "category_detail": 4,
    "tag_detail": 4,
    # The item (with issue, category and discussion), its tags, its media, its insights.
    "item_detail": 4,
    "insight_list": 2,
    # The issues, then their items (with categories) for each issue's lines.
    "issues_feed": 2,
    "issues_atom_feed": 2,
    # The category or tag, the items, their tags.
    "category_feed": 3,
    "tag_feed": 3,
    "sitemap": 8,
    # The issue, its items, their tags and media, the two discussions (its own, the open one).
    "issue_present": 6,
}


def build_ten_times_the_demo():
    """80 issues, 400 items, 60 tags, some media and insights, built with factories."""
    categories = [CategoryFactory(label=f"Cat{n}", slug=f"cat{n}") for n in range(8)]
    tags = [f"topic-{n}" for n in range(60)]
    tag_cycle = itertools.cycle(tags)
    start = datetime.date(2012, 1, 6)
    for week in range(80):
        issue = WeeklyIssueFactory(issue_date=start + datetime.timedelta(weeks=week))
        for position in range(1, 6):
            item = NewsItemFactory(
                issue=issue,
                position=position,
                category=categories[(week + position) % 8],
                summary="Robots and language models.",
                tags=[next(tag_cycle) for _ in range(3)],
            )
            if position == 1:
                MediaFactory(item=item, image="", external_url="https://example.org/picture.png", position=1)
    items = list(NewsItem.objects.all()[:40])
    for number in range(1, 5):
        InsightFactory(number=number).evidence.set(items[number * 5 : number * 5 + 10])


def page_urls():
    """One URL per page, chosen from what is in the database."""
    issue = WeeklyIssue.objects.published().order_by("-issue_date")[1]
    item = NewsItem.objects.published().filter(tags__isnull=False).order_by("-pk").first()
    tag = item.tags.first()
    category = item.category
    word = max(re.findall(r"\w+", item.title), key=len)
    filtered = f"?category={category.slug}&tag={tag.slug}&match=any&q={word}&since=2000-01-01&page=1"
    return {
        "home": reverse("items:home"),
        "issue_list": reverse("items:issue_list"),
        "issue_detail": issue.get_absolute_url(),
        "item_list": reverse("items:item_list"),
        "item_list_filtered": reverse("items:item_list") + filtered,
        "category_detail": category.get_absolute_url(),
        "tag_detail": reverse("items:tag_detail", kwargs={"slug": tag.slug}),
        "item_detail": item.get_absolute_url(),
        "insight_list": reverse("items:insight_list"),
        "issues_feed": reverse("items:issues_feed"),
        "issues_atom_feed": reverse("items:issues_atom_feed"),
        "category_feed": reverse("items:category_feed", kwargs={"slug": category.slug}),
        "tag_feed": reverse("items:tag_feed", kwargs={"slug": tag.slug}),
        "sitemap": "/sitemap.xml",
        "issue_present": reverse("items:issue_present", kwargs={"slug": issue.slug}),
    }


@pytest.mark.parametrize("size", ["demo", "10x"])
def test_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, settings, size):
    # The pages' own queries: the anonymous page cache would hide them after the first hit.
    settings.NEWSBOARD_PAGE_CACHE_SECONDS = 0
    if size == "demo":
        call_command("load_demo", stdout=io.StringIO())
    else:
        build_ten_times_the_demo()
    for name, url in page_urls().items():
        with django_assert_max_num_queries(BOUNDS[name], info=name):
            response = client.get(url)
        assert response.status_code == 200, (name, url)
        if name == "item_list_filtered":
            assert response.context["page_obj"].object_list, "the filtered page should find the item"
