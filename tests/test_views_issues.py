"""Issue pages and who sees drafts and scheduled issues."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issues():
    return {
        "public": WeeklyIssueFactory(),
        "draft": WeeklyIssueFactory(draft=True),
        "scheduled": WeeklyIssueFactory(scheduled=True),
    }


@pytest.mark.parametrize("who", ["anonymous", "student"])
@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_readers_never_see_unpublished_issues(client, student, issues, who, state):
    if who == "student":
        client.force_login(student)
    issue = issues[state]
    item = NewsItemFactory(issue=issue, title=f"Secret {state} item")
    assert client.get(issue.get_absolute_url()).status_code == 404
    assert client.get(item.get_absolute_url()).status_code == 404
    for url in [reverse("items:home"), reverse("items:issue_list"), item.category.get_absolute_url()]:
        assert f"Secret {state} item" not in client.get(url).content.decode()


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_instructors_preview_unpublished_issues_with_a_warning(instructor_client, issues, state):
    issue = issues[state]
    item = NewsItemFactory(issue=issue)
    response = instructor_client.get(issue.get_absolute_url())
    assert response.status_code == 200
    assert "only instructors can see this" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    assert instructor_client.get(item.get_absolute_url()).status_code == 200
    # Staff preview does not leak into public listings.
    assert item.title not in instructor_client.get(reverse("items:issue_list")).content.decode()


def test_public_issue_is_visible_to_everyone(client, issues):
    NewsItemFactory(issue=issues["public"], title="Visible item")
    response = client.get(issues["public"].get_absolute_url())
    assert response.status_code == 200
    assert "Visible item" in response.content.decode()
    assert "only instructors" not in response.content.decode()


@pytest.mark.parametrize("slug", ["2020-13-45", "2020-02-30", "1999-01-01"])
def test_malformed_or_unknown_dates_are_404(client, slug):
    assert client.get(f"/issues/{slug}/").status_code == 404


def test_item_url_with_old_slug_redirects_to_the_current_one(client):
    item = NewsItemFactory(title="New title")
    response = client.get(reverse("items:item_detail", kwargs={"pk": item.pk, "slug": "old-title"}))
    assert response.status_code == 301 and response["Location"] == item.get_absolute_url()


def test_archive_and_recent_issues_are_newest_first(client):
    for day in (2, 16, 9):
        WeeklyIssueFactory(issue_date=datetime.date(2019, 10, day))
    issues = client.get(reverse("items:issue_list")).context["issues"]
    assert [issue.issue_date.day for issue in issues] == [16, 9, 2]
    recent = client.get(reverse("items:home")).context["recent_issues"]
    assert [issue.issue_date.day for issue in recent] == [9, 2]


def test_listings_show_each_issue_s_item_count_and_categories_once_in_display_order(client):
    ethics = CategoryFactory(label="Ethics", display_order=9)
    dl = CategoryFactory(label="DL", display_order=1)
    nlp = CategoryFactory(label="NLP", display_order=2)
    older = WeeklyIssueFactory(issue_date=datetime.date(2020, 11, 27))
    for position, category in enumerate([ethics, dl, ethics, nlp], start=1):
        NewsItemFactory(issue=older, position=position, category=category)
    NewsItemFactory(issue=WeeklyIssueFactory(issue_date=datetime.date(2020, 12, 4)), category=nlp)
    WeeklyIssueFactory(issue_date=datetime.date(2020, 11, 20))  # no items yet

    for url in [reverse("items:issue_list"), reverse("items:home")]:
        html = client.get(url).content.decode()
        rows = re.findall(r'<span class="categories">(.*?)</span>\s*</li>', html, re.S)
        badges = [re.findall(r'<span class="badge">(\w+)</span>', row) for row in rows]
        counts = re.findall(r'<span class="count">(\d+ items?)</span>', html)
        expected = [["NLP"], ["DL", "NLP", "Ethics"], []]
        expected_counts = ["1 item", "4 items", "0 items"]
        if url == reverse("items:home"):  # the newest issue is shown in full above the list
            expected, expected_counts = expected[1:], expected_counts[1:]
        assert badges == expected and counts == expected_counts, url


def test_an_issue_links_to_the_published_issues_either_side(client, instructor_client):
    def issue_on(day, **kwargs):
        return WeeklyIssueFactory(issue_date=datetime.date(2020, 9, day), **kwargs)

    first, draft, middle, scheduled, last = (
        issue_on(4),
        issue_on(11, draft=True),
        issue_on(18),
        issue_on(25, scheduled=True),
        issue_on(30),
    )

    def neighbours(page_client, issue):
        html = page_client.get(issue.get_absolute_url()).content.decode()
        return re.findall(r'<a rel="(prev|next)" href="([^"]+)">([^<]+)</a>', html)

    assert neighbours(client, first) == [("next", "/issues/2020-09-18/", "Next: Fri 18 Sep 2020 →")]
    assert neighbours(client, middle) == [
        ("prev", "/issues/2020-09-04/", "← Previous: Fri 4 Sep 2020"),
        ("next", "/issues/2020-09-30/", "Next: Wed 30 Sep 2020 →"),
    ]
    assert neighbours(client, last) == [("prev", "/issues/2020-09-18/", "← Previous: Fri 18 Sep 2020")]
    # An instructor previewing a draft sees its published neighbours, never another draft.
    assert [rel for rel, url, text in neighbours(instructor_client, draft)] == ["prev", "next"]
    assert neighbours(instructor_client, draft)[1][1] == middle.get_absolute_url()
    assert scheduled.get_absolute_url() not in str(neighbours(instructor_client, middle))


def test_an_issue_page_describes_itself_with_its_titles_in_order(client):
    issue = WeeklyIssueFactory(issue_date=datetime.date(2020, 10, 2))
    for position, title in [(2, 'A "quoted" <title>'), (1, "First story")]:
        NewsItemFactory(issue=issue, position=position, title=title)
    html = client.get(issue.get_absolute_url()).content.decode()
    titles = "First story; A &quot;quoted&quot; &lt;title&gt;"
    assert f'<meta name="description" content="ML Weekly for Fri 2 Oct 2020: {titles}">' in html
    assert f'<meta property="og:description" content="2 items: {titles}">' in html
