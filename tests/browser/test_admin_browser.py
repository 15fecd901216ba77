"""The instructor's issue editor in real Chromium: the item table fits, tags are suggested."""

import pytest

from items.models import WeeklyIssue

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect
pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor(board_page):
    """The admin's change page of the demo's busiest issue, signed in as an instructor."""
    from tests.factories import InstructorFactory

    InstructorFactory(username="teacher")
    board_page.set_viewport_size({"width": 1280, "height": 900})
    board_page.goto("/admin/login/")
    board_page.fill("#id_username", "teacher")
    board_page.fill("#id_password", PASSWORD)
    board_page.click("input[type=submit]")
    issue = WeeklyIssue.objects.get(issue_date="2020-10-16")
    board_page.goto(f"/admin/items/weeklyissue/{issue.pk}/change/")
    return board_page


def test_the_item_table_fits_the_screen_with_every_column_whole(editor):
    width = editor.evaluate("document.documentElement.clientWidth")
    assert editor.evaluate("document.documentElement.scrollWidth") <= width
    table = editor.locator(".inline-group .tabular table")
    assert table.bounding_box()["x"] + table.bounding_box()["width"] <= width
    for column in ("source", "tags", "summary", "link"):
        cell = editor.locator(f".inline-group td.field-{column}").first
        field = cell.locator("input, textarea").first
        box, cell_box = field.bounding_box(), cell.bounding_box()
        assert box["width"] >= 60, column
        assert box["x"] + box["width"] <= cell_box["x"] + cell_box["width"] + 1, column
        assert cell_box["x"] + cell_box["width"] <= width, column


def test_tags_are_suggested_from_the_boards_tags_after_a_comma(editor):
    tags = editor.locator(".inline-group td.field-tags input").first
    tags.fill("")
    tags.press_sequentially("cnn, rob")
    options = editor.eval_on_selector_all("#tag-names option", "options => options.map(o => o.value)")
    assert "cnn, robots" in options
    assert all(option.startswith("cnn, ") for option in options)
    assert "cnn, cnn" not in options
