"""Issue pages and who sees drafts and scheduled issues."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from items.models import Media, NewsItem, WeeklyIssue
from tests.admin_forms import issue_form, item_form, media_row
from tests.factories import CategoryFactory, MediaFactory, NewsItemFactory, WeeklyIssueFactory, png_upload

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
        rows = re.findall(r'<span class="categories"[^>]*>(.*?)</span>\s*</li>', html, re.S)
        badges = [re.findall(r'<span class="badge badge-\w+"[^>]*>(\w+) \d+</span>', row) for row in rows]
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


def shown_tags(html):
    return re.findall(r'<a href="/items/\?tag=[^"]+">#([^<]+)</a>', html)


def shown_captions(html):
    """The captions of the items' media, in the order drawn."""
    figures = re.findall(r'<figure class="media .*?</figure>', html, re.S)
    caption = r'<figcaption>\s*(?:<span class="subfigure">[^<]*</span>)?\s*(.*?)\s*(?:<span|</figcaption>)'
    return [re.search(caption, figure, re.S).group(1) for figure in figures]


def test_every_page_of_an_item_shows_its_tags_by_name_and_its_media_in_position_order(client):
    issue = WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 18))
    item = NewsItemFactory(issue=issue, position=1)
    item.tags.add("vision")
    item.tags.add("robots", "gpus")
    MediaFactory(item=item, position=2, caption="Second picture", subfigure_label="(b)", credit="b")
    MediaFactory(
        item=item,
        position=1,
        image="",
        external_url="https://example.org/chart.png",
        kind="chart",
        alt_text='A chart of "GPU" prices & sales',
        caption="First picture",
        subfigure_label="(a)",
        credit="example.org",
        licence="CC-BY",
        licence_url="https://creativecommons.org/licenses/by/2.0/",
    )
    cards = [reverse("items:home"), issue.get_absolute_url(), item.get_absolute_url()]
    present = reverse("items:issue_present", kwargs={"slug": issue.slug})
    for url in [*cards, present]:  # present mode shows the pictures, not the tags
        html = client.get(url).content.decode()
        assert shown_captions(html) == ["First picture", "Second picture"], url
        assert "Chart: A chart of &quot;GPU&quot; prices &amp; sales" in html, url
        assert "/media/thumbs/" in html and 'srcset="' in html, url  # the thumbnails, not the upload
    rows = [reverse("items:item_list"), reverse("items:tag_detail", kwargs={"slug": "gpus"})]
    for url in [*cards, *rows, item.category.get_absolute_url()]:
        assert shown_tags(client.get(url).content.decode()) == ["gpus", "robots", "vision"], url


def test_tags_changed_in_the_admin_show_at_once_on_the_issue_page(instructor_client):
    reader = Client()
    issue = WeeklyIssueFactory()
    item = NewsItemFactory(issue=issue, position=1, tags=["old-tag"])
    assert shown_tags(reader.get(issue.get_absolute_url()).content.decode()) == ["old-tag"]

    data = item_form(issue, item.category, title=item.title, link=item.link, tags="hardware, gpus")
    response = instructor_client.post(reverse("admin:items_newsitem_change", args=[item.pk]), data)
    assert response.status_code == 302
    assert shown_tags(reader.get(issue.get_absolute_url()).content.decode()) == ["gpus", "hardware"]


def test_media_added_reordered_and_removed_in_the_admin_show_at_once_on_the_issue_page(instructor_client):
    reader = Client()
    issue = WeeklyIssueFactory(status=WeeklyIssue.Status.PUBLISHED)
    item = NewsItemFactory(issue=issue, position=1)
    assert "<figure" not in reader.get(issue.get_absolute_url()).content.decode()
    picture = media_row(
        png_upload(),
        alt_text="A graphics card",
        caption="RTX 3080",
        subfigure_label="(a)",
        credit="stevekc",
        licence="CC-BY-NC",
    )
    data = item_form(issue, item.category, title=item.title, link=item.link, media=[picture])
    change = reverse("admin:items_newsitem_change", args=[item.pk])
    assert instructor_client.post(change, data).status_code == 302

    page = reader.get(issue.get_absolute_url()).content.decode()
    medium = Media.objects.get()
    assert 'alt="A graphics card"' in page and "RTX 3080" in page
    assert medium.thumbnail.url in page and medium.image.url in page

    MediaFactory(item=item, position=2, caption="Another picture", credit="me")
    assert shown_captions(reader.get(issue.get_absolute_url()).content.decode()) == [
        "RTX 3080",
        "Another picture",
    ]
    medium.position = 3
    medium.save()
    assert shown_captions(reader.get(issue.get_absolute_url()).content.decode()) == [
        "Another picture",
        "RTX 3080",
    ]

    Media.objects.exclude(pk=medium.pk).delete()
    removal = dict(picture, id=str(medium.pk), item=str(item.pk), DELETE="on", image="", position="3")
    data = item_form(issue, item.category, title=item.title, link=item.link, media=[removal], initial_media=1)
    assert instructor_client.post(change, data).status_code == 302
    assert not Media.objects.exists()
    page = reader.get(issue.get_absolute_url()).content.decode()
    assert "RTX 3080" not in page and "A graphics card" not in page


def test_rows_written_without_save_signals_show_on_the_first_page_drawn_after(client):
    """What a bulk_create, an .update() or loaddata writes shows as any other change does:
    pages read the rows themselves (issue 17: no display copy to leave stale)."""
    dl = CategoryFactory(label="DL", display_order=1)
    older = WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 11))
    NewsItemFactory(issue=older, position=1, category=dl)
    issue = WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 18))
    (item,) = NewsItem.objects.bulk_create(
        [NewsItem(issue=older, position=2, category=dl, title="Bulk item", slug="bulk-item")]
    )
    NewsItem.objects.filter(pk=item.pk).update(issue=issue, position=1, title="Moved and renamed")
    tag = Tag.objects.create(name="bulk-tag", slug="bulk-tag")
    TaggedItem.objects.bulk_create(
        [TaggedItem(tag=tag, content_type=ContentType.objects.get_for_model(NewsItem), object_id=item.pk)]
    )
    Media.objects.bulk_create(
        [Media(item=item, position=1, external_url="https://example.org/p.png", alt_text="Bulk picture")]
    )

    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Moved and renamed" in page and "#bulk-tag" in page and "Bulk picture" in page
    home = client.get(reverse("items:home")).content.decode()
    assert "Moved and renamed" in home and '<span class="count">1 item</span>' in home
    feed = client.get(reverse("items:issues_feed")).content.decode()
    assert "1. (DL) Moved and renamed" in feed


@pytest.fixture
def categories():
    return {
        "dl": CategoryFactory(label="DL", name="Deep learning", display_order=1),
        "nlp": CategoryFactory(label="NLP", name="Language", display_order=2),
        "ethics": CategoryFactory(label="Ethics", name="Ethics", display_order=9),
    }


def archive_rows(client):
    """{issue date: (its count, its category badges)} as the archive lists them."""
    html = client.get(reverse("items:issue_list")).content.decode()
    rows = re.findall(
        r'href="/issues/([\d-]+)/">.*?<span class="count">(\d+) items?</span>\s*'
        r'<span class="categories"[^>]*>(.*?)</span>\s*</li>',
        html,
        re.S,
    )
    return {
        date: (int(count), re.findall(r'class="badge badge-\w+"[^>]*>(\w+) \d+<', badges))
        for date, count, badges in rows
    }


def test_the_archive_follows_items_changed_moved_and_deleted_and_categories_relabelled(client, categories):
    issue = WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 18))
    other = WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 25))
    first = NewsItemFactory(issue=issue, position=1, category=categories["ethics"])
    second = NewsItemFactory(issue=issue, position=2, category=categories["dl"])
    NewsItemFactory(issue=issue, position=3, category=categories["ethics"])
    assert archive_rows(client) == {"2020-09-25": (0, []), "2020-09-18": (3, ["DL", "Ethics"])}

    second.category = categories["nlp"]
    second.save()
    first.issue, first.position = other, 1
    first.save()
    assert archive_rows(client) == {"2020-09-25": (1, ["Ethics"]), "2020-09-18": (2, ["NLP", "Ethics"])}

    ethics = categories["ethics"]
    ethics.label, ethics.display_order = "ETH", 0
    ethics.save()
    assert archive_rows(client) == {"2020-09-25": (1, ["ETH"]), "2020-09-18": (2, ["ETH", "NLP"])}

    second.delete()
    assert archive_rows(client) == {"2020-09-25": (1, ["ETH"]), "2020-09-18": (1, ["ETH"])}


def test_an_issue_written_in_the_admin_lists_its_items_on_the_archive_and_home(instructor_client, categories):
    rows = [
        {"position": "1", "category": str(categories["ethics"].pk), "title": "Faces in stadiums", "link": ""},
        {"position": "2", "category": str(categories["dl"].pk), "title": "New GPUs", "link": ""},
    ]
    data = issue_form(issue_date="2020-09-18", status="published", items=rows)
    data.update({"published_at_0": "2020-09-18", "published_at_1": "09:00:00"})
    response = instructor_client.post(reverse("admin:items_weeklyissue_add"), data)
    assert response.status_code == 302

    reader = Client()
    WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 25))  # newer, so the home page lists ours
    for url in (reverse("items:issue_list"), reverse("items:home")):
        html = reader.get(url).content.decode()
        assert '<span class="count">2 items</span>' in html, url
        badge = r'<span class="badge badge-\w+"[^>]*>'
        assert re.search(rf"{badge}DL 1</span>{badge}Ethics 1</span>", html), url
