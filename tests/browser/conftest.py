"""Real headless Chromium through Playwright, against pytest-django's live server."""

import importlib
import io
import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

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
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium):
    return chromium


@pytest.fixture
def page(chromium):
    """One page in a fresh browser context."""
    context = chromium.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


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


@pytest.fixture(autouse=True)
def instructors_group(transactional_db):
    """Recreate the Instructors group: transactional tests flush what data migrations made."""
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("items.migrations.0002_instructors_group")
    group, _ = Group.objects.get_or_create(name="Instructors")
    for app_label, models in migration.INSTRUCTOR_PERMISSIONS.items():
        for model, actions in models.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=[f"{a}_{model}" for a in actions]
                )
            )


def launch(playwright):
    """Start Debian's Chromium the way the tests do (used by screenshots.py too)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture
def board_url(live_server, transactional_db, settings):
    """The live server's address, serving the course deck and its media."""
    settings.ROOT_URLCONF = "tests.browser.urls"
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def board_page(chromium, board_url):
    """A page whose relative URLs go to the live board with the course deck loaded."""
    context = chromium.new_context(base_url=board_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
