"""A live discussion in real Chromium: a classmate posts, the open page offers it, nothing jumps."""

import pytest

from tests.browser.test_discussion_browser import comment_article, post_comment, sign_in
from tests.factories import DiscussionFactory, UserFactory

expect = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed.").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_comments_are_offered_then_drawn_in_place(live_server, new_page, settings):
    settings.NEWSBOARD_LIVE_POLL_SECONDS = 1
    discussion = DiscussionFactory(title="Open Discussion", prompt="Where will ML take you?")
    UserFactory(username="ada")
    UserFactory(username="grace")
    reader, poster = new_page(), new_page()
    sign_in(reader, live_server.url, "ada")
    sign_in(poster, live_server.url, "grace")
    reader.goto(live_server.url + discussion.get_absolute_url())
    post_comment(reader, "My own first thought.")
    # A mark on the window: a reload would wipe it.
    reader.evaluate("window.stillHere = true")
    offer = reader.locator(".live-notice button")
    assert not offer.is_visible()

    poster.goto(live_server.url + discussion.get_absolute_url())
    post_comment(poster, "Robots in the lab.")
    post_comment(poster, "And in the kitchen.")

    # A poll may fall between the two posts: the offer then grows at the next one.
    expect(offer).to_have_text("2 new comments")
    assert comment_article(reader, "Robots in the lab.").count() == 0
    offer.click()

    new = comment_article(reader, "Robots in the lab.")
    new.wait_for()
    assert "is-new" in new.get_attribute("class")
    assert "is-new" not in comment_article(reader, "My own first thought.").get_attribute("class")
    assert reader.evaluate("document.activeElement.classList.contains('is-new')")
    assert reader.locator("#comments-title .count").inner_text() == "(3)"
    assert not offer.is_visible()
    # The reader's own comment still carries their own tools after the thread was redrawn.
    assert comment_article(reader, "My own first thought.").locator("text=Edit").count() == 1
    assert reader.evaluate("window.stillHere") is True
