"""The sitemap and robots.txt: public pages only."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_public_pages_and_never_drafts(client):
    item = NewsItemFactory(tags=["faces"])
    draft = NewsItemFactory(issue=WeeklyIssueFactory(draft=True), tags=["secret"])
    scheduled = NewsItemFactory(issue=WeeklyIssueFactory(scheduled=True))
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", NS)}
    base = "http://testserver"
    assert {
        base + reverse("items:home"),
        base + reverse("items:item_list"),
        base + item.get_absolute_url(),
        base + item.issue.get_absolute_url(),
        base + item.category.get_absolute_url(),
        base + reverse("items:tag_detail", kwargs={"slug": "faces"}),
    } <= locations
    for hidden in (draft, scheduled):
        assert base + hidden.get_absolute_url() not in locations
        assert base + hidden.issue.get_absolute_url() not in locations
    assert base + reverse("items:tag_detail", kwargs={"slug": "secret"}) not in locations


def test_robots_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body
