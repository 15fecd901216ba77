"""Security headers on every page, the admin included, and nothing inline for the CSP to block.

PAGES is the table to extend: (who, a function returning the URL from the ``board`` fixture).
"""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    DiscussionFactory,
    InsightFactory,
    MediaFactory,
    NewsItemFactory,
    WeeklyIssueFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    ("anonymous", lambda b: reverse("items:home")),
    ("anonymous", lambda b: reverse("items:issue_list")),
    ("anonymous", lambda b: b["issue"].get_absolute_url()),
    ("anonymous", lambda b: b["item"].get_absolute_url()),
    ("anonymous", lambda b: b["item"].category.get_absolute_url()),
    ("anonymous", lambda b: reverse("items:insight_list")),
    ("anonymous", lambda b: b["discussion"].get_absolute_url()),
    ("anonymous", lambda b: reverse("items:issue_present", kwargs={"slug": b["issue"].slug})),
    ("anonymous", lambda b: reverse("items:issue_recap", kwargs={"slug": b["issue"].slug})),
    (
        "anonymous",
        lambda b: reverse("items:term_present", kwargs={"start": b["issue"].slug, "end": b["issue"].slug}),
    ),
    ("instructor", lambda b: reverse("admin:items_weeklyissue_import_recap")),
    ("anonymous", lambda b: reverse("healthz")),
    ("anonymous", lambda b: "/no-such-page/"),
    ("student", lambda b: reverse("items:home")),
    ("anonymous", lambda b: reverse("admin:login")),
    ("instructor", lambda b: reverse("admin:index")),
    ("instructor", lambda b: reverse("admin:items_weeklyissue_changelist")),
    ("instructor", lambda b: reverse("admin:items_newsitem_changelist")),
    ("instructor", lambda b: reverse("admin:items_weeklyissue_change", args=[b["issue"].pk])),
    ("instructor", lambda b: reverse("admin:items_newsitem_change", args=[b["item"].pk])),
    ("instructor", lambda b: reverse("admin:items_newsitem_add")),
    ("instructor", lambda b: reverse("admin:password_change")),
]

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
EXPECTED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()",
}
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.I)


@pytest.fixture
def board():
    issue = WeeklyIssueFactory()
    item = NewsItemFactory(issue=issue)
    MediaFactory(item=item)
    InsightFactory().evidence.add(item)
    return {"issue": issue, "item": item, "discussion": DiscussionFactory(issue=issue)}


def parse_csp(header):
    return dict(part.strip().split(None, 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize(("who", "url_of"), PAGES)
def test_every_page_sends_the_security_headers(client, student, instructor, board, who, url_of):
    if who != "anonymous":
        client.force_login({"student": student, "instructor": instructor}[who])
    response = client.get(url_of(board), secure=True)
    assert response.status_code in (200, 404)
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    for header, value in EXPECTED_HEADERS.items():
        assert response[header] == value, header
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(("who", "url_of"), PAGES)
def test_no_page_needs_inline_script_or_style(client, student, instructor, board, who, url_of):
    if who != "anonymous":
        client.force_login({"student": student, "instructor": instructor}[who])
    html = client.get(url_of(board)).content.decode()
    assert not INLINE_SCRIPT.findall(html)
    assert not STYLE_ATTRIBUTE.findall(html)
    assert not INLINE_HANDLER.findall(html)
    assert "<style" not in html


def test_session_and_csrf_cookies_are_http_only_where_it_matters_and_same_site(client, instructor):
    client.get(reverse("admin:login"))
    response = client.post(
        reverse("admin:login"), {"username": "instructor", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["samesite"] == "Lax"


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get(reverse("items:home"))
