"""Class reach: right figures, in a fixed number of queries, for the Instructors group alone, and
reading never shown by student."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from items import reading, services
from tests.factories import (
    CategoryFactory,
    InstructorFactory,
    NewsItemFactory,
    ProfileFactory,
    UserFactory,
    WeeklyIssueFactory,
)

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def term():
    """Four students; two weeks: three of them read the latest, one read the older."""
    students = [UserFactory(username=f"pupil{n}") for n in range(4)]
    ProfileFactory(user=students[0], display_name="Ada Active")
    vision = CategoryFactory(label="Vision", name="Computer vision")
    older, latest = WeeklyIssueFactory(), WeeklyIssueFactory()
    old_item = NewsItemFactory(issue=older, position=1, category=vision, tags=["faces"])
    items = [NewsItemFactory(issue=latest, position=n, category=vision, tags=["faces"]) for n in (1, 2)]
    for student in students[:3]:
        reading.mark_read(student, [items[0]])
    reading.mark_read(students[0], [items[1], old_item])
    reading.mark_read(InstructorFactory(), items)  # staff reading is not the class's
    discussion = services.discussion_for_item(items[0])
    question = services.comment_create(discussion=discussion, author=students[0], body="Why?")
    services.comment_create(discussion=discussion, author=students[1], body="Because", parent=question)
    services.comment_create(discussion=discussion, author=students[2], body="Unanswered")
    services.comment_mark_helpful(comment=question, by=students[1])
    services.comment_endorse(comment=question, by=InstructorFactory())
    return {"students": students, "older": older, "latest": latest, "items": items}


def row(html, heading):
    cells = re.search(rf"<tr><th scope=\"row\">{re.escape(heading)}.*?</tr>", html, re.S).group(0)
    return re.findall(r"<td>(?:<meter[^>]*>[^<]*</meter> )?([^<]*)</td>", cells)


def test_the_page_counts_what_reached_the_class(term):
    html = signed_in(InstructorFactory()).get(reverse("items:reach")).content.decode()
    latest = f'<a href="?issue={term["latest"].slug}#items-title">'
    # Readers, % of class, comments, helpful, unanswered.
    assert row(html, latest) == ["3", "75%", "3", "1", "1"]
    assert row(html, f'<a href="?issue={term["older"].slug}#items-title">') == ["1", "25%", "0", "0", "0"]
    assert "Weeks the class fell behind" in html and "25% read it" in html
    first = term["items"][0]
    assert row(html, f"1. <span class=\"badge\">Vision</span> <a href=\"{first.get_absolute_url()}\">") == [
        "3", "75%", "3", "1", "1",
    ]  # fmt: skip
    assert row(html, "Computer vision") == ["3", "3", "75%", "5", "3"]
    assert row(html, "#faces") == ["3", "3", "75%", "5"]
    assert row(html, "Ada Active") == ["1", "1", "1"]
    # Charts: SVG with a title and a description, beside the table.
    assert '<svg class="chart"' in html and 'role="img"' in html and "<desc" in html


def test_reading_is_never_shown_per_student(term):
    html = signed_in(InstructorFactory()).get(reverse("items:reach")).content.decode()
    # pupil3 read nothing and wrote nothing: not named anywhere.
    assert "pupil3" not in html
    assert "pupil3" not in signed_in(InstructorFactory()).get(reverse("items:reach_csv")).content.decode()


def test_the_csv_export_has_the_same_figures(term):
    response = signed_in(InstructorFactory()).get(reverse("items:reach_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["week", term["latest"].issue_date.isoformat(), "2", "3", "75", "3", "1", "1"] in rows
    assert ["student", "Ada Active", "1", "1", "1"] in rows, [r for r in rows if r[:1] == ["student"]]


def test_only_the_instructors_group(term, client):
    assert client.get(reverse("items:reach")).status_code == 302
    assert signed_in(term["students"][0]).get(reverse("items:reach")).status_code == 403
    staff = UserFactory(is_staff=True)
    assert signed_in(staff).get(reverse("items:reach")).status_code == 403
    assert signed_in(staff).get(reverse("items:reach_csv")).status_code == 403


def queries_for_reach(client):
    """The page's queries when it counts everything (the term's figures too)."""
    cache.delete("reach-term")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("items:reach")).status_code == 200
    return len(captured.captured_queries)


def test_a_fixed_number_of_queries_whatever_the_term(term):
    client = signed_in(InstructorFactory())
    small = queries_for_reach(client)
    for week in range(12):
        issue = WeeklyIssueFactory()
        items = [NewsItemFactory(issue=issue, position=n, tags=[f"t{week}"]) for n in (1, 2, 3)]
        for student in term["students"]:
            reading.mark_read(student, items)
        services.comment_create(
            discussion=services.discussion_for_issue(issue), author=term["students"][week % 4], body="Hi"
        )
    assert queries_for_reach(client) == small
    assert small <= 12


def categories(page):
    return re.search(r"<tbody>.*?</tbody>", page[page.index('id="categories-title"') :], re.S).group()


def test_the_figures_across_the_term_are_counted_every_few_minutes_the_weeks_each_time(term):
    client = signed_in(InstructorFactory())
    cold = queries_for_reach(client)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("items:reach")).content.decode()
    # Categories, tags and participation come from the last count; the weeks are counted again.
    assert len(captured.captured_queries) == cold - 3
    assert "counted again every 5 minutes" in page
    before = categories(page)
    issue = WeeklyIssueFactory()
    item = NewsItemFactory(issue=issue, position=1, category=term["items"][0].category)
    reading.mark_read(term["students"][0], [item])
    week_reads = client.get(reverse("items:reach")).content.decode()
    assert item.title in week_reads  # the new week and its item, at once
    assert categories(week_reads) == before
    cache.delete("reach-term")  # the few minutes have passed
    after = client.get(reverse("items:reach")).content.decode()
    assert (
        re.search(r"<tbody>.*?</tbody>", after[after.index('id="categories-title"') :], re.S).group()
        != before
    )
