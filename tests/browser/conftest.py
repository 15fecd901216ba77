"""Headless Chromium through Playwright against pytest-django's live server, with the demo loaded."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium): browser tests skipped."
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def board_url(live_server, transactional_db, settings):
    """The live server's address, serving the course deck and its media."""
    settings.ROOT_URLCONF = "tests.browser.urls"
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def page(chromium, board_url):
    context = chromium.new_context(base_url=board_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
