"""The discussion in real Chromium: accounts, comments, moderation, and XSS that never runs."""

import re

import pytest
from django.core import mail

from items.models import Comment, Discussion
from tests.factories import DiscussionFactory, InstructorFactory
from tests.xss import XSS_PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def sign_up(page, base_url, username):
    page.goto(f"{base_url}/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.edu")
    page.fill("#id_password1", "a-long-Unusual-passphrase-42")
    page.fill("#id_password2", "a-long-Unusual-passphrase-42")
    page.fill("#id_display_name", username.title())
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Check your email")
    # The live server runs in this process, so its emails land in Django's test outbox.
    [message] = [m for m in mail.outbox if m.to == [f"{username}@example.edu"]]
    link = re.search(r"http://[^/\s]+(/accounts/activate/\S+)", message.body).group(1)
    page.goto(base_url + link)
    page.wait_for_selector("text=Welcome! Your account is ready.")


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Sign out")


def post_comment(page, text):
    page.fill("#id_body", text)
    page.click("#comment-form button[type=submit]")
    page.wait_for_load_state()


def comment_article(page, text):
    return page.locator("article.comment", has_text=text)


def test_sign_up_post_reply_edit_delete(live_server, new_page):
    discussion = DiscussionFactory(title="Open Discussion", prompt="Where will ML take you?")
    page = new_page()
    sign_up(page, live_server.url, "ada")
    page.goto(live_server.url + discussion.get_absolute_url())
    post_comment(page, "Robots *everywhere*.")
    first = comment_article(page, "Robots everywhere.")
    assert first.locator("em").inner_text() == "everywhere"
    assert "Ada" in first.inner_text()

    first.get_by_role("link", name="Reply").click()
    assert "Reply to Ada" in page.inner_text("#comment-form")
    post_comment(page, "Replying to myself.")
    reply = comment_article(page, "Replying to myself.")
    assert "indent-1" in reply.get_attribute("class")

    reply.get_by_role("link", name="Edit").click()
    page.fill("#id_body", "Replying to myself, edited.")
    page.click("main button[type=submit]")
    reply = comment_article(page, "Replying to myself, edited.")
    assert "edited" in reply.locator(".comment-meta").inner_text()

    # Delete asks first (static/js/comments.js).
    page.once("dialog", lambda dialog: dialog.accept())
    first.get_by_role("button", name="Delete").click()
    page.wait_for_selector("text=Your comment is deleted.")
    assert page.locator("text=[deleted]").count() == 1
    assert comment_article(page, "Replying to myself, edited.").count() == 1
    assert comment_article(page, "Robots everywhere.").count() == 0


def test_instructor_hides_and_restores(live_server, new_page):
    discussion = DiscussionFactory()
    InstructorFactory(username="prof")
    student = new_page()
    sign_up(student, live_server.url, "grace")
    student.goto(live_server.url + discussion.get_absolute_url())
    post_comment(student, "Something regrettable.")

    instructor = new_page()
    sign_in(instructor, live_server.url, "prof")
    instructor.goto(live_server.url + discussion.get_absolute_url())
    comment_article(instructor, "Something regrettable.").get_by_role("button", name="Hide").click()
    instructor.wait_for_selector("text=Comment hidden.")
    assert "Hidden from students" in comment_article(instructor, "Something regrettable.").inner_text()

    student.reload()
    # Its author still reads it, told why it is gone for the others.
    hidden = comment_article(student, "Something regrettable.")
    assert "Hidden by an instructor" in hidden.inner_text()
    assert hidden.get_by_role("button", name="Delete").count() == 0

    comment_article(instructor, "Something regrettable.").get_by_role("button", name="Restore").click()
    instructor.wait_for_selector("text=Comment restored.")
    student.reload()
    assert student.locator("text=Something regrettable.").count() == 1
    assert "Hidden by an instructor" not in comment_article(student, "Something regrettable.").inner_text()


def test_premoderation_approval_flow(live_server, new_page):
    discussion = DiscussionFactory(is_premoderated=True)
    InstructorFactory(username="prof")
    student = new_page()
    sign_up(student, live_server.url, "alan")
    student.goto(live_server.url + discussion.get_absolute_url())
    post_comment(student, "Waiting for a nod.")
    student.wait_for_selector("text=waits for an instructor's approval")
    assert "Pending approval" in comment_article(student, "Waiting for a nod.").inner_text()

    reader = new_page()
    reader.goto(live_server.url + discussion.get_absolute_url())
    assert reader.locator("text=Waiting for a nod.").count() == 0

    instructor = new_page()
    sign_in(instructor, live_server.url, "prof")
    instructor.goto(live_server.url + "/discussion/moderation/")
    instructor.locator("article", has_text="Waiting for a nod.").get_by_role("button", name="Approve").click()
    instructor.wait_for_selector("text=Comment approved.")
    assert instructor.locator("text=Nothing waits for approval.").count() == 1

    reader.reload()
    assert reader.locator("text=Waiting for a nod.").count() == 1
    assert Comment.objects.get().status == Comment.Status.VISIBLE


def test_xss_payloads_never_execute(live_server, new_page, settings):
    settings.NEWSBOARD_COMMENTS_PER_MINUTE = 1000
    discussion = DiscussionFactory()
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_up(page, live_server.url, "mallory")
    for payload in XSS_PAYLOADS:
        page.goto(live_server.url + discussion.get_absolute_url())
        post_comment(page, payload)
    page.goto(live_server.url + discussion.get_absolute_url())
    page.wait_for_load_state("load")
    page.locator("article.comment a").first.hover()
    assert Discussion.objects.get(pk=discussion.pk).comment_count == len(XSS_PAYLOADS)
    assert page.locator("article.comment").count() == len(XSS_PAYLOADS)
    assert dialogs == []
    assert page.evaluate("() => window.__xss") is None
    assert (
        page.locator(
            ".comment-body script, .comment-body img, .comment-body iframe, .comment-body svg"
        ).count()
        == 0
    )
