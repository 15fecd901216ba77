"""The insights page: each published insight with the published items that support it."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, InsightFactory, NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db


def test_each_insight_lists_its_published_evidence_oldest_first(client):
    robotics = CategoryFactory(label="Robotics")
    later = NewsItemFactory(
        issue=WeeklyIssueFactory(issue_date=datetime.date(2020, 11, 6)),
        title="Curling robot",
        category=robotics,
    )
    earlier = NewsItemFactory(
        issue=WeeklyIssueFactory(issue_date=datetime.date(2020, 10, 2)), title="Earlier"
    )
    draft = WeeklyIssueFactory(draft=True, issue_date=datetime.date(2021, 1, 8))
    hidden = NewsItemFactory(issue=draft, title="Not yet published")
    InsightFactory(number=1, headline="Robots leave the lab").evidence.set([later, earlier, hidden])
    InsightFactory(number=2, headline="No evidence yet")
    InsightFactory(number=3, headline="Unpublished insight", is_published=False)

    html = client.get(reverse("items:insight_list")).content.decode()

    first, second = html.split('<li id="insight-')[1:]
    lines = re.findall(
        r'<li><a href="([^"]+)"><span class="badge badge-\w+">(\w+)</span> ([^<]+)</a> \((<time[^)]*)\)',
        first,
    )
    assert [(url, title) for url, _, title, _ in lines] == [
        (earlier.get_absolute_url(), "Earlier"),
        (later.get_absolute_url(), "Curling robot"),
    ]
    assert lines[1][1] == "Robotics"
    assert lines[1][3] == '<time datetime="2020-11-06">Fri 6 Nov 2020</time>'
    assert "Supported by" not in second and "No evidence yet" in second
    assert "Not yet published" not in html and "Unpublished insight" not in html


def test_an_insight_s_words_are_shown_as_text_not_markup(client):
    item = NewsItemFactory(title="Robots <b>everywhere</b>")
    InsightFactory(headline="Less <i>is</i> more", body="Use <script>x</script> & co").evidence.set([item])
    html = client.get(reverse("items:insight_list")).content.decode()
    assert "Less &lt;i&gt;is&lt;/i&gt; more" in html
    assert "Use &lt;script&gt;x&lt;/script&gt; &amp; co" in html
    assert "Robots &lt;b&gt;everywhere&lt;/b&gt;" in html
    assert "<script>x" not in html
