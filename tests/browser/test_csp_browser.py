"""Real Chromium under the real policy: the board and the admin raise no CSP violation."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import InstructorFactory, MediaFactory, NewsItemFactory, WeeklyIssueFactory

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's sync API runs an event loop; the ORM calls here are plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium"),
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.violations = []
        page.on(
            "console",
            lambda message: (
                page.violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        yield page
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_pages_and_admin_run_under_the_strict_policy(live_server, browser_page):
    issue = WeeklyIssueFactory()
    item = NewsItemFactory(issue=issue)
    MediaFactory(item=item)
    InstructorFactory(username="prof")
    page = browser_page
    for url in [reverse("items:home"), issue.get_absolute_url(), item.get_absolute_url()]:
        page.goto(live_server.url + url)
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "prof")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    for url in [
        reverse("admin:items_newsitem_changelist"),
        reverse("admin:items_newsitem_change", args=[item.pk]),
        reverse("admin:items_weeklyissue_add"),
    ]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    # The admin's own scripts at work: the date shortcut fills the field.
    page.locator(".datetimeshortcuts a").first.click()
    assert page.locator("#id_issue_date").input_value()
    assert page.violations == []
