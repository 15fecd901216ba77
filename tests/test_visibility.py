"""The visibility matrix: anonymous readers, students and instructors over drafts and scheduled
issues, for every board page and feed. Listings and feeds show published content only, to
everyone; only an instructor may open a draft's own page (tested in test_views_issues)."""

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "student", "instructor"]
STATES = ["draft", "scheduled"]


@pytest.fixture
def hidden_item(request):
    """A published item, plus an unpublished one sharing its category and tag."""
    category = CategoryFactory(slug="vision", label="Vision")
    NewsItemFactory(category=category, title="Public item", tags=["shared"])
    state = request.param
    issue = WeeklyIssueFactory(**{state: True})
    return NewsItemFactory(
        issue=issue,
        category=category,
        title=f"Hidden {state} zebra",
        summary="zebra",
        tags=["shared", f"only-{state}"],
    )


def login(client, who, student, instructor):
    if who != "anonymous":
        client.force_login(student if who == "student" else instructor)


LISTINGS = [
    reverse("items:home"),
    reverse("items:issue_list"),
    reverse("items:item_list"),
    reverse("items:item_list") + "?q=zebra",
    reverse("items:search") + "?q=zebra",
    reverse("items:item_list") + "?tag=shared",
    reverse("items:item_list") + "?category=vision",
    reverse("items:category_detail", kwargs={"slug": "vision"}),
    reverse("items:tag_detail", kwargs={"slug": "shared"}),
    reverse("items:insight_list"),
    reverse("items:issues_feed"),
    reverse("items:issues_atom_feed"),
    reverse("items:category_feed", kwargs={"slug": "vision"}),
    reverse("items:tag_feed", kwargs={"slug": "shared"}),
    "/sitemap.xml",
]


@pytest.mark.parametrize("hidden_item", STATES, indirect=True)
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url", LISTINGS)
def test_listings_and_feeds_show_only_published_items(client, student, instructor, hidden_item, who, url):
    login(client, who, student, instructor)
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Hidden" not in content
    assert hidden_item.get_absolute_url() not in content
    assert hidden_item.issue.get_absolute_url() not in content


@pytest.mark.parametrize("hidden_item", STATES, indirect=True)
@pytest.mark.parametrize("who", WHO)
def test_tags_only_on_unpublished_items_stay_hidden(client, student, instructor, hidden_item, who):
    login(client, who, student, instructor)
    slug = next(tag.slug for tag in hidden_item.tags.all() if tag.slug.startswith("only-"))
    assert client.get(reverse("items:tag_detail", kwargs={"slug": slug})).status_code == 404
    assert client.get(reverse("items:tag_feed", kwargs={"slug": slug})).status_code == 404
    response = client.get(reverse("items:item_list") + f"?tag={slug}")
    assert "tag" in response.context["filter"].form.errors
    counts = {c.slug: c.item_count for c in response.context["category_counts"]}
    assert counts["vision"] == 1


@pytest.mark.parametrize("hidden_item", STATES, indirect=True)
@pytest.mark.parametrize(("who", "status"), [("anonymous", 404), ("student", 404), ("instructor", 200)])
def test_only_instructors_open_an_unpublished_item(client, student, instructor, hidden_item, who, status):
    login(client, who, student, instructor)
    assert client.get(hidden_item.get_absolute_url()).status_code == status
    assert client.get(hidden_item.issue.get_absolute_url()).status_code == status


@pytest.fixture
def published_content():
    from tests.factories import DiscussionFactory

    item = NewsItemFactory(category=CategoryFactory(slug="vision", label="Vision"), tags=["shared"])
    discussion = DiscussionFactory(issue=item.issue)
    return {
        "items:home": reverse("items:home"),
        "items:issue_list": reverse("items:issue_list"),
        "items:issue_detail": item.issue.get_absolute_url(),
        "items:item_list": reverse("items:item_list"),
        "items:item_detail": item.get_absolute_url(),
        "items:category_detail": item.category.get_absolute_url(),
        "items:category_feed": reverse("items:category_feed", kwargs={"slug": "vision"}),
        "items:tag_detail": reverse("items:tag_detail", kwargs={"slug": "shared"}),
        "items:tag_feed": reverse("items:tag_feed", kwargs={"slug": "shared"}),
        "items:insight_list": reverse("items:insight_list"),
        "items:issues_feed": reverse("items:issues_feed"),
        "items:issues_atom_feed": reverse("items:issues_atom_feed"),
        "items:discussion_detail": discussion.get_absolute_url(),
        "sitemap": reverse("sitemap"),
        "robots": reverse("robots"),
    }


@pytest.mark.parametrize("who", WHO)
def test_every_public_page_opens_for_everyone(client, student, instructor, published_content, who):
    login(client, who, student, instructor)
    for name, url in published_content.items():
        assert client.get(url).status_code == 200, name
