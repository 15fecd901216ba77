"""Real Chromium under the real policy: the board and the admin raise no CSP violation."""

import pytest
from django.urls import reverse

from tests.factories import InstructorFactory, MediaFactory, NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page(page):
    """The conftest's page, collecting every Content-Security-Policy report in the console."""
    page.violations = []
    page.on(
        "console",
        lambda message: (
            page.violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_and_admin_run_under_the_strict_policy(live_server, browser_page):
    issue = WeeklyIssueFactory()
    item = NewsItemFactory(issue=issue)
    MediaFactory(item=item)
    InstructorFactory(username="prof")
    page = browser_page
    present = reverse("items:issue_present", kwargs={"slug": issue.slug})
    for url in [reverse("items:home"), issue.get_absolute_url(), item.get_absolute_url(), present]:
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
