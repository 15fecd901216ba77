"""Screenshots of the home page and an issue page, for the README.

The browser tests call ``save_screenshots``; to refresh the committed PNGs, serve the demo and run
``.venv/bin/python -m tests.browser.screenshots http://127.0.0.1:8000`` (writes docs/screenshots/).
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1100, "height": 900}


def save_screenshots(page, base_url, folder=DOCS):
    """Save home.png and issue.png (the oldest issue, which has pictures) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    page.goto(base_url + "/")
    page.screenshot(path=folder / "home.png", full_page=False)
    page.goto(base_url + "/issues/")
    page.get_by_role("link", name="ML Weekly, Fri 18 Sep 2020").click()
    page.screenshot(path=folder / "issue.png", full_page=False)
    return [folder / "home.png", folder / "issue.png"]


def main(base_url):
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport=VIEWPORT)
        for path in save_screenshots(page, base_url.rstrip("/")):
            print(path)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
