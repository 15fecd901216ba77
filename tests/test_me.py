"""My week (/me/): a student's own catching up and figures, in a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from items import reading, services
from items.models import DiscussionVisit
from tests.factories import (
    DiscussionFactory,
    InstructorFactory,
    NewsItemFactory,
    ProfileFactory,
    UserFactory,
    WeeklyIssueFactory,
)

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def section(page, title_id):
    return re.search(rf'<section aria-labelledby="{title_id}">.*?</section>', page, re.S).group(0)


def test_my_week_shows_what_to_catch_up_on_and_my_own_figures(django_assert_max_num_queries):
    me = UserFactory()
    older = WeeklyIssueFactory()
    latest = WeeklyIssueFactory()
    old_items = [NewsItemFactory(issue=older, position=n) for n in (1, 2)]
    new_items = [NewsItemFactory(issue=latest, position=n, title=f"Latest {n}") for n in (1, 2, 3)]
    reading.mark_read(me, [old_items[0], new_items[1]])

    discussion = DiscussionFactory()
    mine = services.comment_create(discussion=discussion, author=me, body="My point")
    named = UserFactory(username="named-nora")
    ProfileFactory(user=named, display_name="Nora Named")
    services.comment_create(discussion=discussion, author=named, body="Good point", parent=mine)
    secret = UserFactory(username="secret-sam")
    services.comment_create(
        discussion=discussion, author=secret, body="Quiet reply", parent=mine, anonymous=True
    )
    services.comment_mark_helpful(comment=mine, by=named)
    services.comment_mark_helpful(comment=mine, by=secret)
    services.comment_endorse(comment=mine, by=InstructorFactory())
    quiet = DiscussionFactory(title="Quiet discussion")
    services.comment_create(discussion=quiet, author=me, body="Nobody answered")

    client = signed_in(me)
    client.get(reverse("items:home"))
    with django_assert_max_num_queries(8):
        page = client.get(reverse("items:me")).content.decode()

    unread = section(page, "unread-title")
    assert "Latest 1" in unread and "Latest 3" in unread and "Latest 2" not in unread
    assert old_items[1].title not in unread
    replies = section(page, "replies-title")
    assert "Nora Named" in replies and "Anonymous student" in replies
    assert "secret-sam" not in page
    news = section(page, "news-title")
    # Never visited since: both replies are new, and the link opens at the first.
    assert f'href="{discussion.get_absolute_url()}#c{mine.pk + 1}"' in news and "2 new" in news
    assert "Quiet discussion" not in news
    progress = section(page, "progress-title")
    assert "<strong>2</strong> of 5 items read" in progress
    figures = section(page, "participation-title")
    assert re.search(r"Comments posted</dt><dd>2</dd>", figures)
    assert re.search(r"Helpful marks received</dt><dd>2</dd>", figures)
    assert re.search(r"Endorsed by an instructor</dt><dd>1</dd>", figures)


def test_reading_the_discussion_clears_its_news():
    me, other = UserFactory(), UserFactory()
    discussion = DiscussionFactory()
    mine = services.comment_create(discussion=discussion, author=me, body="Mine")
    services.comment_create(discussion=discussion, author=other, body="Reply", parent=mine)
    client = signed_in(me)
    assert "1 new" in section(client.get(reverse("items:me")).content.decode(), "news-title")
    client.get(discussion.get_absolute_url())
    assert DiscussionVisit.objects.filter(student=me).exists()
    news = section(client.get(reverse("items:me")).content.decode(), "news-title")
    assert "Nothing new" in news
    seen = DiscussionVisit.objects.get().last_seen_at
    DiscussionVisit.objects.update(last_seen_at=seen - timedelta(hours=1))
    assert "1 new" in section(client.get(reverse("items:me")).content.decode(), "news-title")


def test_my_week_is_mine_alone(client):
    response = client.get(reverse("items:me"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = signed_in(UserFactory()).get(reverse("items:me"))
    assert "private" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
