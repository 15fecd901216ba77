"""Semantics every board page keeps: one h1 and headings in order, labelled form controls,
a skip link, machine-readable dates, and no inline script or style (a strict CSP comes)."""

import io
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.problems, self.labels, self.controls, self.times = [], [], set(), [], []
        self.in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.problems.append(f"inline style or handler on <{tag}>")
        if tag == "script" and "src" not in attrs:
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag == "label":
            self.in_label += 1
            if "for" in attrs:
                self.labels.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.controls.append((attrs.get("id"), bool(self.in_label), attrs.get("aria-label")))
        if tag == "time":
            self.times.append(attrs.get("datetime"))

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1


def audit(html):
    parser = PageAudit()
    parser.feed(html)
    return parser


PAGES = [
    reverse("items:home"),
    reverse("items:issue_list"),
    "/issues/2020-09-18/",
    reverse("items:item_list"),
    reverse("items:item_list") + "?category=vision&tag=gpt-3&q=gpt&since=bad",
    reverse("items:category_detail", kwargs={"slug": "vision"}),
    reverse("items:tag_detail", kwargs={"slug": "gpt-3"}),
    reverse("items:insight_list"),
    reverse("items:search") + "?q=ethics",
    reverse("items:search") + "?q=robto",
    "/no-such-page/",
]


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_semantic_and_csp_ready(client, demo, url):
    html = client.get(url).content.decode()
    page = audit(html)
    assert not page.problems
    assert page.headings.count(1) == 1
    for previous, current in zip(page.headings, page.headings[1:], strict=False):
        assert current <= previous + 1, f"heading h{previous} is followed by h{current}"
    for control_id, wrapped, aria_label in page.controls:
        assert wrapped or aria_label or control_id in page.labels, f"unlabelled control {control_id}"
    assert 'href="#main"' in html and 'id="main"' in html
    assert all(page.times), "every <time> has a datetime"


def test_dates_read_as_the_course_writes_them(client, demo):
    html = client.get("/issues/2020-09-18/").content.decode()
    assert '<time datetime="2020-09-18">Fri 18 Sep 2020</time>' in html


def test_item_page_links_to_its_issue_and_insights(client, demo):
    from items.models import Insight

    item = Insight.objects.first().evidence.first()
    html = client.get(item.get_absolute_url()).content.decode()
    assert item.issue.get_absolute_url() in html
    assert "Insights that cite this item" in html
