"""Pages pass the W3C Nu HTML checker (vnu.jar) without errors.

The checker needs Java and vnu.jar (the npm package vnu-jar): .ci/run installs the jar and
sets NEWSBOARD_VNU_JAR; elsewhere the test is skipped with the reason.
"""

import io
import json
import os
import shutil
import subprocess
import urllib.parse

import pytest
from django.core.management import call_command

from items import services
from items.models import Comment, Discussion, NewsItem
from newsletter import tokens
from newsletter.message import IssueEmail
from tests.factories import InstructorFactory
from tests.newsletter_support import verify

pytestmark = pytest.mark.django_db

VNU_JAR = os.environ.get("NEWSBOARD_VNU_JAR", "")


@pytest.mark.skipif(
    not (VNU_JAR and os.path.exists(VNU_JAR) and shutil.which("java")),
    reason="the W3C Nu checker needs Java and NEWSBOARD_VNU_JAR (set by .ci/run)",
)
def test_pages_are_valid_html(client, student, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    item = NewsItem.objects.get(title__startswith="PlaNet")
    # A comment made into a published insight: its credit and link on the insights page and slides.
    instructor = InstructorFactory()
    promoted = Comment.objects.filter(status=Comment.Status.VISIBLE, author__isnull=False).first()
    insight, _ = services.insight_from_comment(comment=promoted, by=instructor)
    insight.is_published = True
    insight.save()
    urls = [
        "/",
        "/issues/",
        item.issue.get_absolute_url(),
        "/items/?category=vision&tag=cnn",
        "/items/?q=robot",
        "/search/?q=ethics",
        "/search/?q=neural+netwrok",
        item.get_absolute_url(),
        item.category.get_absolute_url(),
        "/tags/cnn/",
        "/insights/",
        "/discussion/",
        Discussion.objects.get().get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
        f"/issues/{item.issue.slug}/present/",
        "/present/term/2020-09-01/2020-12-31/",
        "/no-such-page/",
    ]
    files = []
    for index, url in enumerate(urls):
        response = client.get(url)
        if url == "/insights/":
            assert "from the discussion</a>" in response.content.decode()
        path = tmp_path / f"page{index}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    unsubscribe = urllib.parse.urlsplit(tokens.unsubscribe_url(student.pk)).path
    verify(student)
    for name, url in [("unsubscribe", unsubscribe), ("unsubscribe-bad", unsubscribe[:-5] + "x/")]:
        path = tmp_path / f"{name}.html"
        path.write_bytes(client.get(url).content)
        files.append(str(path))
    path = tmp_path / "issue-email.html"
    path.write_text(IssueEmail(item.issue).message(student.pk, student.email).alternatives[0].content)
    files.append(str(path))
    client.force_login(student)
    path = tmp_path / "signed-in-discussion.html"
    path.write_bytes(client.get(Discussion.objects.get().get_absolute_url()).content)
    files.append(str(path))
    path = tmp_path / "settings.html"
    path.write_bytes(client.get("/accounts/settings/").content)
    files.append(str(path))
    client.force_login(promoted.author)
    path = tmp_path / "my-week.html"
    path.write_bytes(client.get("/me/").content)
    assert "Your comment became Insight" in path.read_text()
    files.append(str(path))
    # An instructor's thread: the moderation buttons, "Make an insight" among them.
    client.force_login(instructor)
    path = tmp_path / "instructor-discussion.html"
    path.write_bytes(client.get(promoted.discussion.get_absolute_url()).content)
    files.append(str(path))

    result = subprocess.run(
        ["java", "-jar", VNU_JAR, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert not errors, "\n".join(errors)
