"""manage.py security_headers: every public page and the admin grade A+."""

import re

import pytest
from django.core.management import call_command

from newsboard.security_grade import grade
from tests.factories import DiscussionFactory, InsightFactory, NewsItemFactory

pytestmark = pytest.mark.django_db


def test_every_page_and_the_admin_grade_a_plus(capsys, instructor):
    item = NewsItemFactory(tags=["shared"])
    InsightFactory().evidence.add(item)
    DiscussionFactory(issue=item.issue)
    call_command("security_headers", instructor="instructor")
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) >= 25
    for row in rows:
        assert row.endswith("| A+ |"), row
        assert not re.search(r"\| 5\d\d \|", row), row


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "F"),
        ({"Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'"}, "F"),
        (
            {
                "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
                "Strict-Transport-Security": "max-age=31536000",
                "X-Frame-Options": "DENY",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "same-origin",
                "Cross-Origin-Opener-Policy": "same-origin",
            },
            "A",
        ),
    ],
)
def test_grade_counts_missing_or_weak_headers(headers, expected):
    assert grade(headers)[1] == expected
