"""A feed opened in Chromium: the XSLT stylesheet turns it into a page for people."""

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect
pytestmark = pytest.mark.browser


def test_a_feed_opened_in_the_browser_reads_as_a_page(board_page):
    board_page.goto("/feeds/issues.rss")
    expect(board_page.get_by_text("This is a feed.")).to_be_visible()
    expect(board_page.locator("ol.feed-entries li").first).to_be_visible()
