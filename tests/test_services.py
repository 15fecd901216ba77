"""The comment services: every rule a write must follow."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from items import services
from items.models import Comment, CommentReport, CommentRevision, Discussion, ModerationAction
from tests.factories import (
    CommentFactory,
    DiscussionFactory,
    InstructorFactory,
    NewsItemFactory,
    ProfileFactory,
    UserFactory,
    WeeklyIssueFactory,
)
from tests.newsletter_support import free_port, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion():
    return DiscussionFactory()


def post(discussion, author, body="A thought", **kwargs):
    return services.comment_create(discussion=discussion, author=author, body=body, **kwargs)


def test_create_renders_markdown_and_updates_counts(discussion, student):
    comment = post(discussion, student, body="I *think* so")
    assert comment.status == Comment.Status.VISIBLE
    assert comment.body_html == "<p>I <em>think</em> so</p>"
    discussion.refresh_from_db()
    assert discussion.comment_count == 1
    assert discussion.last_activity_at == comment.created_at


def test_reply_depth_follows_its_parent(discussion, student):
    top = post(discussion, student)
    reply = post(discussion, UserFactory(), parent=top)
    deeper = post(discussion, student, parent=reply)
    assert (top.depth, reply.depth, deeper.depth) == (0, 1, 2)


@pytest.mark.parametrize("status", [Comment.Status.HIDDEN, Comment.Status.DELETED, Comment.Status.PENDING])
def test_replying_to_an_invisible_comment_is_refused(discussion, student, status):
    parent = CommentFactory(discussion=discussion, status=status)
    with pytest.raises(ValidationError):
        post(discussion, student, parent=parent)


def test_replying_across_discussions_is_refused(discussion, student):
    elsewhere = CommentFactory()
    with pytest.raises(ValidationError):
        post(discussion, student, parent=elsewhere)


def test_maximum_length_is_configurable(discussion, student, settings):
    settings.NEWSBOARD_COMMENT_MAX_LENGTH = 10
    post(discussion, student, body="x" * 10)
    with pytest.raises(ValidationError, match="at most 10 characters"):
        post(discussion, student, body="x" * 11)


def test_blank_comments_are_refused(discussion, student):
    with pytest.raises(ValidationError):
        post(discussion, student, body="   \n ")


def test_rate_limit_per_minute(discussion, student, settings):
    settings.NEWSBOARD_COMMENTS_PER_MINUTE = 2
    post(discussion, student)
    post(discussion, student)
    with pytest.raises(services.RateLimited, match="last minute"):
        post(discussion, student)
    # Another student is not affected.
    post(discussion, UserFactory())


def test_rate_limit_per_day(discussion, student, settings):
    settings.NEWSBOARD_COMMENTS_PER_DAY = 3
    for hours in (3, 2, 1):
        earlier = timezone.now() - timedelta(hours=hours)
        CommentFactory(discussion=discussion, author=student, created_at=earlier)
    with pytest.raises(services.RateLimited, match="daily limit"):
        post(discussion, student)


def test_instructors_are_not_rate_limited(discussion, instructor, settings):
    settings.NEWSBOARD_COMMENTS_PER_MINUTE = 1
    post(discussion, instructor)
    post(discussion, instructor)


def test_double_submit_makes_one_comment(discussion, student):
    token = uuid.uuid4()
    first = post(discussion, student, submit_token=token)
    second = post(discussion, student, submit_token=token)
    assert first.pk == second.pk
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("who", ["student", "instructor"])
def test_locked_discussion_takes_no_comments(discussion, student, instructor, who):
    services.discussion_lock(discussion=discussion, by=instructor)
    with pytest.raises(PermissionDenied):
        post(discussion, {"student": student, "instructor": instructor}[who])
    services.discussion_unlock(discussion=discussion, by=instructor)
    post(discussion, student)


def test_only_moderators_lock(discussion, student):
    with pytest.raises(PermissionDenied):
        services.discussion_lock(discussion=discussion, by=student)


def test_premoderated_comments_wait_for_approval(student, instructor):
    discussion = DiscussionFactory(is_premoderated=True)
    comment = post(discussion, student)
    assert comment.status == Comment.Status.PENDING
    assert Discussion.objects.get(pk=discussion.pk).comment_count == 0
    assert post(discussion, instructor).status == Comment.Status.VISIBLE
    services.comment_approve(comment=comment, by=instructor)
    assert comment.status == Comment.Status.VISIBLE
    assert Discussion.objects.get(pk=discussion.pk).comment_count == 2


def test_reject_hides_a_pending_comment(student, instructor):
    comment = post(DiscussionFactory(is_premoderated=True), student)
    services.comment_reject(comment=comment, by=instructor)
    assert comment.status == Comment.Status.HIDDEN
    with pytest.raises(ValidationError):
        services.comment_approve(comment=comment, by=instructor)


def test_students_cannot_approve(student):
    comment = post(DiscussionFactory(is_premoderated=True), UserFactory())
    with pytest.raises(PermissionDenied):
        services.comment_approve(comment=comment, by=student)


def test_edit_within_the_window_marks_edited(discussion, student):
    comment = post(discussion, student, body="first")
    services.comment_edit(comment=comment, by=student, body="*second*")
    comment.refresh_from_db()
    assert comment.body == "*second*" and comment.body_html == "<p><em>second</em></p>"
    assert comment.edited_at is not None


def test_each_edit_keeps_the_earlier_text(discussion, student):
    comment = post(discussion, student, body="first")
    services.comment_edit(comment=comment, by=student, body="second")
    services.comment_edit(comment=comment, by=student, body="third")
    assert list(comment.revisions.values_list("body", flat=True)) == ["second", "first"]


def test_edits_are_rate_limited_like_posts(discussion, student, settings):
    settings.NEWSBOARD_COMMENTS_PER_MINUTE = 3
    comment = post(discussion, student, body="first")
    for n in range(3):
        services.comment_edit(comment=comment, by=student, body=f"edit {n}")
    with pytest.raises(services.RateLimited, match="3 edits in the last minute"):
        services.comment_edit(comment=comment, by=student, body="one too many")
    comment.refresh_from_db()
    assert comment.body == "edit 2"
    # Edits older than a minute no longer count against the minute.
    CommentRevision.objects.update(replaced_at=timezone.now() - timedelta(minutes=2))
    services.comment_edit(comment=comment, by=student, body="later")


def test_edits_have_a_daily_limit(discussion, student, settings):
    settings.NEWSBOARD_COMMENTS_PER_DAY = 2
    comment = post(discussion, student)
    for hours in (2, 1):
        CommentRevision.objects.create(
            comment=comment, body="old", replaced_at=timezone.now() - timedelta(hours=hours)
        )
    with pytest.raises(services.RateLimited, match="daily limit"):
        services.comment_edit(comment=comment, by=student, body="again")


def _render_spy(monkeypatch):
    """Record how many transactions are open whenever a comment is rendered."""
    depths = []
    render = services.render_comment

    def spy(body):
        depths.append(len(connection.atomic_blocks))
        return render(body)

    monkeypatch.setattr(services, "render_comment", spy)
    return depths


def test_posting_renders_before_the_transaction_opens(discussion, student, monkeypatch):
    outside = len(connection.atomic_blocks)  # the test's own transaction
    depths = _render_spy(monkeypatch)
    post(discussion, student, body="[" * 100)
    assert depths == [outside]


def test_editing_renders_before_the_transaction_opens(discussion, student, monkeypatch):
    comment = post(discussion, student)
    outside = len(connection.atomic_blocks)
    depths = _render_spy(monkeypatch)
    services.comment_edit(comment=comment, by=student, body="![" * 100)
    assert depths == [outside]


def test_edit_after_the_window_is_refused(discussion, student, settings):
    comment = post(discussion, student)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=settings.NEWSBOARD_COMMENT_EDIT_MINUTES, seconds=1)
    )
    comment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, by=student, body="too late")


def test_editing_someone_elses_comment_is_refused(discussion, student, instructor):
    comment = post(discussion, UserFactory())
    for user in (student, instructor):
        with pytest.raises(PermissionDenied):
            services.comment_edit(comment=comment, by=user, body="mine now")


def test_delete_keeps_the_place_and_the_replies(discussion, student):
    comment = post(discussion, student)
    reply = post(discussion, UserFactory(), parent=comment)
    services.comment_delete(comment=comment, by=student)
    comment.refresh_from_db()
    reply.refresh_from_db()
    assert comment.status == Comment.Status.DELETED
    assert reply.parent_id == comment.pk and reply.status == Comment.Status.VISIBLE
    assert Discussion.objects.get(pk=discussion.pk).comment_count == 1


def test_deleting_someone_elses_comment_is_refused(discussion, student):
    comment = post(discussion, UserFactory())
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, by=student)


@pytest.mark.parametrize("action", ["delete", "edit"])
def test_an_author_cannot_delete_or_edit_a_comment_an_instructor_hid(discussion, student, instructor, action):
    comment = post(discussion, student)
    services.comment_hide(comment=comment, by=instructor)
    with pytest.raises(PermissionDenied):
        if action == "delete":
            services.comment_delete(comment=comment, by=student)
        else:
            services.comment_edit(comment=comment, by=student, body="nothing to see")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN and comment.body == "A thought"


def test_a_hide_that_lands_first_wins_over_the_authors_delete(discussion, student, instructor):
    comment = post(discussion, student)
    stale = Comment.objects.get(pk=comment.pk)  # the author's page, loaded before the hide
    services.comment_hide(comment=comment, by=instructor)
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=stale, by=student)
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.HIDDEN


def test_every_moderation_decision_is_recorded_with_who_and_when(discussion, student, instructor):
    comment = post(discussion, student)
    pending = post(DiscussionFactory(is_premoderated=True), student)
    services.comment_hide(comment=comment, by=instructor)
    services.comment_restore(comment=comment, by=instructor)
    services.comment_pin(comment=comment, by=instructor)
    services.comment_pin(comment=comment, by=instructor, pinned=False)
    services.comment_reject(comment=pending, by=instructor)
    history = ModerationAction.objects.order_by("pk")
    assert [(a.comment_id, a.action, a.moderator_id) for a in history] == [
        (comment.pk, "hide", instructor.pk),
        (comment.pk, "restore", instructor.pk),
        (comment.pk, "pin", instructor.pk),
        (comment.pk, "unpin", instructor.pk),
        (pending.pk, "reject", instructor.pk),
    ]
    assert all(a.created_at <= timezone.now() for a in history)


def test_report_once_per_reader_and_never_your_own(discussion, student):
    comment = post(discussion, UserFactory())
    services.comment_report(comment=comment, by=student, reason="Off topic")
    with pytest.raises(ValidationError):
        services.comment_report(comment=comment, by=student, reason="Again")
    with pytest.raises(ValidationError):
        services.comment_report(comment=comment, by=UserFactory(), reason="  ")
    with pytest.raises(PermissionDenied):
        services.comment_report(comment=comment, by=comment.author, reason="Mine")
    assert CommentReport.objects.count() == 1


def test_hide_and_restore_resolve_reports(discussion, student, instructor):
    comment = post(discussion, UserFactory())
    services.comment_report(comment=comment, by=student, reason="Rude")
    services.comment_hide(comment=comment, by=instructor)
    assert comment.status == Comment.Status.HIDDEN
    assert not CommentReport.objects.filter(resolved=False).exists()
    assert Discussion.objects.get(pk=discussion.pk).comment_count == 0
    services.comment_restore(comment=comment, by=instructor)
    assert comment.status == Comment.Status.VISIBLE
    with pytest.raises(PermissionDenied):
        services.comment_hide(comment=comment, by=student)


def test_pin_and_unpin(discussion, instructor, student):
    comment = post(discussion, student)
    services.comment_pin(comment=comment, by=instructor)
    assert Comment.objects.get(pk=comment.pk).is_pinned
    services.comment_pin(comment=comment, by=instructor, pinned=False)
    assert not Comment.objects.get(pk=comment.pk).is_pinned
    with pytest.raises(PermissionDenied):
        services.comment_pin(comment=comment, by=student)


def test_issue_and_item_discussions_are_created_once():
    issue = WeeklyIssueFactory()
    item = NewsItemFactory(issue=issue, title="GPT-3 is here")
    first = services.discussion_for_issue(issue)
    assert services.discussion_for_issue(issue) == first
    assert first.issue == issue and first.slug == f"week-{issue.issue_date.isoformat()}"
    item_discussion = services.discussion_for_item(item)
    assert services.discussion_for_item(item) == item_discussion
    assert item_discussion.title == "GPT-3 is here"
    assert Discussion.objects.count() == 2


class TestReplyNotifications:
    def test_parent_author_gets_an_email_on_commit(
        self, discussion, student, mailoutbox, django_capture_on_commit_callbacks
    ):
        ProfileFactory(user=student, display_name="Ada")
        verify(student)
        replier = ProfileFactory(display_name="Grace").user
        parent = post(discussion, student)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            reply = post(discussion, replier, body="I **disagree**, politely.", parent=parent)
        assert len(callbacks) == 1
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == [student.email]
        assert mail.subject == f"Grace replied to your comment on “{discussion.title}”"
        assert "Hello Ada," in mail.body
        assert "I **disagree**, politely." in mail.body
        assert f"{reply.get_absolute_url()}" in mail.body
        assert "/accounts/settings/" in mail.body

    def test_no_email_before_commit(
        self, discussion, student, mailoutbox, django_capture_on_commit_callbacks
    ):
        parent = post(discussion, student)
        with django_capture_on_commit_callbacks(execute=False):
            post(discussion, UserFactory(), parent=parent)
        assert mailoutbox == []

    def test_opted_out_authors_get_no_email(
        self, discussion, student, mailoutbox, django_capture_on_commit_callbacks
    ):
        ProfileFactory(user=student, notify_replies=False)
        parent = post(discussion, student)
        with django_capture_on_commit_callbacks(execute=True):
            post(discussion, UserFactory(), parent=parent)
        assert mailoutbox == []

    def test_replying_to_yourself_sends_nothing(
        self, discussion, student, mailoutbox, django_capture_on_commit_callbacks
    ):
        parent = post(discussion, student)
        with django_capture_on_commit_callbacks(execute=True):
            post(discussion, student, parent=parent)
        assert mailoutbox == []

    def test_premoderated_reply_is_announced_when_approved(
        self, student, mailoutbox, django_capture_on_commit_callbacks
    ):
        discussion = DiscussionFactory(is_premoderated=True)
        parent = post(discussion, InstructorFactory())
        verify(parent.author)
        with django_capture_on_commit_callbacks(execute=True):
            reply = post(discussion, student, parent=parent)
        assert mailoutbox == []
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_approve(comment=reply, by=parent.author)
        assert len(mailoutbox) == 1

    def test_an_unverified_address_gets_no_email(
        self, discussion, student, mailoutbox, django_capture_on_commit_callbacks
    ):
        parent = post(discussion, student)
        with django_capture_on_commit_callbacks(execute=True):
            post(discussion, UserFactory(), parent=parent)
        assert mailoutbox == []
        verify(student)
        student.email = "new@example.edu"  # changed in the admin: unverified again
        student.save()
        with django_capture_on_commit_callbacks(execute=True):
            post(discussion, UserFactory(), parent=parent)
        assert mailoutbox == []


def test_a_failing_mail_server_never_breaks_posting(
    discussion, student, django_capture_on_commit_callbacks, settings, caplog
):
    # A port nothing listens on: the task (run here by the immediate backend) fails, posting does not.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "use_tls": False, "timeout": 2},
        }
    }
    verify(student)
    parent = post(discussion, student)
    with django_capture_on_commit_callbacks(execute=True):
        reply = post(discussion, UserFactory(), parent=parent)
    assert Comment.objects.filter(pk=reply.pk).exists()
    assert "could not be sent" in caplog.text
