"""The board in real headless Chromium: read, filter, follow links, use the keyboard."""

import re

import pytest

from tests.browser.screenshots import save_screenshots

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect
pytestmark = pytest.mark.browser


def test_filter_by_category_then_tag_then_follow_an_item_back_to_its_issue(board_page):
    board_page.goto("/")
    expect(board_page.get_by_role("heading", level=1)).to_have_text("ML Weekly")
    board_page.get_by_role("navigation", name="Main").get_by_role("link", name="All items").click()
    board_page.get_by_role("checkbox", name=re.compile("Computer Vision")).check()
    board_page.get_by_role("button", name="Show items").click()
    expect(board_page).to_have_url(re.compile(r"category=vision"))
    badges = board_page.locator(".item-rows .badge").all_inner_texts()
    assert badges and set(badges) == {"Vision"}

    tag_link = board_page.locator(".item-rows .tags a").first.get_attribute("href")
    tag_slug = tag_link.rsplit("tag=", 1)[1]
    board_page.locator(f'.filter-tags input[value="{tag_slug}"]').check()
    board_page.get_by_role("button", name="Show items").click()
    expect(board_page).to_have_url(
        re.compile(rf"category=vision.*tag={tag_slug}|tag={tag_slug}.*category=vision")
    )

    first = board_page.locator(".item-rows .item-title").first
    title = first.inner_text()
    first.click()
    expect(board_page.get_by_role("heading", level=1)).to_contain_text(title)
    board_page.locator(".item-detail .eyebrow a").click()
    expect(board_page).to_have_url(re.compile(r"/issues/\d{4}-\d{2}-\d{2}/#item-\d+$"))
    expect(board_page.locator(".item h2", has_text=title)).to_be_visible()


def test_clearing_filters_and_the_empty_message(board_page):
    board_page.goto("/items/?q=nothing-matches-this-zzz")
    expect(board_page.get_by_text("No published item matches these filters")).to_be_visible()
    board_page.get_by_role("link", name="clear all filters").click()
    expect(board_page).to_have_url(re.compile(r"/items/$"))
    assert board_page.locator(".item-rows li").count() > 0


def test_category_page_advertises_a_working_feed(board_page):
    board_page.goto("/categories/vision/")
    href = board_page.locator('link[rel="alternate"][type="application/rss+xml"]').last.get_attribute("href")
    assert href.endswith("/categories/vision/feed/")
    response = board_page.request.get(href)
    assert response.ok and "<rss" in response.text()
    expect(board_page.locator("a.feed-link")).to_have_attribute("href", href)


def test_keyboard_alone_reaches_the_filters(board_page):
    board_page.goto("/items/")
    board_page.keyboard.press("Tab")
    assert board_page.evaluate("document.activeElement.className") == "skip-link"
    expect(board_page.locator(".skip-link")).to_be_visible()
    for _ in range(20):
        board_page.keyboard.press("Tab")
        if board_page.evaluate("document.activeElement.name") == "q":
            break
    else:
        pytest.fail("Tab never reached the search box")
    board_page.keyboard.type("GPT-3")
    board_page.keyboard.press("Enter")
    expect(board_page).to_have_url(re.compile(r"q=GPT-3"))


def test_readable_on_a_320px_phone(board_page):
    board_page.set_viewport_size({"width": 320, "height": 640})
    for url in ["/", "/items/", "/issues/2020-09-18/"]:
        board_page.goto(url)
        overflow = board_page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 320px"


def test_screenshots_are_made_by_the_tooling(board_page, board_url, tmp_path):
    paths = save_screenshots(board_page, board_url, tmp_path)
    assert all(path.stat().st_size > 10_000 for path in paths)
