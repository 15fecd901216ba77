"""Finding things in real Chromium: the header's search, and the filters on a phone."""

import re

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect
pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_header_search_finds_a_category_then_suggests_a_spelling(board_page):
    board_page.goto("/insights/")
    search = board_page.get_by_role("search", name="Site")
    search.get_by_label("Search the board").fill("ethics")
    search.get_by_role("button", name="Search").click()
    expect(board_page).to_have_url(re.compile(r"/search/\?q=ethics$"))
    expect(board_page.get_by_role("heading", level=2, name=re.compile("^Items"))).to_be_visible()
    expect(board_page.locator(".search-result mark").first).to_be_visible()

    search = board_page.get_by_role("search", name="Site")
    search.get_by_label("Search the board").fill("neural netwrok")
    search.get_by_label("Search the board").press("Enter")
    expect(board_page.get_by_text("Nothing on the board matches")).to_be_visible()
    board_page.get_by_role("link", name="neural network").click()
    expect(board_page).to_have_url(re.compile(r"q=neural(%20|\+)network"))
    first = board_page.locator(".search-item h3 a:not(.badge)").first
    title = first.inner_text()
    first.click()
    expect(board_page.get_by_role("heading", level=1)).to_contain_text(title)


def test_on_a_phone_results_come_first_and_the_filters_fold(board_page):
    board_page.set_viewport_size(PHONE)
    board_page.goto("/items/")
    panel = board_page.locator("details.filter-panel")
    expect(panel).not_to_have_attribute("open", "")
    results = board_page.locator("#results-title")
    # The results' heading is on the first screen, under the one-line filter summary.
    assert results.bounding_box()["y"] < PHONE["height"] / 2

    panel.locator("summary").click()
    board_page.get_by_role("checkbox", name=re.compile("Computer Vision")).check()
    box = board_page.locator(".filter-categories input[type=checkbox]").first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    board_page.get_by_role("button", name="Show items").click()
    expect(board_page).to_have_url(re.compile(r"category=vision"))
    summary = board_page.locator("details.filter-panel summary")
    expect(summary).to_contain_text("1 active: Computer Vision")
    assert board_page.locator("#results-title").bounding_box()["y"] < PHONE["height"] / 2

    # The tag list counts only Vision's items, and a tag's count is what ticking it lists.
    summary.click()
    tags = board_page.locator(".filter-tags .choices li")
    assert tags.count() > 0
    label = tags.first.inner_text()
    count = int(re.search(r"\((\d+)\)", label).group(1))
    tags.first.locator("input").check()
    board_page.get_by_role("button", name="Show items").click()
    expect(board_page.locator("#results-title")).to_have_text(f"{count} item{'s' if count != 1 else ''}")

    # Each active filter is removed on its own.
    active = board_page.get_by_role("list", name="Active filters")
    active.get_by_role("link", name=re.compile("Computer Vision")).click()
    expect(board_page).not_to_have_url(re.compile(r"category=vision"))
    overflow = board_page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0


def test_the_tag_box_narrows_a_long_tag_list(board_page):
    board_page.goto("/items/")
    expect(board_page.locator("details.filter-panel")).to_have_attribute("open", "")
    box = board_page.get_by_label("Find a tag")
    if not box.count():
        pytest.skip("the demo has 20 tags or fewer")
    rows = board_page.locator(".filter-tags .choices li")
    total = rows.count()
    wanted = rows.last.locator("input").get_attribute("value")
    box.fill(wanted)
    visible = board_page.locator(".filter-tags .choices li:visible")
    assert 0 < visible.count() < total
    for text in visible.all_inner_texts():
        assert wanted in text.lower()
    status = board_page.locator(".tag-filter [role=status]")
    expect(status).to_have_text(re.compile(rf"of {total} tags shown"))
