"""The learning loop in real Chromium: a student's checklist, anonymous post, helpful mark and
week; what is new since their last visit; an instructor's endorsement and class reach."""

from datetime import timedelta

import pytest

from items import reading, services
from items.models import BoardVisit, Comment, HelpfulMark, ReadMark
from tests.browser.test_discussion_browser import comment_article, post_comment, sign_in
from tests.factories import (
    DiscussionFactory,
    InstructorFactory,
    NewsItemFactory,
    UserFactory,
    WeeklyIssueFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_reads_posts_anonymously_and_marks_helpful(live_server, new_page):
    student = UserFactory(username="ada")
    issue = WeeklyIssueFactory()
    items = [NewsItemFactory(issue=issue, position=n, title=f"Story {n}", link="") for n in (1, 2, 3)]
    page = new_page()
    sign_in(page, live_server.url, "ada")

    # One click with JavaScript: no reload, the count and the mark change in place.
    page.goto(live_server.url + issue.get_absolute_url())
    assert page.locator("[data-reading] .reading-count").inner_text() == "0 of 3 read"
    page.evaluate("window.__same_page = true")
    page.locator(f"#read-{items[1].pk} button").click()
    page.wait_for_selector(f"#read-{items[1].pk}.is-read")
    assert page.locator("[data-reading] .reading-count").inner_text() == "1 of 3 read"
    assert page.evaluate("window.__same_page") is True
    assert ReadMark.objects.filter(student=student, item=items[1]).exists()

    # Opening an item reads it; the archive shows the week's progress.
    page.goto(live_server.url + items[0].get_absolute_url())
    page.goto(live_server.url + "/issues/")
    assert "2 of 3 read" in page.locator("section.reading").inner_text()

    # Anonymous to classmates.
    discussion = DiscussionFactory()
    classmate = UserFactory(username="ben")
    services.comment_create(discussion=discussion, author=classmate, body="Ben's view")
    page.goto(live_server.url + discussion.get_absolute_url())
    page.check("#id_anonymous")
    post_comment(page, "A quiet thought")
    assert "You posted this anonymously" in comment_article(page, "A quiet thought").inner_text()
    assert Comment.objects.get(body="A quiet thought").is_anonymous

    # Helpful on a classmate's comment, without JavaScript's help: the form comes back here.
    comment_article(page, "Ben's view").get_by_role("button", name="Helpful").click()
    page.wait_for_selector("text=You found this helpful")
    assert HelpfulMark.objects.filter(student=student).count() == 1

    classmate_page = new_page()
    sign_in(classmate_page, live_server.url, "ben")
    classmate_page.goto(live_server.url + discussion.get_absolute_url())
    quiet = comment_article(classmate_page, "A quiet thought").inner_text()
    assert "Anonymous student" in quiet and "ada" not in quiet.lower()

    # My week.
    page.get_by_role("link", name="My week").click()
    assert "Story 3" in page.locator("section", has_text="This week's unread items").inner_text()
    assert "2</strong> of 3 items read" in page.content()


def test_an_issue_published_while_a_student_was_away_is_new_when_they_come_back(live_server, new_page):
    UserFactory(username="ada")
    seen = WeeklyIssueFactory()
    NewsItemFactory(issue=seen, position=1, title="Old story")
    page = new_page()
    sign_in(page, live_server.url, "ada")
    page.goto(live_server.url + "/issues/")
    assert "since your last visit" not in page.locator("section.reading").inner_text()

    # She leaves; an hour later the instructor publishes the next issue, and she comes back.
    BoardVisit.objects.update(
        last_seen_at=BoardVisit.objects.get().last_seen_at - timedelta(hours=1),
        new_since=BoardVisit.objects.get().new_since - timedelta(hours=1),
    )
    fresh = WeeklyIssueFactory(draft=True)
    items = [NewsItemFactory(issue=fresh, position=n, title=f"Fresh story {n}", link="") for n in (1, 2)]
    services.publish_issue(fresh)
    page.goto(live_server.url + "/issues/")
    progress = page.locator("section.reading")
    assert "1 new issue since your last visit" in progress.inner_text()
    new_row = progress.locator("li", has=page.locator(".badge-new"))
    assert new_row.count() == 1 and "New" in new_row.inner_text()
    new_row.get_by_role("link").click()

    page.wait_for_url(f"**{fresh.get_absolute_url()}")
    checklist = page.locator("[data-reading]")
    assert checklist.locator(".badge-new").count() == 2
    assert checklist.locator(f"#read-{items[0].pk}").inner_text().startswith("Fresh story 1 New Unread")
    # Read one in place: it is no longer new.
    page.locator(f"#read-{items[0].pk} button").click()
    page.wait_for_selector(f"#read-{items[0].pk}.is-read")
    assert checklist.locator(".badge-new").count() == 1
    assert checklist.locator("[data-new-count]").inner_text() == "1"


def test_an_instructor_endorses_and_sees_class_reach(live_server, new_page):
    InstructorFactory(username="prof")
    student = UserFactory(username="ada")
    issue = WeeklyIssueFactory()
    item = NewsItemFactory(issue=issue, position=1)
    reading.mark_read(student, [item])
    discussion = DiscussionFactory()
    services.comment_create(discussion=discussion, author=student, body="Worth endorsing")
    page = new_page()
    sign_in(page, live_server.url, "prof")
    page.goto(live_server.url + discussion.get_absolute_url())
    comment_article(page, "Worth endorsing").get_by_role("button", name="Endorse").click()
    page.wait_for_selector("text=Endorsed by an instructor")

    page.goto(live_server.url + "/instructor/reach/")
    chart = page.get_by_role("img", name="Share of the class that read each week")
    assert chart.is_visible()
    assert "100%" in page.locator("table").first.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all of it as CSV").click()
    assert download.value.suggested_filename == "class-reach.csv"
