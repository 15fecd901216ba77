"""WeeklyIssue.listed_item_count, listed_categories and listed_lines: each issue's copy of what
listings and the issues feed show follows every change to its items and their categories
(items/issue_listing.py)."""

import datetime

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse

from items import issue_listing
from items.models import WeeklyIssue
from tests.admin_forms import issue_form, item_form
from tests.factories import CategoryFactory, NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db


def listing(issue):
    issue = WeeklyIssue.objects.get(pk=issue.pk)
    return issue.listed_item_count, issue.listed_categories


def lines(issue):
    return WeeklyIssue.objects.get(pk=issue.pk).listed_lines


@pytest.fixture
def categories():
    return {
        "dl": CategoryFactory(label="DL", name="Deep learning", display_order=1),
        "nlp": CategoryFactory(label="NLP", name="Language", display_order=2),
        "ethics": CategoryFactory(label="Ethics", name="Ethics", display_order=9),
    }


def test_adding_changing_moving_and_deleting_items_keep_the_copy(categories):
    issue, other = WeeklyIssueFactory(), WeeklyIssueFactory()
    assert listing(issue) == (0, [])

    first = NewsItemFactory(issue=issue, position=1, category=categories["ethics"])
    second = NewsItemFactory(issue=issue, position=2, category=categories["dl"])
    NewsItemFactory(issue=issue, position=3, category=categories["ethics"])
    assert listing(issue) == (3, ["DL", "Ethics"])

    second.category = categories["nlp"]
    second.save()
    assert listing(issue) == (3, ["NLP", "Ethics"])

    first.issue, first.position = other, 1
    first.save()
    assert listing(issue) == (2, ["NLP", "Ethics"])
    assert listing(other) == (1, ["Ethics"])

    second.delete()
    assert listing(issue) == (1, ["Ethics"])


def test_the_feed_lines_follow_titles_positions_labels_moves_and_deletions(categories):
    issue, other = WeeklyIssueFactory(), WeeklyIssueFactory()
    first = NewsItemFactory(issue=issue, position=2, category=categories["dl"], title="New GPUs")
    second = NewsItemFactory(issue=issue, position=1, category=categories["nlp"], title="GPT-3 writes")
    assert lines(issue) == [[1, "NLP", "GPT-3 writes"], [2, "DL", "New GPUs"]]

    first.title, first.position = "Cheaper GPUs", 3
    first.save()
    assert lines(issue) == [[1, "NLP", "GPT-3 writes"], [3, "DL", "Cheaper GPUs"]]

    nlp = categories["nlp"]
    nlp.label = "Lang"
    nlp.save()
    assert lines(issue) == [[1, "Lang", "GPT-3 writes"], [3, "DL", "Cheaper GPUs"]]

    second.issue = other
    second.save()
    assert lines(issue) == [[3, "DL", "Cheaper GPUs"]]
    assert lines(other) == [[1, "Lang", "GPT-3 writes"]]

    first.delete()
    assert lines(issue) == []


def test_an_item_renamed_in_the_admin_is_renamed_in_the_issues_feed(instructor_client, client, categories):
    issue = WeeklyIssueFactory(status=WeeklyIssue.Status.PUBLISHED)
    item = NewsItemFactory(issue=issue, position=1, category=categories["dl"], title="Old words")
    feed = reverse("items:issues_feed")
    assert "1. (DL) Old words" in client.get(feed).content.decode()

    data = item_form(issue, categories["dl"], title="New words")
    response = instructor_client.post(reverse("admin:items_newsitem_change", args=[item.pk]), data)
    assert response.status_code == 302

    body = client.get(feed).content.decode()
    assert "1. (DL) New words" in body
    assert "Old words" not in body


def test_a_relabelled_or_reordered_category_reaches_every_issue_with_an_item_in_it(categories):
    issues = [WeeklyIssueFactory() for _ in range(2)]
    for issue in issues:
        NewsItemFactory(issue=issue, position=1, category=categories["ethics"])
        NewsItemFactory(issue=issue, position=2, category=categories["nlp"])
    untouched = WeeklyIssueFactory()
    NewsItemFactory(issue=untouched, category=categories["dl"])

    ethics = categories["ethics"]
    ethics.label, ethics.display_order = "ETH", 0
    ethics.save()
    assert [listing(issue) for issue in issues] == [(2, ["ETH", "NLP"])] * 2
    assert listing(untouched) == (1, ["DL"])


def test_saving_an_issue_loaded_before_a_change_does_not_bring_back_its_old_listing(categories):
    issue = WeeklyIssueFactory()
    loaded_earlier = WeeklyIssue.objects.get(pk=issue.pk)
    NewsItemFactory(issue=issue, category=categories["nlp"])
    loaded_earlier.introduction = "New words"
    loaded_earlier.save()
    assert listing(issue) == (1, ["NLP"])


def test_a_rolled_back_item_leaves_the_copy_as_it_was(categories):
    issue = WeeklyIssueFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        NewsItemFactory(issue=issue, category=categories["nlp"])
        raise RuntimeError
    assert listing(issue) == (0, [])


def test_an_issue_written_in_the_admin_lists_its_items_on_the_archive(instructor_client, client, categories):
    rows = [
        {"position": "1", "category": str(categories["ethics"].pk), "title": "Faces in stadiums", "link": ""},
        {"position": "2", "category": str(categories["dl"].pk), "title": "New GPUs", "link": ""},
    ]
    data = issue_form(issue_date="2020-09-18", status="published", items=rows)
    data.update({"published_at_0": "2020-09-18", "published_at_1": "09:00:00"})
    response = instructor_client.post(reverse("admin:items_weeklyissue_add"), data)
    assert response.status_code == 302
    issue = WeeklyIssue.objects.get()
    assert listing(issue) == (2, ["DL", "Ethics"])

    client.logout()
    WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 25))  # newer, so the home page lists ours
    for url in (reverse("items:issue_list"), reverse("items:home")):
        html = client.get(url).content.decode()
        assert '<span class="count">2 items</span>' in html, url
        assert '<span class="badge">DL</span><span class="badge">Ethics</span>' in html, url


def test_refresh_all_and_the_migration_rebuild_copies_from_the_items(categories):
    issues = [WeeklyIssueFactory() for _ in range(3)]
    for n, issue in enumerate(issues):
        for position in range(1, n + 2):
            NewsItemFactory(issue=issue, position=position, category=categories["nlp"])
    expected = [listing(issue) for issue in issues]
    assert expected == [(1, ["NLP"]), (2, ["NLP"]), (3, ["NLP"])]
    expected_lines = [lines(issue) for issue in issues]
    assert [[position for position, _, _ in found] for found in expected_lines] == [[1], [1, 2], [1, 2, 3]]

    WeeklyIssue.objects.update(listed_item_count=0, listed_categories=[], listed_lines=[])
    issue_listing.refresh_all(batch=2)
    assert [listing(issue) for issue in issues] == expected
    assert [lines(issue) for issue in issues] == expected_lines

    WeeklyIssue.objects.update(listed_item_count=0, listed_categories=[], listed_lines=[])
    migration = __import__("items.migrations.0006_issue_listing", fromlist=["copy_listing"])
    migration.copy_listing(apps, None)
    assert [listing(issue) for issue in issues] == expected
    migration = __import__("items.migrations.0007_issue_listed_lines", fromlist=["copy_lines"])
    migration.copy_lines(apps, None)
    assert [lines(issue) for issue in issues] == expected_lines
