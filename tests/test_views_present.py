"""Present mode and the Markdown export URL: who may see what, the deck's shape, the QR code."""

import datetime
import re

import pytest
from django.urls import reverse

from items import reading, services
from items.models import Discussion
from tests.factories import (
    CategoryFactory,
    DiscussionFactory,
    InsightFactory,
    MediaFactory,
    NewsItemFactory,
    UserFactory,
    WeeklyIssueFactory,
)

pytestmark = pytest.mark.django_db


def present_url(issue):
    return reverse("items:issue_present", kwargs={"slug": issue.issue_date.isoformat()})


def recap_url(issue):
    return reverse("items:issue_recap", kwargs={"slug": issue.issue_date.isoformat()})


@pytest.fixture
def week():
    issue = WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 25))
    nlp, vision = CategoryFactory(label="NLP"), CategoryFactory(label="Vision")
    NewsItemFactory(issue=issue, position=1, category=nlp, title="Sneak bad words", excerpt="Dynabench is…")
    NewsItemFactory(issue=issue, position=2, category=vision, title="Curling robots")
    MediaFactory(item=NewsItemFactory(issue=issue, position=3, category=vision, title="PlaNet"))
    return issue


def slides(page):
    return re.findall(r'<section class="slide slide-(\w+)" id="slide-(\d+)"', page)


@pytest.mark.parametrize("who", ["anonymous", "student", "instructor"])
@pytest.mark.parametrize("state", ["published", "draft", "scheduled"])
@pytest.mark.parametrize("url", [present_url, recap_url])
def test_visibility(client, student, instructor, who, state, url):
    traits = {"published": {}, "draft": {"draft": True}, "scheduled": {"scheduled": True}}[state]
    issue = WeeklyIssueFactory(**traits)
    NewsItemFactory(issue=issue, position=1, title="The item")
    if who != "anonymous":
        client.force_login(student if who == "student" else instructor)
    response = client.get(url(issue))
    may_see = state == "published" or who == "instructor"
    assert response.status_code == (200 if may_see else 404)
    if may_see:
        assert "The item" in response.content.decode()
    if may_see and state != "published":
        assert "no-cache" in response["Cache-Control"]


def test_the_deck_follows_the_course_rhythm(client, week, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        page = client.get(present_url(week)).content.decode()
    assert slides(page) == [
        ("title", "1"),
        ("list", "2"),
        ("detail", "3"),
        ("list", "4"),
        ("list", "5"),
        ("detail", "6"),
        ("closing", "7"),
    ]
    assert '<h1 class="slide-heading">ML Weekly (Sept. 25th)</h1>' in page
    # Each build-up step adds the next item; only the final list is kept for reading without the script.
    steps = re.findall(r'<section class="slide slide-list"[^>]*?( data-repeat)?>(.*?)</section>', page, re.S)
    assert [(bool(repeat), body.count("<li ")) for repeat, body in steps] == [
        (True, 1),
        (True, 2),
        (False, 3),
    ]
    assert 'class="new"' in steps[1][1] and "Curling robots" in steps[1][1]
    assert 'src="/static/js/present.js"' in page and 'href="/static/css/present.css"' in page
    assert "<script>" not in page and "style=" not in page


def test_closing_slide_has_a_qr_code_to_the_weeks_own_discussion(client, week):
    DiscussionFactory(slug="open-discussion", prompt="Where will ML take you?")
    page = client.get(present_url(week)).content.decode()
    target = "http://testserver" + reverse("items:issue_discussion", kwargs={"slug": week.slug})
    closing = page.split('class="slide slide-closing"')[1]
    assert re.search(r"<svg[^>]*class=\"qr-code\"", closing)
    assert f'<a class="qr-target" href="{target}">{target}</a>' in closing
    assert "What stood out for you this week?" in closing and "Where will ML take you?" not in closing
    # The first scan makes the week's discussion and lands on it.
    landed = client.get(target.removeprefix("http://testserver"), follow=True)
    assert landed.status_code == 200
    assert landed.redirect_chain[-1][0] == Discussion.objects.get(issue=week).get_absolute_url()


def test_the_issues_own_discussion_wins_and_a_hidden_one_falls_back_to_the_open_discussion(client, week):
    open_discussion = DiscussionFactory(slug="open-discussion", prompt="Where will ML take you?")
    own = DiscussionFactory(issue=week, slug="week-of-sept-25", prompt="This week?")
    page = client.get(present_url(week)).content.decode()
    assert f'href="http://testserver{own.get_absolute_url()}"' in page and "This week?" in page
    own.is_hidden = True
    own.save()
    page = client.get(present_url(week)).content.decode()
    assert f'href="http://testserver{open_discussion.get_absolute_url()}"' in page
    assert "Where will ML take you?" in page and "This week?" not in page


def test_the_closing_slide_shows_the_week_s_live_figures(client, week):
    students = [UserFactory() for _ in range(3)]
    item = week.items.first()
    for student in students[:2]:
        reading.mark_read(student, [item])
    services.comment_create(
        discussion=services.discussion_for_issue(week), author=students[0], body="Seen it"
    )
    closing = client.get(present_url(week)).content.decode().split('class="slide slide-closing"')[1]
    assert '<strong data-figure="readers">2</strong> students read this week' in closing
    assert '<strong data-figure="comments">1</strong> comment' in closing
    figures = reverse("items:issue_figures", kwargs={"slug": week.slug})
    assert f'data-figures="{figures}"' in closing
    reading.mark_read(students[2], [item])
    response = client.get(figures)
    assert response.json() == {"readers": 3, "comments": 1}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_page_makes_no_external_requests(client, week):
    page = client.get(present_url(week)).content.decode()
    resources = re.findall(r'(?:src|srcset)="([^"]+)"', page) + re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert resources and all(url.startswith("/") for url in resources)
    assert "http://" not in page.split("<svg")[1].split("</svg>")[0]


def test_term_deck_strings_the_weeks_then_insights_then_open_discussion(
    client, week, django_assert_max_num_queries
):
    later = WeeklyIssueFactory(issue_date=datetime.date(2020, 10, 2))
    NewsItemFactory(issue=later, position=1, title="Distill")
    WeeklyIssueFactory(issue_date=datetime.date(2020, 10, 9), draft=True)
    InsightFactory(number=1, body="Growing fast")
    InsightFactory(number=2, body="Solving problems")
    InsightFactory(number=3, is_published=False, body="Not yet")
    url = reverse("items:term_present", kwargs={"start": "2020-09-01", "end": "2020-12-31"})
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    kinds = [kind for kind, _ in slides(page)]
    assert kinds == ["title"] + ["title", "list", "detail", "list", "list", "detail"] + [
        "title",
        "list",
        "insights",
        "insights",
        "closing",
    ]
    assert "ML Weekly Recap (Sept. 25th – Oct. 2nd)" in page and "Not yet" not in page
    assert page.index("Growing fast") < page.index("Solving problems") < page.index("slide-closing")


@pytest.mark.parametrize(
    ("start", "end"),
    [("2020-12-31", "2020-09-01"), ("2020-02-30", "2020-12-31"), ("2019-01-01", "2019-02-01")],
)
def test_term_deck_bad_or_empty_ranges_are_404(client, week, start, end):
    assert client.get(reverse("items:term_present", kwargs={"start": start, "end": end})).status_code == 404


@pytest.mark.parametrize("slug", ["2020-13-45", "1999-01-01"])
def test_unknown_dates_are_404(client, slug):
    assert client.get(f"/issues/{slug}/present/").status_code == 404
    assert client.get(f"/issues/{slug}/recap.md").status_code == 404


def test_recap_md_is_the_issue_in_the_course_format(client, week):
    response = client.get(recap_url(week))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ml-weekly-2020-09-25.md"'
    text = response.content.decode()
    assert text.startswith("# ML Weekly (Sept. 25th, 2020)\n\n1. **(NLP)** Sneak bad words\n")
    assert "   Dynabench is…" in text


@pytest.mark.parametrize(
    ("who", "sees_draft"), [("anonymous", False), ("student", False), ("instructor", True)]
)
def test_term_deck_shows_drafts_to_staff_only(client, student, instructor, week, who, sees_draft):
    draft = WeeklyIssueFactory(issue_date=datetime.date(2020, 10, 9), draft=True)
    NewsItemFactory(issue=draft, position=1, title="Draft story")
    if who != "anonymous":
        client.force_login(student if who == "student" else instructor)
    response = client.get(reverse("items:term_present", kwargs={"start": "2020-09-01", "end": "2020-12-31"}))
    assert ("Draft story" in response.content.decode()) is sees_draft
    assert ("no-cache" in response.get("Cache-Control", "")) is sees_draft


def test_issue_page_links_to_its_slides_and_markdown(client):
    from tests.factories import NewsItemFactory

    issue = NewsItemFactory().issue
    page = client.get(issue.get_absolute_url()).content.decode()
    assert f'href="/issues/{issue.slug}/present/"' in page
    assert f'href="/issues/{issue.slug}/recap.md"' in page
