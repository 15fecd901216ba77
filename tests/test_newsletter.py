"""ML Weekly by email (issue 20): subscriptions, verification, one delivery per subscriber, the
email itself, one-click unsubscribe, the admin, and the worker.

Most tests run tasks with the immediate backend (tests/settings.py) and the local-memory mailbox;
the ``worker`` tests run the database backend, a real ``manage.py db_worker`` process and a real
SMTP server (aiosmtpd on a loopback port), and read what it received.
"""

import collections
import datetime
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from items import services
from items.models import WeeklyIssue
from newsletter import delivery, tokens
from newsletter.models import Delivery, Mailing, Subscriber
from tests.factories import (
    CategoryFactory,
    InstructorFactory,
    MediaFactory,
    NewsItemFactory,
    SuperuserFactory,
    UserFactory,
    WeeklyIssueFactory,
)
from tests.newsletter_support import SMTPServer, database_tasks, verify

ROOT = Path(__file__).resolve().parent.parent


def make_issue(**kwargs):
    issue = WeeklyIssueFactory(draft=True, title="ML Weekly", **kwargs)
    nlp = CategoryFactory(label="NLP", name="Natural Language Processing")
    vision = CategoryFactory(label="Vision", name="Computer Vision")
    first = NewsItemFactory(
        issue=issue,
        position=1,
        category=nlp,
        title="GPT-3 writes an op-ed",
        source="The Guardian",
        excerpt_title="Abstract",
        excerpt="We trained a language model.\nIt wrote this.",
        tags=["language-models"],
    )
    NewsItemFactory(issue=issue, position=2, category=vision, title="Cats & <dogs> detected")
    MediaFactory(
        item=first, alt_text="A robot typing", caption="The op-ed", credit="stevekc", licence="CC-BY"
    )
    return issue


def subscribers(n, prefix="reader"):
    users = [UserFactory(username=f"{prefix}{i}") for i in range(n)]
    for user in users:
        verify(user)
    return users


def publish(issue):
    """Publish now, as the admin's form and action do, committing so the mailing is scheduled."""
    with transaction.atomic():
        services.publish_issue(issue)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the mailing is scheduled after the publishing commit)."""

    def run(function, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args)

    return run


# Subscriptions and verification ---------------------------------------------------------------


def signup_data(**overrides):
    return {
        "username": "newstudent",
        "email": "new@example.edu",
        "password1": "a-long-and-unusual-passphrase",
        "password2": "a-long-and-unusual-passphrase",
        "display_name": "",
        **overrides,
    }


def test_sign_up_offers_both_subscriptions_weekly_on_by_default(client, db):
    page = client.get(reverse("signup")).content.decode()
    weekly = re.search(r'<input[^>]*name="weekly_issue"[^>]*>', page).group(0)
    replies = re.search(r'<input[^>]*name="notify_replies"[^>]*>', page).group(0)
    assert "checked" in weekly and "checked" in replies
    assert "Email me each week&#x27;s issue" in page or "Email me each week's issue" in page


def test_sign_up_choices_are_kept_and_activation_verifies_the_address(client, db, mailoutbox):
    client.post(reverse("signup"), signup_data(weekly_issue="", notify_replies="on"))
    user = get_user_model().objects.get(username="newstudent")
    subscriber = user.subscriber
    assert subscriber.weekly_issue is False and user.profile.notify_replies is True
    assert not subscriber.is_verified
    link = re.search(r"http://testserver(/accounts/activate/\S+)", mailoutbox[-1].body).group(1)
    client.get(link)
    subscriber.refresh_from_db()
    assert subscriber.is_verified and subscriber.verified_email == "new@example.edu"


def test_settings_change_subscriptions_and_address_by_signed_link(client, student, mailoutbox):
    verify(student)
    client.force_login(student)
    page = client.get(reverse("account_settings")).content.decode()
    assert "is verified" in page and 'name="weekly_issue"' in page
    response = client.post(
        reverse("account_settings"),
        {"display_name": "", "email": "ada@new.example.edu", "weekly_issue": "", "notify_replies": "on"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    subscriber = student.subscriber
    # The old, verified address stays until the new one is proved.
    assert student.email == "student@example.edu" and subscriber.is_verified
    assert subscriber.pending_email == "ada@new.example.edu"
    assert subscriber.weekly_issue is False and subscriber.unsubscribed_at is not None
    assert mailoutbox[-1].to == ["ada@new.example.edu"]
    link = re.search(r"http://testserver(/accounts/verify-email/\S+/)", mailoutbox[-1].body).group(1)
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "ada@new.example.edu" in page.content.decode()
    student.refresh_from_db()
    subscriber.refresh_from_db()
    assert student.email == "ada@new.example.edu" and subscriber.is_verified and not subscriber.pending_email


def test_an_address_changed_in_the_admin_is_unverified_until_its_link_is_opened(client, student, mailoutbox):
    subscriber = verify(student)
    student.email = "other@example.edu"
    student.save()
    subscriber.refresh_from_db()
    assert not subscriber.is_verified and not subscriber.can_receive
    client.force_login(student)
    assert "is not verified yet" in client.get(reverse("account_settings")).content.decode()
    client.post(reverse("send_verification_link"))
    assert mailoutbox[-1].to == ["other@example.edu"]
    link = re.search(r"http://testserver(/accounts/verify-email/\S+/)", mailoutbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.is_verified


@pytest.mark.parametrize(
    ("mangle", "status", "words"),
    [
        (lambda token: token[:-3] + "abc", 400, "not valid"),
        (lambda token: "nonsense", 400, "not valid"),
        (lambda token: token.replace(":", "", 1), 400, "not valid"),
    ],
)
def test_tampered_verification_links_get_a_clear_page(client, student, mangle, status, words):
    token = mangle(tokens.verify_token(student.pk, student.email))
    response = client.get(reverse("newsletter:verify_email", args=[token]))
    assert response.status_code == status and words in response.content.decode()


def test_an_expired_verification_link_says_so(client, student, settings):
    token = tokens.verify_token(student.pk, student.email)
    settings.NEWSLETTER_VERIFY_LINK_HOURS = -1
    response = client.get(reverse("newsletter:verify_email", args=[token]))
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_instructors_see_the_subscriber_count(client, db):
    subscribers(3)
    verify(UserFactory(username="quiet"), weekly_issue=False)
    UserFactory(username="unverified")
    Subscriber.objects.create(user=UserFactory(username="unverified2"))
    bouncing = verify(UserFactory(username="bouncing"))
    bouncing.bouncing_email = bouncing.user.email
    bouncing.save()
    assert delivery.subscriber_count() == 3
    client.force_login(InstructorFactory(is_superuser=True))
    page = client.get(reverse("admin:newsletter_subscriber_changelist")).content.decode()
    assert re.search(r"<strong>3</strong> subscribers get the weekly issue", page)


# Queueing an issue ---------------------------------------------------------------------------


def test_publishing_now_queues_one_delivery_per_verified_subscriber_and_sends_it(db, on_commit, mailoutbox):
    readers = subscribers(3)
    verify(UserFactory(username="off"), weekly_issue=False)
    UserFactory(username="unverified")
    issue = make_issue()
    on_commit(publish, issue)
    rows = Delivery.objects.filter(issue=issue)
    assert sorted(rows.values_list("email", flat=True)) == sorted(u.email for u in readers)
    assert set(rows.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in readers)
    assert Mailing.objects.get(issue=issue).started_at is not None
    # Publishing again, or saving the public issue, mails nobody again.
    on_commit(publish, issue)
    issue.title = "ML Weekly (corrected)"
    on_commit(issue.save)
    assert len(mailoutbox) == 3 and rows.count() == 3


def test_a_delivery_is_unique_on_issue_and_recipient_in_the_database(db):
    issue = make_issue()
    user = UserFactory()
    Delivery.objects.create(issue=issue, recipient=user, email=user.email)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(issue=issue, recipient=user, email=user.email)


def test_the_admin_publish_action_queues_the_mailing(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    subscribers(2)
    issue = make_issue()
    client.force_login(InstructorFactory(is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:items_weeklyissue_changelist"),
            {"action": "publish", "_selected_action": [issue.pk]},
        )
    assert response.status_code == 302
    assert Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count() == 2
    assert len(mailoutbox) == 2


def test_a_scheduled_issue_is_mailed_when_its_time_comes_not_before(db, on_commit, mailoutbox):
    subscribers(2)
    issue = make_issue()
    at = timezone.now() + datetime.timedelta(hours=2)
    on_commit(lambda: services.publish_issue(issue, at=at))
    mailing = Mailing.objects.get(issue=issue)
    assert mailing.due_at == at and mailing.started_at is None
    assert delivery.recover()["queued"] == 0 and mailoutbox == []
    # The time arrives (moved here rather than waited for): the worker's sweep notices it.
    WeeklyIssue.objects.filter(pk=issue.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    Mailing.objects.filter(pk=mailing.pk).update(due_at=timezone.now() - datetime.timedelta(seconds=1))
    assert delivery.recover()["queued"] == 2
    assert len(mailoutbox) == 2


def test_a_scheduled_issue_enqueues_a_task_for_its_time_and_a_draft_cancels_it(db, on_commit):
    from django_tasks_db.models import DBTaskResult

    subscribers(1)
    issue = make_issue()
    at = timezone.now() + datetime.timedelta(hours=2)
    with database_tasks():
        on_commit(lambda: services.publish_issue(issue, at=at))
        task = DBTaskResult.objects.get(task_path="newsletter.tasks.start_mailing")
        assert task.run_after == at and task.args_kwargs["args"] == [issue.pk]
        # The task runs at its time but the issue was moved later: it does nothing.
        later = at + datetime.timedelta(days=1)
        on_commit(lambda: services.publish_issue(issue, at=later))
        assert delivery.start_mailing(issue.pk) == 0
        assert Mailing.objects.get(issue=issue).due_at == later
        on_commit(services.unpublish_issue, issue)
        assert not Mailing.objects.filter(issue=issue).exists()


def test_an_issue_backfilled_with_an_old_publish_time_is_not_mailed(db, on_commit, mailoutbox):
    subscribers(1)
    issue = make_issue()
    on_commit(lambda: services.publish_issue(issue, at=timezone.now() - datetime.timedelta(days=30)))
    assert not Mailing.objects.exists() and mailoutbox == []


def test_deleting_a_student_removes_their_pending_deliveries(db):
    reader, other = subscribers(2)
    issue = make_issue()
    Delivery.objects.create(issue=issue, recipient=reader, email=reader.email)
    sent = Delivery.objects.create(
        issue=issue, recipient=other, email=other.email, status=Delivery.Status.SENT
    )
    later = make_issue(issue_date=datetime.date(2021, 1, 1))
    Delivery.objects.create(issue=later, recipient=other, email=other.email)
    reader.delete()
    other.delete()
    assert list(Delivery.objects.all()) == [sent]
    sent.refresh_from_db()
    assert sent.recipient is None and sent.email == "reader1@example.edu"


def test_unsubscribing_or_losing_verification_before_ones_turn_sends_nothing(db, on_commit, mailoutbox):
    stays, leaves, changes = subscribers(3)
    issue = make_issue()
    with database_tasks():
        on_commit(publish, issue)
        on_commit(delivery.start_mailing, issue.pk)
    Subscriber.objects.filter(user=leaves).update(weekly_issue=False)
    changes.email = "elsewhere@example.edu"
    changes.save()
    delivery.send_due()
    statuses = dict(Delivery.objects.values_list("recipient__username", "status"))
    assert statuses == {
        stays.username: Delivery.Status.SENT,
        leaves.username: Delivery.Status.CANCELLED,
        changes.username: Delivery.Status.CANCELLED,
    }
    assert [m.to for m in mailoutbox] == [[stays.email]]


# The email ----------------------------------------------------------------------------------


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_the_email_over_real_smtp_both_parts_headers_and_links_that_work(
    client, db, smtp, settings, on_commit
):
    settings.MAILERS = smtp.mailers()
    settings.NEWSBOARD_SITE_URL = "http://testserver"
    (reader,) = subscribers(1)
    issue = make_issue(issue_date=datetime.date(2020, 9, 18), introduction="Four stories this week.")
    on_commit(publish, issue)
    assert smtp.mailbox.wait_for(1)
    (message,) = smtp.mailbox.messages
    assert message["Subject"] == "ML Weekly — Fri 18 Sep 2020"
    assert message["To"] == reader.email
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<(http://testserver/accounts/unsubscribe/[^>]+/)>", message["List-Unsubscribe"]
    )
    assert unsubscribe
    # As written on the wire: the bare link, not folded into encoded words (RFC 2369, RFC 8058).
    assert f"\r\nList-Unsubscribe: <{unsubscribe.group(1)}>\r\n".encode() in message.raw
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in message.raw
    text, html = parts(message)
    # The same content in both parts: numbered items, category labels, titles, links, credits.
    for part in (text, html):
        assert "1." in part or 'value="1"' in part
        assert "GPT-3 writes an op-ed" in part and "The Guardian" in part
        assert "[NLP]" in part and "[Vision]" in part
        assert "We trained a language model." in part
        assert "stevekc" in part and "A robot typing" in part
        assert unsubscribe.group(1) in part
        assert (
            "http://testserver/issues/2020-09-18/" in part
            or "http://testserver" + issue.get_absolute_url() in part
        )
    assert "Cats &amp; &lt;dogs&gt; detected" in html and "Cats & <dogs> detected" in text
    # Inline CSS only, absolute addresses, and readable without styles or pictures.
    assert "<style" not in html and "<link" not in html
    links = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert links and all(link.startswith(("http://", "https://")) for link in links)
    assert re.search(r'<img [^>]*src="http://testserver/media/[^"]+"[^>]*alt="A robot typing"', html)
    unstyled = re.sub(r'\sstyle="[^"]*"', "", html)
    readable = re.sub(r"<[^>]+>", " ", re.sub(r"<img[^>]*>", "", unstyled))
    assert (
        "GPT-3 writes an op-ed" in readable and "Unsubscribe" in readable and "View on the board" in readable
    )
    # Every link to the board answers (item pages, the issue, the settings page).
    board_links = {
        link for link in links if link.startswith("http://testserver/") and "/unsubscribe/" not in link
    }
    for link in board_links:
        path = urllib.parse.urlsplit(link).path
        if path.startswith(
            settings.MEDIA_URL if settings.MEDIA_URL.startswith("/") else "/" + settings.MEDIA_URL
        ):
            # Pictures are served by the web server in production (DEPLOY.md): the file is there.
            assert (Path(settings.MEDIA_ROOT) / path.split("/media/", 1)[1]).is_file(), path
        else:
            assert client.get(path).status_code in (200, 302), path
    item_paths = [urllib.parse.urlsplit(link).path for link in board_links if "/items/" in link]
    assert len(item_paths) >= 2
    # The one-click POST a mail client sends: no cookie, no CSRF token, no sign-in.
    one_click = Client(enforce_csrf_checks=True)
    path = urllib.parse.urlsplit(unsubscribe.group(1)).path
    response = one_click.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert Subscriber.objects.get(user=reader).weekly_issue is False


def test_unsubscribe_get_asks_post_unsubscribes_and_again_says_already(client, student, caplog):
    verify(student)
    path = urllib.parse.urlsplit(tokens.unsubscribe_url(student.pk)).path
    token = path.rstrip("/").rsplit("/", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "<button" in page.content.decode()
    assert Subscriber.objects.get(user=student).weekly_issue is True  # a GET (a link scanner) changes nothing
    assert "You are unsubscribed" in client.post(path).content.decode()
    subscriber = Subscriber.objects.get(user=student)
    assert subscriber.weekly_issue is False and subscriber.unsubscribed_at is not None
    assert "already unsubscribed" in client.post(path).content.decode()
    assert "already unsubscribed" in client.get(path).content.decode()
    # The token never reaches the request log.
    logged = [r for r in caplog.records if r.name == "newsboard.requests"]
    assert logged and all(token not in r.getMessage() and token not in str(r.path) for r in logged)
    assert "[redacted]" in logged[0].path


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        lambda token: "x" + token,
        lambda token: "garbage",
        lambda token: signing.dumps({"u": 1}, salt="some.other.purpose"),
        lambda token: tokens.verify_token(1, "a@b.c"),  # another kind of link
        lambda token: signing.dumps({"u": "1"}, salt=tokens.UNSUBSCRIBE_SALT),
        lambda token: signing.dumps([1], salt=tokens.UNSUBSCRIBE_SALT),
    ],
)
def test_a_tampered_unsubscribe_link_gets_a_clear_page_never_a_500(client, student, mangle):
    verify(student)
    token = mangle(tokens.unsubscribe_token(student.pk))
    for method in (client.get, client.post):
        response = method(reverse("newsletter:unsubscribe", args=[token]))
        assert response.status_code == 400 and "This link is not valid" in response.content.decode()
    assert Subscriber.objects.get(user=student).weekly_issue is True


def test_an_expired_unsubscribe_link_or_a_deleted_account_says_so(client, student, settings):
    verify(student)
    path = reverse("newsletter:unsubscribe", args=[tokens.unsubscribe_token(student.pk)])
    settings.NEWSLETTER_UNSUBSCRIBE_LINK_DAYS = -1
    response = client.post(path)
    assert response.status_code == 410 and "expired" in response.content.decode()
    settings.NEWSLETTER_UNSUBSCRIBE_LINK_DAYS = 365
    student.delete()
    response = client.post(path)
    assert response.status_code == 404 and "no longer valid" in response.content.decode()


def test_unsubscribe_links_work_on_a_private_board(client, student, settings):
    settings.NEWSBOARD_LOGIN_REQUIRED = True
    verify(student)
    response = client.post(reverse("newsletter:unsubscribe", args=[tokens.unsubscribe_token(student.pk)]))
    assert response.status_code == 200


# Faults -------------------------------------------------------------------------------------


def test_a_permanent_refusal_marks_the_address_bouncing_and_stops_sending_to_it(
    db, smtp, settings, on_commit
):
    settings.MAILERS = smtp.mailers()
    good, bad = subscribers(2)
    smtp.mailbox.refuse[bad.email] = "550 5.1.1 No such user here"
    issue = make_issue()
    on_commit(publish, issue)
    row = Delivery.objects.get(recipient=bad)
    assert row.status == Delivery.Status.FAILED and "550" in row.reason
    subscriber = Subscriber.objects.get(user=bad)
    assert subscriber.is_bouncing and not subscriber.can_receive
    assert Delivery.objects.get(recipient=good).status == Delivery.Status.SENT
    assert delivery.subscriber_count() == 1
    # The next issue is not even queued for the bouncing address.
    later = make_issue(issue_date=datetime.date(2021, 1, 8))
    on_commit(publish, later)
    assert list(Delivery.objects.filter(issue=later).values_list("recipient", flat=True)) == [good.pk]


def test_a_temporary_refusal_is_retried_with_back_off(db, smtp, settings, on_commit):
    settings.MAILERS = smtp.mailers()
    settings.NEWSLETTER_RETRY_SECONDS = 30
    (reader,) = subscribers(1)
    smtp.mailbox.refuse[reader.email] = "451 4.3.0 Try again later"
    issue = make_issue()
    on_commit(publish, issue)
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.RETRY and row.attempts == 1 and "451" in row.reason
    assert 25 < (row.next_attempt_at - timezone.now()).total_seconds() <= 30
    assert delivery.send_due() == 0  # not due yet
    del smtp.mailbox.refuse[reader.email]
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert delivery.send_due() == 1
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT and row.attempts == 2
    assert delivery.backoff(1) == 30 and delivery.backoff(2) == 60 and delivery.backoff(20) == 3600


def test_rate_and_messages_per_connection_are_kept(db, smtp, settings, on_commit):
    settings.MAILERS = smtp.mailers()
    settings.NEWSLETTER_MESSAGES_PER_SECOND = 20
    settings.NEWSLETTER_SENDERS = 1
    settings.NEWSLETTER_MESSAGES_PER_CONNECTION = 3
    connections = []
    mailbox = smtp.mailbox

    async def handle_EHLO(server, session, envelope, hostname, responses):
        connections.append(hostname)
        session.host_name = hostname
        return responses

    mailbox.handle_EHLO = handle_EHLO
    subscribers(10)
    issue = make_issue()
    with database_tasks():
        on_commit(publish, issue)
        on_commit(delivery.start_mailing, issue.pk)
    started = time.monotonic()
    assert delivery.send_due() == 10
    assert time.monotonic() - started >= 9 / 20 - 0.01
    assert len(connections) == 4  # 3 + 3 + 3 + 1
    assert len(mailbox.messages) == 10


def test_account_emails_wait_and_retry_when_the_mail_server_is_down(client, student, settings):
    from django_tasks_db.models import DBTaskResult

    settings.MAILERS = SMTPServer().mailers(timeout=1)  # nothing listens on its port
    with database_tasks():
        from newsletter import tasks

        tasks.send_email.call("Subject", "Body", student.email)
        retry = DBTaskResult.objects.get(task_path="newsletter.tasks.send_email")
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        assert retry.run_after > timezone.now()


def test_the_admin_issue_page_shows_delivery_counts_sends_a_test_and_resends_failed(
    client, db, on_commit, mailoutbox, django_capture_on_commit_callbacks
):
    instructor = InstructorFactory(is_superuser=True, email="prof@example.edu")
    a, b, c, d = subscribers(4)
    issue = make_issue()
    on_commit(publish, issue)
    Delivery.objects.filter(recipient=b).update(status=Delivery.Status.FAILED, reason="550 gone")
    Delivery.objects.filter(recipient=c).update(status=Delivery.Status.QUEUED)
    client.force_login(instructor)
    unsubscribe = urllib.parse.urlsplit(tokens.unsubscribe_url(d.pk)).path
    Client().post(unsubscribe)
    page = client.get(reverse("admin:items_weeklyissue_change", args=[issue.pk])).content.decode()
    summary = re.sub(r"\s+", " ", re.search(r'id="newsletter-status".*?</fieldset>', page, re.S).group(0))
    assert "<strong>1</strong> queued" in summary and "<strong>2</strong> sent" in summary
    assert "<strong>1</strong> failed" in summary and "<strong>1</strong> unsubscribed since" in summary
    assert "Send a test to me" in page
    mailoutbox.clear()
    response = client.post(reverse("admin:items_weeklyissue_send_test", args=[issue.pk]))
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["prof@example.edu"]] and mailoutbox[0].subject.startswith(
        "[Test] "
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:items_weeklyissue_changelist"),
            {"action": "resend_failed", "_selected_action": [issue.pk]},
        )
    assert Delivery.objects.get(recipient=b).status == Delivery.Status.SENT
    assert b.email in [m.to[0] for m in mailoutbox]


# The real worker ----------------------------------------------------------------------------


def database_env():
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(name), "DATABASE_URL": ""}
    base = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return {"DATABASE_URL": base._replace(path=f"/{name}").geturl()}


class WorkerProcess:
    """``manage.py db_worker`` in a process of its own, on the test's database and SMTP server."""

    def __init__(self, smtp_port, tmp_path, **settings):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            **database_env(),
            **{key: str(value) for key, value in settings.items()},
        }
        self.log = tmp_path / f"worker-{time.monotonic_ns()}.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.05",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self, sig=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, sig)

    def stop(self, timeout=20):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self):
        return self.log.read_text(errors="replace")


def wait_until(condition, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def pending_rows():
    return Delivery.objects.filter(status__in=[*Delivery.PENDING, Delivery.Status.SENDING]).count()


@pytest.fixture
def workers(tmp_path):
    started = []

    def make(smtp_port, **settings):
        worker = WorkerProcess(smtp_port, tmp_path, **settings)
        started.append(worker)
        return worker

    yield make
    for worker in started:
        worker.stop()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_a_published_issue_over_smtp_once_each(smtp, workers):
    readers = subscribers(12)
    issue = make_issue()
    with database_tasks():
        publish(issue)
        assert not smtp.mailbox.messages  # nothing sent inside the "request"
        worker = workers(smtp.port, NEWSLETTER_MESSAGES_PER_SECOND=0).start()
        wait_until(lambda: len(smtp.mailbox.messages) >= 12 and pending_rows() == 0, what=worker.output)
    assert sorted(smtp.mailbox.recipients()) == sorted(r.email for r in readers)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 12


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "stopped"])
def test_a_worker_killed_mid_batch_and_started_again_mails_each_recipient_exactly_once(smtp, workers, sig):
    readers = subscribers(30)
    issue = make_issue()
    settings = {"NEWSLETTER_MESSAGES_PER_SECOND": 40, "NEWSLETTER_SENDERS": 1}
    first = workers(smtp.port, **settings)

    def stop_at_the_tenth(message):
        if len(smtp.mailbox.messages) == 10:
            # Before the server answers 250: the worker dies (or is asked to stop) mid-send.
            first.kill(sig)

    smtp.mailbox.on_message = stop_at_the_tenth
    with database_tasks():
        publish(issue)
        first.start()
        wait_until(lambda: first.process.poll() is not None, what=first.output)
        smtp.mailbox.on_message = None
        assert 10 <= len(smtp.mailbox.messages) < 30
        second = workers(smtp.port, **settings).start()
        wait_until(lambda: len(smtp.mailbox.messages) >= 30 and pending_rows() == 0, what=second.output)
        time.sleep(0.5)  # anything sent twice would arrive now
    counts = collections.Counter(smtp.mailbox.recipients())
    assert counts == collections.Counter(r.email for r in readers)  # each exactly once
    statuses = collections.Counter(Delivery.objects.values_list("status", flat=True))
    if sig == signal.SIGKILL:
        # The tenth reached the server but its worker died before hearing so: marked failed (it may
        # have arrived), never sent again by itself.
        assert statuses == {Delivery.Status.SENT: 29, Delivery.Status.FAILED: 1}
        assert "may or may not have arrived" in Delivery.objects.get(status=Delivery.Status.FAILED).reason
    else:
        assert statuses == {Delivery.Status.SENT: 30}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_smtp_down_deliveries_wait_and_retry_nothing_lost_pages_unaffected(client, workers):
    server = SMTPServer()  # its port is chosen but nothing listens yet: the server is down
    readers = subscribers(8)
    issue = make_issue()
    client.force_login(SuperuserFactory())  # (the Instructors group went with an earlier flush)
    with database_tasks():
        started = time.monotonic()
        response = client.post(
            reverse("admin:items_weeklyissue_changelist"),
            {"action": "publish", "_selected_action": [issue.pk]},
        )
        assert response.status_code == 302 and time.monotonic() - started < 5
        worker = workers(server.port, NEWSLETTER_RETRY_SECONDS=1, NEWSLETTER_MESSAGES_PER_SECOND=0).start()
        wait_until(
            lambda: Delivery.objects.filter(status=Delivery.Status.RETRY, attempts__gte=2).exists(),
            what=worker.output,
        )
        assert (
            Delivery.objects.count() == 8
            and not Delivery.objects.filter(status=Delivery.Status.FAILED).exists()
        )
        assert Delivery.objects.filter(attempts=0).count() >= 6  # the others wait rather than fail in turn
        anonymous = Client()
        assert anonymous.get(issue.get_absolute_url()).status_code == 200
        assert anonymous.get(reverse("items:home")).status_code == 200
        server.start()  # back up
        try:
            wait_until(lambda: len(server.mailbox.messages) >= 8 and pending_rows() == 0, what=worker.output)
            time.sleep(0.3)
        finally:
            server.stop()
    assert collections.Counter(server.mailbox.recipients()) == collections.Counter(r.email for r in readers)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 8


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_account_emails_and_starts_a_scheduled_issue_at_its_time(client, smtp, workers):
    from django_tasks_db.models import DBTaskResult

    (reader,) = subscribers(1)
    issue = make_issue()
    with database_tasks():
        worker = workers(smtp.port).start()
        client.post(reverse("password_reset"), {"email": reader.email})
        at = timezone.now() + datetime.timedelta(seconds=3)
        services.publish_issue(issue, at=at)
        assert DBTaskResult.objects.filter(task_path="newsletter.tasks.start_mailing").exists()
        wait_until(lambda: len(smtp.mailbox.messages) >= 2, timeout=30, what=worker.output)
    # Noticed by the worker at its time (no page was viewed), not before it.
    assert Delivery.objects.get().created_at >= at
    assert "reset" in smtp.mailbox.messages[0]["Subject"].lower()
    assert smtp.mailbox.messages[1]["Subject"].startswith("ML Weekly")
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 0


def test_unsubscribe_tokens_never_reach_any_log_line(client, student, settings, caplog):
    from newsboard.logging import JsonFormatter

    verify(student)
    token = tokens.unsubscribe_token(student.pk)
    settings.NEWSLETTER_UNSUBSCRIBE_LINK_DAYS = -1  # expired: Django logs the 410 with its path
    assert client.get(f"/accounts/unsubscribe/{token}/").status_code == 410
    # Without its slash the link is redirected before any view sees it.
    assert client.get(f"/accounts/unsubscribe/{token}").status_code in (301, 302)
    verify_token = tokens.verify_token(student.pk, student.email)
    client.get(f"/accounts/verify-email/{verify_token}x/")
    lines = [JsonFormatter().format(record) for record in caplog.records]
    assert any("/accounts/unsubscribe/[redacted]" in line for line in lines)
    signature = token.rsplit(":", 1)[1]
    assert not [line for line in lines if signature in line or verify_token.rsplit(":", 1)[1] in line]
