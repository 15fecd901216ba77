"""New since your last visit, for issues and items: per student, from their visits to the board,
drawn beside the shared pages and never inside them."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from items import reading, visits
from items.models import BoardVisit
from tests.factories import InstructorFactory, NewsItemFactory, UserFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db

BOARD_PAGES = ["home", "archive", "issue", "me"]


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def visit_of(student):
    return BoardVisit.objects.get(student=student)


def away(student, minutes):
    """Move the student's visit back: their last board page was ``minutes`` earlier than it was."""
    shift = timedelta(minutes=minutes)
    visit = visit_of(student)
    BoardVisit.objects.filter(pk=visit.pk).update(
        last_seen_at=visit.last_seen_at - shift, new_since=visit.new_since - shift
    )


def url_of(page, issue):
    return {
        "home": reverse("items:home"),
        "archive": reverse("items:issue_list"),
        "issue": issue.get_absolute_url(),
        "me": reverse("items:me"),
    }[page]


def issue_with_items(days_ago=None, **kwargs):
    published_at = timezone.now() - timedelta(days=days_ago) if days_ago else timezone.now()
    issue = WeeklyIssueFactory(published_at=published_at, **kwargs)
    for position in (1, 2, 3):
        NewsItemFactory(issue=issue, position=position, title=f"{issue.issue_date} item {position}")
    return issue


def new_marks(page):
    return page.count("badge badge-new")


def archive_rows(page):
    """``{date: is marked new}`` for the archive's "Your reading, week by week" rows."""
    progress = re.search(r'<ul class="progress-list">.*?</ul>', page, re.S).group(0)
    rows = re.findall(r'<li>\s*<a href="/issues/(\d{4}-\d\d-\d\d)/">(.*?)</li>', progress, re.S)
    return {date: "badge-new" in row for date, row in rows}


def checklist_marks(page):
    """``{item title: marked new}`` in an issue page's reading checklist."""
    rows = re.findall(r'<li id="read-\d+"[^>]*>\s*<a href="#item-\d+">(.*?)</a>(.*?)</li>', page, re.S)
    return {title: "badge-new" in rest for title, rest in rows}


@pytest.fixture
def returning():
    """A student whose last visit ended an hour ago, an issue they saw then and one published since."""
    seen = issue_with_items(days_ago=7)
    student = UserFactory()
    signed_in(student).get(reverse("items:home"))
    away(student, 60)
    fresh = issue_with_items()
    return student, seen, fresh


# The visit: when it starts, when it is written.


def test_a_first_visit_is_recorded_and_shows_nothing_new():
    issue_with_items(days_ago=1)
    student = UserFactory()
    page = signed_in(student).get(reverse("items:issue_list")).content.decode()
    visit = visit_of(student)
    assert visit.new_since == visit.last_seen_at
    assert new_marks(page) == 0 and "since your last visit" not in page


@pytest.mark.parametrize("page", BOARD_PAGES)
def test_every_board_page_records_the_visit(page):
    issue = issue_with_items(days_ago=1)
    student = UserFactory()
    assert signed_in(student).get(url_of(page, issue)).status_code == 200
    assert BoardVisit.objects.filter(student=student).exists()


def test_other_pages_do_not_count_as_a_visit():
    issue = issue_with_items(days_ago=1)
    student = UserFactory()
    client = signed_in(student)
    client.get(issue.items.first().get_absolute_url())
    client.get(reverse("items:item_list"))
    assert not BoardVisit.objects.exists()


def test_within_a_few_minutes_nothing_is_written():
    issue = issue_with_items(days_ago=1)
    student = UserFactory()
    client = signed_in(student)
    client.get(reverse("items:home"))
    before = visit_of(student)
    away(student, 2)
    moved = visit_of(student)
    for page in BOARD_PAGES:
        with CaptureQueriesContext(connection) as queries:
            client.get(url_of(page, issue))
        writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
        assert writes == [], page
    assert visit_of(student).last_seen_at == moved.last_seen_at == before.last_seen_at - timedelta(minutes=2)


def test_after_a_few_minutes_the_visit_goes_on_and_is_written_again():
    student = UserFactory()
    client = signed_in(student)
    client.get(reverse("items:home"))
    away(student, visits.WRITE_EVERY.total_seconds() / 60 + 1)
    moved = visit_of(student)
    client.get(reverse("items:issue_list"))
    visit = visit_of(student)
    assert visit.last_seen_at > moved.last_seen_at + visits.WRITE_EVERY
    assert visit.new_since == moved.new_since  # the same visit


def test_after_the_gap_a_new_visit_starts_where_the_last_one_ended():
    student = UserFactory()
    client = signed_in(student)
    client.get(reverse("items:home"))
    away(student, visits.VISIT_GAP.total_seconds() / 60 + 1)
    ended = visit_of(student).last_seen_at
    client.get(reverse("items:issue_list"))
    visit = visit_of(student)
    assert visit.new_since == ended
    assert timezone.now() - visit.last_seen_at < timedelta(minutes=1)


def test_the_visit_logic_on_its_own():
    now = timezone.now()
    assert visits.visit_after(None, now) == (now, True)
    recent = BoardVisit(last_seen_at=now - timedelta(minutes=1), new_since=now - timedelta(days=2))
    assert visits.visit_after(recent, now) == (recent.new_since, False)
    later = BoardVisit(last_seen_at=now - timedelta(minutes=10), new_since=now - timedelta(days=2))
    assert visits.visit_after(later, now) == (later.new_since, True)
    ended = BoardVisit(last_seen_at=now - timedelta(minutes=31), new_since=now - timedelta(days=2))
    assert visits.visit_after(ended, now) == (ended.last_seen_at, True)


def test_instructors_and_anonymous_readers_keep_no_visits_and_see_no_marks(returning):
    _, _, fresh = returning
    for client in (signed_in(InstructorFactory()), Client()):
        for page in ("home", "archive", "issue"):
            html = client.get(url_of(page, fresh)).content.decode()
            assert new_marks(html) == 0 and "since your last visit" not in html, page
    assert BoardVisit.objects.count() == 1


# The marks, page by page.


def test_the_archive_marks_the_issues_published_since_the_last_visit(returning):
    student, seen, fresh = returning
    page = signed_in(student).get(reverse("items:issue_list")).content.decode()
    assert archive_rows(page) == {fresh.slug: True, seen.slug: False}
    assert "1 new issue since your last visit" in page
    assert '<span class="badge badge-new">New</span>' in page


def test_the_archive_counts_new_issues_beyond_its_page(returning, monkeypatch):
    student, seen, fresh = returning
    issue_with_items(issue_date=seen.issue_date - timedelta(weeks=1))  # an old week, published now
    monkeypatch.setattr("items.views.issues.ARCHIVE_PAGE_SIZE", 1)
    page = signed_in(student).get(reverse("items:issue_list")).content.decode()
    assert archive_rows(page) == {fresh.slug: True}
    assert "2 new issues since your last visit" in page


def test_the_checklist_marks_the_new_issue_s_unread_items(returning):
    student, seen, fresh = returning
    reading.mark_read(student, [fresh.items.get(position=2)])
    client = signed_in(student)
    page = client.get(fresh.get_absolute_url()).content.decode()
    assert checklist_marks(page) == {
        f"{fresh.issue_date} item 1": True,
        f"{fresh.issue_date} item 2": False,
        f"{fresh.issue_date} item 3": True,
    }
    assert "New since your last visit, unread: <span data-new-count>2</span> of 3" in page
    older = client.get(seen.get_absolute_url()).content.decode()
    assert checklist_marks(older) and not any(checklist_marks(older).values())


def test_the_home_page_names_the_new_issues(returning):
    student, seen, fresh = returning
    page = signed_in(student).get(reverse("items:home")).content.decode()
    line = re.search(r'<p class="new-since">.*?</p>', page, re.S).group(0)
    number = 2  # the second published issue
    assert "New</span> since your last visit:" in line
    assert f'<a href="{fresh.get_absolute_url()}">Issue {number} (' in line
    assert seen.get_absolute_url() not in line and "the archive" not in line


def test_the_home_page_sends_to_the_archive_when_more_are_new():
    student = UserFactory()
    signed_in(student).get(reverse("items:home"))
    away(student, 60)
    issues = [issue_with_items() for _ in range(8)]
    page = signed_in(student).get(reverse("items:home")).content.decode()
    line = re.search(r'<p class="new-since">.*?</p>', page, re.S).group(0)
    assert len(re.findall(r'<a href="/issues/\d', line)) == 6
    assert issues[-1].get_absolute_url() in line and issues[1].get_absolute_url() not in line
    assert f'and more in <a href="{reverse("items:issue_list")}">the archive</a>' in line


def test_my_week_marks_this_week_s_unread_items_new(returning):
    student, _, fresh = returning
    reading.mark_read(student, [fresh.items.get(position=1)])
    page = signed_in(student).get(reverse("items:me")).content.decode()
    unread = re.search(r'<section aria-labelledby="unread-title">.*?</section>', page, re.S).group(0)
    assert unread.count('<span class="badge badge-new">New</span>') == 2
    assert f"{fresh.issue_date} item 1" not in unread


def test_my_week_marks_nothing_once_the_issue_is_not_new():
    issue_with_items(days_ago=1)
    student = UserFactory()
    page = signed_in(student).get(reverse("items:me")).content.decode()
    assert "item 1" in page and new_marks(page) == 0


# Privacy: one student's marks are theirs alone.


@pytest.mark.parametrize("page", ["home", "archive", "issue"])
def test_one_student_s_new_marks_never_reach_another_or_an_anonymous_reader(returning, settings, page):
    settings.NEWSBOARD_PAGE_CACHE_SECONDS = 300  # the anonymous page cache is on
    student, _, fresh = returning
    url = url_of(page, fresh)
    anonymous = Client()
    anonymous.get(url)  # a page kept for anonymous readers, before and after the student's
    own = signed_in(student).get(url).content.decode()
    assert new_marks(own) > 0 and "since your last visit" in own
    classmate = UserFactory()
    signed_in(classmate).get(reverse("items:home"))
    others = [signed_in(classmate).get(url), anonymous.get(url), Client().get(url)]
    for response in others:
        html = response.content.decode()
        assert new_marks(html) == 0 and "since your last visit" not in html
    # The shared part of the student's page is the anonymous page's, to the byte.
    assert shared(own) == shared(others[1].content.decode())


def shared(page):
    """The page's shared, cached part: the issue, or the archive's list."""
    pattern = r'<article class="issue".*?</ol>\s*</article>|<ul class="issue-rows">.*?</ul>'
    return re.search(pattern, page, re.S).group(0)
