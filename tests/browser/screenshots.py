"""Screenshots for the README: the home page and an issue page on a desktop, the filtered item
list on a phone (filters folded away, results first), and an issue page and a discussion in the
dark theme.

The browser tests call ``save_screenshots``; to refresh the committed PNGs, serve the demo and run
``.venv/bin/python -m tests.browser.screenshots http://127.0.0.1:8000`` (writes docs/screenshots/).
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1100, "height": 900}
# Pictures load lazily; a screenshot taken before they arrive shows empty frames.
LOAD_IMAGES = """Promise.all([...document.images].map(img => img.complete ? null : new Promise(done => {
    img.loading = "eager"; img.onload = img.onerror = done;
})))"""


def shoot(page, path):
    page.evaluate(LOAD_IMAGES)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=path, full_page=False)


PHONE = {"width": 390, "height": 844}


def save_screenshots(page, base_url, folder=DOCS):
    """Save home.png and issue.png (Fri 2 Oct 2020, which opens with pictures), phone.png (the
    items filtered by Vision, on a phone) and dark.png (the same issue, dark theme) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(VIEWPORT)
    page.emulate_media(color_scheme="light")
    page.goto(base_url + "/")
    shoot(page, folder / "home.png")
    page.goto(base_url + "/issues/")
    page.get_by_role("link", name="ML Weekly, Fri 2 Oct 2020").click()
    issue_url = page.url
    shoot(page, folder / "issue.png")
    page.emulate_media(color_scheme="dark")
    page.reload()
    shoot(page, folder / "dark.png")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(PHONE)
    page.goto(base_url + "/items/?category=vision")
    shoot(page, folder / "phone.png")
    page.set_viewport_size(VIEWPORT)
    page.goto(issue_url)
    return [folder / name for name in ("home.png", "issue.png", "dark.png", "phone.png")]


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
