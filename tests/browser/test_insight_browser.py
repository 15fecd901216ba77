"""Promote a comment to an insight in real Chromium: the instructor's "Make an insight", publishing
the draft in the admin, and the student finding it credited "from the discussion"."""

import pytest

from items import services
from items.models import Insight
from tests.browser.test_discussion_browser import comment_article, sign_in
from tests.factories import InstructorFactory, NewsItemFactory, ProfileFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_instructor_promotes_a_comment_and_the_student_sees_the_insight(live_server, new_page):
    InstructorFactory(username="prof")
    student = UserFactory(username="alex")
    ProfileFactory(user=student, display_name="Alex Chen")
    item = NewsItemFactory(title="Robots fold laundry")
    discussion = services.discussion_for_item(item)
    comment = services.comment_create(
        discussion=discussion, author=student, body="Video teaches robots faster than trial. Twice as fast."
    )

    # The student reads the thread first: no button for them, in the shared thread or their own.
    student_page = new_page()
    sign_in(student_page, live_server.url, "alex")
    student_page.goto(live_server.url + discussion.get_absolute_url())
    assert student_page.get_by_role("button", name="Make an insight").count() == 0

    page = new_page()
    sign_in(page, live_server.url, "prof")
    page.goto(live_server.url + discussion.get_absolute_url())
    comment_article(page, "Video teaches robots").get_by_role("button", name="Make an insight").click()
    page.wait_for_selector("text=is made from the comment")
    insight = Insight.objects.get(source_comment=comment)
    assert page.url.endswith(f"/admin/items/insight/{insight.pk}/change/")
    assert page.input_value("#id_headline") == "Video teaches robots faster than trial."
    assert page.input_value("#id_credit") == "Alex Chen"
    assert not insight.is_published

    page.fill("#id_headline", "Video beats trial")
    page.check("#id_is_published")
    page.click("input[name=_save]")
    page.wait_for_selector("text=was changed successfully")
    insight.refresh_from_db()
    assert insight.is_published and insight.notified_at is not None

    student_page.goto(live_server.url + "/insights/")
    entry = student_page.locator(f"#insight-{insight.number}")
    assert "Video beats trial" in entry.inner_text()
    assert "Suggested by Alex Chen" in entry.inner_text()
    entry.get_by_role("link", name="from the discussion").click()
    student_page.wait_for_url(f"**{discussion.get_absolute_url()}#c{comment.pk}")
    assert comment_article(student_page, "Video teaches robots").is_visible()

    student_page.get_by_role("link", name="My week").click()
    student_page.get_by_role("link", name=f"Your comment became Insight {insight.number}").click()
    student_page.wait_for_url(f"**/insights/#insight-{insight.number}")
