"""Present mode in real Chromium: keyboard stepping, reveal order, fragment kept, the QR target."""

import datetime

import pytest

from tests.factories import CategoryFactory, DiscussionFactory, NewsItemFactory, WeeklyIssueFactory

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect

# serialized_rollback restores the Instructors group (made by a migration) after the flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def deck_url(live_server):
    issue = WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 25))
    nlp, vision = CategoryFactory(label="NLP"), CategoryFactory(label="Vision")
    NewsItemFactory(issue=issue, position=1, category=nlp, title="First story", excerpt="A quoted passage.")
    NewsItemFactory(issue=issue, position=2, category=vision, title="Second story")
    NewsItemFactory(issue=issue, position=3, category=vision, title="Third story")
    DiscussionFactory(slug="open-discussion", prompt="Where will ML take you?")
    return f"{live_server.url}/issues/2020-09-25/present/"


def visible(page):
    return page.locator("section.slide:not([hidden])")


def test_keyboard_steps_through_the_deck_in_the_courses_order(page, deck_url, live_server):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(deck_url)
    assert visible(page).count() == 1
    assert visible(page).locator("h1").inner_text() == "ML Weekly (Sept. 25th)"
    assert page.url.endswith("#slide-1")

    seen = []
    for key in ["ArrowRight", "Space", "PageDown", "ArrowRight", "ArrowRight"]:
        page.keyboard.press(key)
        slide = visible(page)
        seen.append(
            (
                slide.get_attribute("id"),
                slide.locator("li").all_inner_texts() if slide.locator("ol").count() else slide.inner_text(),
            )
        )
    assert seen[0] == ("slide-2", ["(NLP) First story"])
    assert seen[1][0] == "slide-3" and "A quoted passage." in seen[1][1]
    assert seen[2] == ("slide-4", ["(NLP) First story", "(Vision) Second story"])
    assert seen[3] == ("slide-5", ["(NLP) First story", "(Vision) Second story", "(Vision) Third story"])
    assert seen[4][0] == "slide-6"

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("PageUp")
    assert visible(page).get_attribute("id") == "slide-4"
    assert visible(page).locator("li.new").inner_text() == "(Vision) Second story"
    assert page.url.endswith("#slide-4")

    page.reload()
    assert visible(page).get_attribute("id") == "slide-4"

    page.keyboard.press("Home")
    assert visible(page).get_attribute("id") == "slide-1"
    page.keyboard.press("End")
    closing = visible(page)
    assert closing.get_attribute("id") == "slide-6"
    assert closing.locator("svg.qr-code").count() == 1
    target = closing.locator("a.qr-target")
    # The week's own discussion, not the Open Discussion, with the week's figures so far.
    assert target.get_attribute("href") == f"{live_server.url}/issues/2020-09-25/discussion/"
    assert target.inner_text() == f"{live_server.url}/issues/2020-09-25/discussion/"
    assert "What stood out for you this week?" in closing.inner_text()
    assert "So far: 0 students read this week · 0 comments" in closing.inner_text()
    assert all(url.startswith(live_server.url) for url in requests)


def test_a_fragment_opens_the_deck_on_that_slide(page, deck_url):
    page.goto(deck_url + "#slide-5")
    assert visible(page).get_attribute("id") == "slide-5"
    assert page.locator(".deck-progress").inner_text() == "5 / 6"


def test_without_javascript_the_deck_is_a_readable_page(browser, deck_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(deck_url)
    shown = [slide.get_attribute("id") for slide in page.locator("section.slide").all() if slide.is_visible()]
    # Title, the full list, the excerpt, the closing: the build-up steps are not repeated.
    assert shown == ["slide-1", "slide-3", "slide-5", "slide-6"]
    # Read top to bottom: the title, then the week's full list, then its excerpt, then the discussion.
    tops = [page.locator(f"#slide-{n}").bounding_box()["y"] for n in (1, 5, 3, 6)]
    assert tops == sorted(tops)
    context.close()


def test_arrow_keys_a_click_and_escape_as_a_presenter_uses_them(page, deck_url, live_server):
    page.goto(deck_url)
    page.keyboard.press("ArrowDown")
    assert visible(page).get_attribute("id") == "slide-2"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert visible(page).get_attribute("id") == "slide-2"
    visible(page).click(position={"x": 40, "y": 40})
    assert visible(page).get_attribute("id") == "slide-3"
    page.locator(".deck-controls [data-deck=prev]").click()
    assert visible(page).get_attribute("id") == "slide-2", "a button does what it says, not also next"

    site_link = page.locator(".deck-exit")
    expect(site_link).to_be_visible()
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement !== null")
    expect(site_link).to_be_hidden()
    page.keyboard.press("Escape")
    page.wait_for_function("document.fullscreenElement === null")
    expect(site_link).to_be_visible()
    assert visible(page).get_attribute("id") == "slide-2", "leaving full screen keeps the place"

    page.keyboard.press("End")
    page.locator("a.qr-target").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ML Weekly")
    assert page.url.startswith(f"{live_server.url}/discussion/week-2020-09-25/")
