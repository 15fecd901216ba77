"""Posting anonymously to classmates: every place a comment's author is named names "Anonymous
student" to classmates and visitors, and the real author (with a marker) to instructors alone."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from items import services
from items.models import Comment
from tests.factories import (
    InstructorFactory,
    NewsItemFactory,
    ProfileFactory,
    UserFactory,
)
from tests.newsletter_support import verify
from tests.test_routes import ROUTES

pytestmark = pytest.mark.django_db

SECRETS = ("secret-sam", "Samantha Secret")


@pytest.fixture
def author():
    user = UserFactory(username="secret-sam", email="sam@example.edu")
    ProfileFactory(user=user, display_name="Samantha Secret")
    return user


@pytest.fixture
def thread(author):
    """An item's discussion with a named comment, an anonymous reply to it, and replies deep
    enough to say whom they answer."""
    item = NewsItemFactory(tags=["shared"])
    discussion = services.discussion_for_item(item)
    asker = UserFactory(username="asker", email="asker@example.edu")
    question = services.comment_create(discussion=discussion, author=asker, body="Why attention?")
    answer = services.comment_create(
        discussion=discussion, author=author, body="Because it scales.", parent=question, anonymous=True
    )
    parent = answer
    for depth in range(3):
        parent = services.comment_create(
            discussion=discussion, author=author, body=f"And more {depth}", parent=parent, anonymous=True
        )
    return {"item": item, "discussion": discussion, "comment": answer, "question": question}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def assert_unnamed(html, where):
    for secret in SECRETS:
        assert secret not in html, (where, secret)


def test_classmates_and_visitors_see_anonymous_student_on_every_page(thread, author):
    classmate = signed_in(UserFactory())
    visitor = Client()
    content = {**thread, "discussion": thread["discussion"]}
    for name, (method, build, _) in ROUTES.items():
        if method != "GET":
            continue
        url = build(content)
        for who, client in (("classmate", classmate), ("visitor", visitor)):
            # Twice: the second visitor's page comes from the page cache.
            for _ in range(2):
                response = client.get(url, follow=True)
                assert_unnamed(response.content.decode(), (name, who))
    page = classmate.get(thread["discussion"].get_absolute_url()).content.decode()
    assert page.count("Anonymous student") >= 4
    assert 'aria-label="Comment by Anonymous student"' in page
    assert "in reply to <a" in page  # the deepest reply names whom it answers: anonymously


def test_an_insight_from_an_anonymous_comment_credits_a_student_on_every_page(thread, author):
    """The insight's credit on the insights page, its feed and present mode, and every other page."""
    insight, _ = services.insight_from_comment(comment=thread["comment"], by=InstructorFactory())
    insight.is_published = True
    insight.full_clean()
    insight.save()
    services.insight_published(insight)
    issue = thread["item"].issue
    surfaces = {
        "insights page": reverse("items:insight_list"),
        "insights feed": reverse("items:insights_feed"),
        "present mode": reverse("items:term_present", args=[issue.slug, issue.slug]),
    }
    for where, url in surfaces.items():
        for client in (Client(), signed_in(UserFactory())):
            html = client.get(url).content.decode()
            assert "Suggested by a student" in html and "from the discussion" in html, where
            assert_unnamed(html, where)
    classmate = signed_in(UserFactory())
    for name, (method, build, _) in ROUTES.items():
        if method == "GET":
            assert_unnamed(classmate.get(build(thread), follow=True).content.decode(), name)
    # Its author alone is told, on their own page.
    assert "Your comment became Insight" in signed_in(author).get(reverse("items:me")).content.decode()


def test_the_reply_form_names_an_anonymous_comment_s_author_anonymously(thread):
    url = thread["discussion"].get_absolute_url() + f"?reply_to={thread['comment'].pk}"
    page = signed_in(UserFactory()).get(url).content.decode()
    assert "Reply to Anonymous student" in page
    assert_unnamed(page, "reply form")


def test_instructors_see_the_author_with_a_marker(thread):
    instructor = InstructorFactory()
    page = signed_in(instructor).get(thread["discussion"].get_absolute_url()).content.decode()
    assert "Samantha Secret" in page and "Anonymous to classmates" in page
    queue_comment = thread["comment"]
    services.comment_report(comment=queue_comment, by=UserFactory(), reason="Check this")
    queue = signed_in(instructor).get(reverse("items:moderation_queue")).content.decode()
    assert "Samantha Secret" in queue and "Anonymous to classmates" in queue


def test_the_author_is_told_the_comment_is_anonymous(thread, author):
    page = signed_in(author).get(thread["discussion"].get_absolute_url()).content.decode()
    assert "You posted this anonymously" in page
    # A classmate drawing the thread after the author gets none of the author's parts.
    classmate_page = signed_in(UserFactory()).get(thread["discussion"].get_absolute_url()).content.decode()
    assert "You posted this anonymously" not in classmate_page
    assert_unnamed(classmate_page, "after the author's visit")


def test_an_instructor_posting_anonymously_loses_the_badge_for_classmates(thread):
    instructor = InstructorFactory(username="prof-x")
    services.comment_create(discussion=thread["discussion"], author=instructor, body="Hint", anonymous=True)
    page = signed_in(UserFactory()).get(thread["discussion"].get_absolute_url()).content.decode()
    assert "prof-x" not in page
    assert '<span class="badge">Instructor</span>' not in page


def test_the_reply_email_names_the_replier_anonymously(thread, author, django_capture_on_commit_callbacks):
    # Only a verified address gets email (the newsletter's rule, issue 20).
    verify(thread["question"].author)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(
            discussion=thread["discussion"],
            author=author,
            body="One more thing",
            parent=thread["question"],
            anonymous=True,
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("Anonymous student replied")
    assert_unnamed(message.subject + message.body, "email")


def test_posting_through_the_form_keeps_the_choice(thread, author):
    client = signed_in(author)
    url = reverse("items:comment_create", args=[thread["discussion"].slug])
    page = client.get(thread["discussion"].get_absolute_url()).content.decode()
    assert 'name="anonymous"' in page and "Post anonymously to classmates" in page
    token = re.search(r'name="submit_token" value="([^"]+)"', page).group(1)
    response = client.post(url, {"body": "Quietly", "anonymous": "on", "submit_token": token})
    assert response.status_code == 302
    assert Comment.objects.get(body="Quietly").is_anonymous


def test_the_course_can_turn_it_off(thread, author, settings):
    settings.NEWSBOARD_ANONYMOUS_POSTING = False
    client = signed_in(author)
    page = client.get(thread["discussion"].get_absolute_url()).content.decode()
    assert 'name="anonymous"' not in page
    # Comments already posted anonymously stay anonymous.
    classmate_page = signed_in(UserFactory()).get(thread["discussion"].get_absolute_url())
    assert_unnamed(classmate_page.content.decode(), "turned off")
    # A form ticked before it was turned off is refused with the text kept, never posted named.
    url = reverse("items:comment_create", args=[thread["discussion"].slug])
    response = client.post(url, {"body": "Do not name me", "anonymous": "on"})
    assert response.status_code == 400
    assert "Anonymous posting is turned off" in response.content.decode()
    assert "Do not name me" in response.content.decode()
    assert not Comment.objects.filter(body="Do not name me").exists()
    with pytest.raises(ValidationError):
        services.comment_create(discussion=thread["discussion"], author=author, body="x", anonymous=True)
