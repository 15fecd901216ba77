"""The icons and the web app manifest: no 404 on any page load, and "Add to home screen" works."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse
from PIL import Image

from tests.factories import NewsItemFactory

pytestmark = pytest.mark.django_db


def static_file(url):
    """The file behind a /static/ address, found as collectstatic would."""
    path = finders.find(url.removeprefix(static("")))
    assert path, f"{url} is not a static file"
    return path


@pytest.fixture
def pages(client):
    issue = NewsItemFactory().issue
    return {
        "home": client.get(reverse("items:home")).content.decode(),
        "present": client.get(reverse("items:issue_present", args=[issue.slug])).content.decode(),
        "not found": client.get("/no-such-page/").content.decode(),
    }


@pytest.mark.parametrize("page", ["home", "present", "not found"])
def test_every_page_names_its_icons_and_manifest(pages, page):
    html = pages[page]
    links = dict(re.findall(r'<link rel="(icon|apple-touch-icon|manifest)" href="([^"]+)"', html))
    assert set(links) == {"icon", "apple-touch-icon", "manifest"}, links
    assert links["manifest"] == reverse("manifest")
    with Image.open(static_file(links["apple-touch-icon"])) as icon:
        assert icon.size == (180, 180) and icon.mode == "RGB", "iOS shows transparency as black"
    svg = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)[1]
    with open(static_file(svg)) as icon:
        assert icon.read().startswith("<svg")


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    with Image.open(static_file(response["Location"])) as icon:
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= icon.info["sizes"]


def test_the_manifest_lets_a_phone_add_the_board_to_its_home_screen(client):
    response = client.get(reverse("manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["name"] and len(manifest["short_name"]) <= 12
    purposes = set()
    for icon in manifest["icons"]:
        purposes.add(icon.get("purpose", "any"))
        if icon["type"] == "image/png":
            with Image.open(static_file(icon["src"])) as image:
                assert f"{image.width}x{image.height}" == icon["sizes"]
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    assert purposes == {"any", "maskable"}


def test_a_private_board_still_gives_the_manifest_to_a_browser_without_cookies(client, settings):
    settings.NEWSBOARD_LOGIN_REQUIRED = True
    assert client.get(reverse("items:home")).status_code == 302
    assert client.get(reverse("manifest")).status_code == 200
    assert client.get("/favicon.ico").status_code == 301
