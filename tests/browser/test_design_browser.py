"""One design in real Chromium: one button style, labels above fields, a focus ring that is not
an error, in light and dark."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import CommentFactory

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
BUTTON_STYLE = """button => {
  const style = getComputedStyle(button);
  return ["background-color", "color", "border-radius", "font-weight", "padding-top", "padding-left",
          "min-height", "font-size"].map(name => style.getPropertyValue(name));
}"""


def sign_in(page, base_url):
    get_user_model().objects.create_user("ada", "ada@example.edu", PASSWORD)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Sign out")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_sign_up_sign_in_post_report_and_filter_buttons_look_alike(live_server, new_page, scheme):
    page = new_page()
    page.emulate_media(color_scheme=scheme)
    styles = {}
    page.goto(f"{live_server.url}/accounts/signup/")
    styles["sign up"] = page.locator("main button[type=submit]").evaluate(BUTTON_STYLE)
    page.goto(f"{live_server.url}/items/")
    styles["filters"] = page.get_by_role("button", name="Show items").evaluate(BUTTON_STYLE)
    sign_in(page, live_server.url)
    comment = CommentFactory()
    page.goto(f"{live_server.url}{comment.discussion.get_absolute_url()}")
    styles["post"] = page.get_by_role("button", name="Post comment").evaluate(BUTTON_STYLE)
    page.goto(live_server.url + reverse("items:comment_report", args=[comment.pk]))
    styles["report"] = page.get_by_role("button", name="Send the report").evaluate(BUTTON_STYLE)
    assert len({tuple(style) for style in styles.values()}) == 1, styles
    background = styles["post"][0]
    assert background == ("rgb(11, 92, 173)" if scheme == "light" else "rgb(124, 184, 255)")
    assert float(styles["post"][6].removesuffix("px")) >= 24, "a touch target of at least 24 px"


def test_labels_sit_above_their_fields_and_focus_is_not_an_error(live_server, page):
    page.goto(f"{live_server.url}/accounts/signup/")
    for field in page.locator("main .field").all():
        label, control = field.locator("label").first, field.locator("input, textarea, select").first
        if control.get_attribute("type") == "checkbox":
            continue
        assert label.bounding_box()["y"] + label.bounding_box()["height"] <= control.bounding_box()["y"] + 1
        assert abs(label.bounding_box()["x"] - control.bounding_box()["x"]) < 2
    page.locator("main button[type=submit]").click()
    error_colour = page.locator("main .errorlist").first.evaluate("e => getComputedStyle(e).color")
    page.locator("#id_username").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.locator("#id_username").evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineColor]"
    )
    assert ring[0] == "solid"
    assert ring[1] == "rgb(11, 92, 173)" and ring[1] != error_colour
