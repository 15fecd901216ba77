"""Replying in place, the length counter, and delete with a question and an undo, in Chromium."""

import pytest

from items import services
from items.models import Comment
from tests.browser.test_discussion_browser import comment_article, post_comment, sign_in
from tests.factories import DiscussionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reply_opens_under_the_comment_without_a_reload_and_posts(live_server, page):
    discussion = DiscussionFactory(title="Open Discussion")
    grace = UserFactory(username="grace")
    UserFactory(username="ada")
    services.comment_create(discussion=discussion, author=grace, body="Robots in the lab.")
    services.comment_create(discussion=discussion, author=grace, body="Second thought.")
    sign_in(page, live_server.url, "ada")
    page.goto(live_server.url + discussion.get_absolute_url())
    page.evaluate("window.stillHere = true")
    first = comment_article(page, "Robots in the lab.")
    first.locator("text=Reply").click()

    form = page.locator("#comment-form")
    # Right under the comment it answers, focused, and titled for it.
    assert page.evaluate(
        "document.getElementById('comment-form').previousElementSibling === "
        "document.querySelector('article.comment')"
    )
    assert form.locator("h2").inner_text() == "Reply to grace"
    assert page.evaluate("document.activeElement.id") == "id_body"
    assert page.evaluate("window.stillHere") is True

    page.fill("#id_body", "Which lab?")
    page.click("#comment-form button[type=submit]")
    page.wait_for_load_state()
    reply = Comment.objects.get(body="Which lab?")
    assert reply.parent.body == "Robots in the lab."


def test_cancel_puts_the_form_back(live_server, page):
    discussion = DiscussionFactory()
    UserFactory(username="ada")
    services.comment_create(discussion=discussion, author=UserFactory(), body="Hello there.")
    sign_in(page, live_server.url, "ada")
    page.goto(live_server.url + discussion.get_absolute_url())
    comment_article(page, "Hello there.").locator("text=Reply").click()
    page.click("text=Cancel reply")
    assert page.locator("#comment-form h2").inner_text() == "Add a comment"
    assert page.locator("input[name=parent]").input_value() == ""
    page.fill("#id_body", "A new thread.")
    page.click("#comment-form button[type=submit]")
    page.wait_for_load_state()
    assert Comment.objects.get(body="A new thread.").parent is None


def test_the_counter_warns_and_a_long_paste_is_not_cut(live_server, page, settings):
    settings.NEWSBOARD_COMMENT_MAX_LENGTH = 200
    discussion = DiscussionFactory()
    UserFactory(username="ada")
    sign_in(page, live_server.url, "ada")
    page.goto(live_server.url + discussion.get_absolute_url())
    count = page.locator("#id_body-count")
    assert count.inner_text() == "200 of 200 characters left"
    page.fill("#id_body", "x" * 150)
    assert count.inner_text() == "50 of 200 characters left"
    assert "char-count-warn" in count.get_attribute("class")
    page.fill("#id_body", "y" * 240)
    assert len(page.input_value("#id_body")) == 240
    assert count.inner_text() == "40 characters too many: shorten it to post."
    assert page.get_attribute("#id_body", "aria-invalid") == "true"


def test_delete_asks_first_then_offers_undo(live_server, page):
    discussion = DiscussionFactory()
    ada = UserFactory(username="ada")
    sign_in(page, live_server.url, "ada")
    page.goto(live_server.url + discussion.get_absolute_url())
    post_comment(page, "Maybe not.")
    comment = Comment.objects.get(author=ada)

    page.once("dialog", lambda dialog: dialog.dismiss())
    comment_article(page, "Maybe not.").locator("button", has_text="Delete").click()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE

    page.once("dialog", lambda dialog: dialog.accept())
    comment_article(page, "Maybe not.").locator("button", has_text="Delete").click()
    page.wait_for_selector("text=Your comment is deleted.")
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.DELETED
    page.click("form.undo-form button")
    page.wait_for_selector("text=Your comment is back.")
    assert comment_article(page, "Maybe not.").count() == 1
