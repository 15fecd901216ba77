"""Every listing and detail page runs a fixed number of queries, at the demo's size and at 10x.

The bounds are the same for both sizes: a page whose count grows with the data fails here.
"""

import datetime
import io
import itertools
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from items.models import BoardVisit, NewsItem, WeeklyIssue
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    DiscussionFactory,
    InsightFactory,
    MediaFactory,
    NewsItemFactory,
    UserFactory,
    WeeklyIssueFactory,
)

pytestmark = pytest.mark.django_db

# Page name → the most queries it may run for a reader whose shared fragments are not cached
# yet (any amount of data), each bound counting the versions' query. A signed-in reader's
# request reads their session and account too.
BOUNDS = {
    # The issues, the latest one's items, their tags and media, the recent issues' items.
    "home": 6,
    # The count, the page of issues (with item counts), their items (for category labels).
    "issue_list": 4,
    # The issue (with its discussion), its items, their tags and media, its neighbours' dates.
    "issue_detail": 6,
    # The tag list, the category counts, the page of items and their tags.
    "item_list": 5,
    "item_list_filtered": 6,
    "category_detail": 5,
    "tag_detail": 5,
    # The item (with issue, category, discussion and its neighbours in the issue), its tags, its
    # media, its insights, its related items, its discussion's comments (shown inline).
    "item_detail": 7,
    "insight_list": 3,
    # The board's version, the discussion, its version, the thread's rows.
    "discussion_detail": 4,
    "issues_feed": 3,
    "issues_atom_feed": 3,
    "category_feed": 4,
    "tag_feed": 4,
    "sitemap": 5,
    # The issue, its items, their tags and media, its discussion (or the open one).
    "issue_present": 6,
}
SIGNED_IN_QUERIES = 2
# A student's own part of a page, beyond their session and account: on a discussion, their
# helpful marks and last visit (one query) and this visit recorded; on the archive, their
# progress on the page's weeks (with which are new since their last visit to the board). Their
# board visit comes with their account; the home page's issues are read once for the shared
# fragment and their "new" line, and an issue's items once for the fragment and the checklist.
READER_QUERIES = {"discussion_detail": 2, "issue_list": 1}
# No page, for any reader, runs more than this; but an item's page for a signed-in reader when
# both the page's fragments and its discussion's thread (shared with the discussion's own page,
# drawn once per comment for everyone) are cold: one more, the thread's rows.
MOST = 8
MOST_EXCEPT = {"item_detail": 9}


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
    discussion = DiscussionFactory(slug="open-discussion")
    CommentFactory.create_batch(30, discussion=discussion)
    items = list(NewsItem.objects.all()[:40])
    for number in range(1, 5):
        InsightFactory(number=number).evidence.set(items[number * 5 : number * 5 + 10])


def page_urls():
    """One URL per page, chosen from what is in the database."""
    issue = WeeklyIssue.objects.published().order_by("-issue_date")[1]
    item = NewsItem.objects.published().filter(tags__isnull=False).order_by("-pk").first()
    if not hasattr(item, "discussion"):
        # The item page shows its discussion's comments inline: give it some.
        CommentFactory.create_batch(12, discussion=DiscussionFactory(item=item, slug=f"item-{item.pk}"))
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
        "discussion_detail": reverse("items:discussion_detail", kwargs={"slug": "open-discussion"}),
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
    student = UserFactory()
    # On the board a moment ago, with issues new to them: pages read the visit with the account and
    # write it at most every few minutes (tests/test_board_visits.py), so not on these requests.
    now = timezone.now()
    BoardVisit.objects.create(student=student, last_seen_at=now, new_since=now - datetime.timedelta(days=2))
    signed_in = Client()
    signed_in.force_login(student)
    for name, url in page_urls().items():
        signed_in_bound = BOUNDS[name] + SIGNED_IN_QUERIES + READER_QUERIES.get(name, 0)
        for reader, bound in ((client, BOUNDS[name]), (signed_in, signed_in_bound)):
            assert bound <= MOST_EXCEPT.get(name, MOST), name
            cache.clear()  # drawn from nothing: the most a page ever runs
            if reader is signed_in:
                # The reader's session stays cached (cached_db with Redis): not the page's work.
                reader.session.load()
            with django_assert_max_num_queries(bound, info=name):
                response = reader.get(url)
            assert response.status_code == 200, (name, url)
            with django_assert_max_num_queries(bound, info=f"{name}, its fragments cached"):
                reader.get(url)
        if name == "item_list_filtered":
            assert 'class="item-title"' in response.content.decode(), "the filtered page should find the item"
