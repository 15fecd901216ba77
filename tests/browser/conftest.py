"""Real headless Chromium through Playwright, against pytest-django's live server."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM}: browser tests need it (apt-get install chromium)."
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="Python playwright is not installed.")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """Open pages in fresh browser contexts (separate cookies: separate people)."""
    contexts = []

    def make():
        context = chromium.new_context()
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
