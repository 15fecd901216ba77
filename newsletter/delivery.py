"""Sending an issue: queue one delivery row per subscriber, then claim and send them one by one.

The rows are the truth; tasks (``newsletter.tasks``) are only wake-ups. A sender claims a row by
moving it from queued to sending in one conditional UPDATE before it talks to the mail server, and
marks it sent after, so two workers, a retried task or a restarted worker never mail anyone twice.
The cost of that promise: a row whose worker died between the claim and the record (a window of
one SMTP exchange) may or may not have arrived, so it is marked failed, never sent again
automatically (``recover()``); the instructor's "resend to failed" action sends it on purpose.
"""

import logging
import os
import smtplib
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from items.models import WeeklyIssue
from newsletter.message import IssueEmail
from newsletter.models import Delivery, Mailing, Subscriber

logger = logging.getLogger(__name__)

INTERRUPTED = (
    "The worker stopped while sending this, so it may or may not have arrived. It is not sent "
    "again by itself, so that nobody gets it twice: resend to failed from the issue's page."
)


def worker_name():
    # The process id of the worker at the time of the call (a forked worker has its own).
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def receiving():
    """Subscribers who get the weekly issue: subscribed, active, address verified and not bouncing."""
    return (
        Subscriber.objects.filter(weekly_issue=True, user__is_active=True)
        .exclude(user__email="")
        .annotate(
            _verified=Lower("verified_email"),
            _current=Lower("user__email"),
            _bouncing=Lower("bouncing_email"),
        )
        .filter(_verified=F("_current"))
        .exclude(_bouncing=F("_current"))
    )


def subscriber_count():
    return receiving().count()


# Queueing -----------------------------------------------------------------------------------


def schedule_mailing(issue):
    """The issue has just been published (now or for later): make sure its mailing exists and a
    task will start it when the issue is public. Called after the publishing transaction commits."""
    from newsletter import tasks

    mailing, created = Mailing.objects.get_or_create(issue=issue, defaults={"due_at": issue.published_at})
    if mailing.started_at is not None:
        return mailing
    if not created and mailing.due_at != issue.published_at:
        Mailing.objects.filter(pk=mailing.pk).update(due_at=issue.published_at)
    tasks.enqueue(tasks.start_mailing, issue.pk, run_after=issue.published_at)
    return mailing


def cancel_mailing(issue_pk):
    """The issue went back to draft before its mailing started: forget it."""
    Mailing.objects.filter(issue_id=issue_pk, started_at__isnull=True).delete()


def start_mailing(issue_pk):
    """Queue one delivery per receiving subscriber, once, if the issue is public now.

    Returns how many rows were queued. Safe to call any number of times: the mailing starts once,
    and (issue, recipient) is unique in the database.
    """
    now = timezone.now()
    with transaction.atomic():
        mailing = (
            Mailing.objects.select_for_update()
            .select_related("issue")
            .filter(issue_id=issue_pk, started_at__isnull=True)
            .first()
        )
        if mailing is None:
            return 0
        issue = mailing.issue
        if issue.status != WeeklyIssue.Status.PUBLISHED:
            mailing.delete()
            return 0
        if not issue.is_public:
            # Rescheduled later: the task enqueued for the new time starts it.
            Mailing.objects.filter(pk=mailing.pk).update(due_at=issue.published_at)
            return 0
        rows = [
            Delivery(issue_id=issue.pk, recipient_id=user_id, email=email, next_attempt_at=now)
            for user_id, email in receiving().values_list("user_id", "user__email")
        ]
        Delivery.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        Mailing.objects.filter(pk=mailing.pk).update(started_at=now)
    logger.info("Issue %s: %d deliveries queued", issue_pk, len(rows))
    if rows:
        wake(senders=settings.NEWSLETTER_SENDERS)
    return len(rows)


def resend_failed(issue_pk):
    """Queue the issue's failed deliveries again (those whose recipient still exists)."""
    count = Delivery.objects.filter(
        issue_id=issue_pk, status=Delivery.Status.FAILED, recipient__isnull=False
    ).update(status=Delivery.Status.QUEUED, next_attempt_at=timezone.now(), attempts=0, reason="")
    if count:
        wake(senders=settings.NEWSLETTER_SENDERS)
    return count


def wake(at=None, senders=1):
    from newsletter import tasks

    tasks.wake_senders(at=at, senders=senders)


# Sending ------------------------------------------------------------------------------------


def backoff(attempts):
    """Seconds before attempt ``attempts + 1``: doubling from the base, at most an hour."""
    base = settings.NEWSLETTER_RETRY_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), 3600)


def permanent_refusal(error):
    """The mail server's permanent (5xx) answer about the recipient, or None for anything that may
    pass on a later try (4xx, a refused connection, a timeout, a server that went away)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            code, text = next(iter(error.recipients.values()))
            return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        return None
    if isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600:
        text = error.smtp_error
        return f"{error.smtp_code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return None


def connection_level(error):
    """Whether the whole connection is at fault (every next message would fail the same way)."""
    return isinstance(
        error, OSError | smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | smtplib.SMTPSenderRefused
    ) and not isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)


def claim_next(worker):
    """Move the next due row from queued (or waiting to retry) to sending, atomically; None when
    none is due."""
    now = timezone.now()
    for _ in range(10):
        with transaction.atomic():
            due = Delivery.objects.filter(status__in=Delivery.PENDING, next_attempt_at__lte=now)
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            row = due.order_by("next_attempt_at", "pk").values_list("pk", "status").first()
            if row is None:
                return None
            claimed = Delivery.objects.filter(pk=row[0], status=row[1]).update(
                status=Delivery.Status.SENDING, claimed_at=now, claimed_by=worker, attempts=F("attempts") + 1
            )
        if claimed:
            return Delivery.objects.select_related("recipient__subscriber", "issue").get(pk=row[0])
    return None


def _finish(delivery, worker, **fields):
    """Record what became of a claimed row. On PostgreSQL without waiting for the disk
    (``synchronous_commit`` off for this one transaction): the claim before the send was durable,
    and should this record be lost (only if the database server itself crashes within a fraction of
    a second) the row stays "sending" and ``recover()`` marks it failed; it is never sent twice."""
    rows = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, claimed_by=worker)
    if connection.vendor != "postgresql":
        return rows.update(**fields)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return rows.update(**fields)


def _reason_not_to_send(delivery):
    user = delivery.recipient
    if user is None:
        return "The student was deleted."
    if not delivery.issue.is_public:
        return "The issue was returned to draft before this was sent."
    subscriber = getattr(user, "subscriber", None)
    if subscriber is None or not subscriber.weekly_issue:
        return "Unsubscribed before it was sent."
    if not subscriber.can_receive:
        return "The address is not verified, or it bounces."
    return ""


class RateLimiter:
    """At most ``per_second`` messages a second from this sender (0: no limit)."""

    def __init__(self, per_second):
        self.interval = 1 / per_second if per_second > 0 else 0
        self.next_at = 0.0

    def wait(self):
        if self.interval:
            now = time.monotonic()
            if self.next_at > now:
                time.sleep(self.next_at - now)
            self.next_at = max(now, self.next_at) + self.interval


def send_due(limit=None, should_stop=lambda: False):
    """Send every due delivery, one connection per ``NEWSLETTER_MESSAGES_PER_CONNECTION`` messages,
    at ``NEWSLETTER_MESSAGES_PER_SECOND`` spread over ``NEWSLETTER_SENDERS``. Returns the number
    sent. Stops at the first connection-level error (the server is down): the rows keep their
    place and a task is scheduled for when the first of them is due again."""
    worker = worker_name()
    per_connection = max(settings.NEWSLETTER_MESSAGES_PER_CONNECTION, 1)
    rate = RateLimiter(settings.NEWSLETTER_MESSAGES_PER_SECOND / max(settings.NEWSLETTER_SENDERS, 1))
    drawn = {}
    mailer = None
    on_connection = 0
    sent = 0
    try:
        while (limit is None or sent < limit) and not should_stop():
            rate.wait()  # before the claim: a row is "sending" only while it is being sent
            delivery = claim_next(worker)
            if delivery is None:
                break
            reason = _reason_not_to_send(delivery)
            if reason:
                _finish(delivery, worker, status=Delivery.Status.CANCELLED, reason=reason)
                continue
            if delivery.issue_id not in drawn:
                drawn[delivery.issue_id] = IssueEmail(delivery.issue)
            to = delivery.recipient.email
            message = drawn[delivery.issue_id].message(delivery.recipient_id, to)
            try:
                if mailer is None or on_connection >= per_connection:
                    if mailer is not None:
                        mailer.close()
                    mailer, on_connection = mailers.default, 0
                    mailer.open()
                mailer.send_messages([message])
                on_connection += 1
            except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
                stop = _failed(delivery, worker, to, error)
                if mailer is not None:
                    _close_quietly(mailer)
                    mailer = None
                if stop:
                    break
                continue
            _finish(
                delivery, worker, status=Delivery.Status.SENT, sent_at=timezone.now(), email=to, reason=""
            )
            sent += 1
    finally:
        if mailer is not None:
            _close_quietly(mailer)
    _schedule_next()
    return sent


def _close_quietly(mailer):
    try:
        mailer.close()
    except Exception:  # noqa: BLE001
        logger.debug("Closing the SMTP connection failed", exc_info=True)


def _failed(delivery, worker, to, error):
    """Record a failed attempt; True when the connection itself is at fault (stop the batch)."""
    refusal = permanent_refusal(error)
    description = f"{type(error).__name__}: {error}"[:450]
    if refusal:
        _finish(
            delivery,
            worker,
            status=Delivery.Status.FAILED,
            email=to,
            reason=f"Refused for good: {refusal}"[:500],
        )
        Subscriber.objects.filter(user_id=delivery.recipient_id).update(
            bouncing_email=to, bounce_reason=refusal[:300]
        )
        logger.warning(
            "Delivery %s: %s refused for good (%s); no more mail goes there", delivery.pk, to, refusal
        )
        return False
    attempts = delivery.attempts  # the claim counted this attempt
    retry_at = timezone.now() + timedelta(seconds=backoff(attempts))
    if connection_level(error):
        # The server is down or refuses us all: not this row's fault, so it never gives up on it,
        # and every row due before the retry time waits for it too (none is tried in vain).
        _finish(
            delivery,
            worker,
            status=Delivery.Status.RETRY,
            email=to,
            reason=description,
            next_attempt_at=retry_at,
        )
        Delivery.objects.filter(status__in=Delivery.PENDING, next_attempt_at__lt=retry_at).update(
            next_attempt_at=retry_at
        )
        logger.warning("Mail server unavailable (%s); deliveries wait until %s", description, retry_at)
        return True
    if attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
        _finish(
            delivery,
            worker,
            status=Delivery.Status.FAILED,
            email=to,
            reason=f"Gave up after {attempts} attempts: {description}"[:500],
        )
    else:
        _finish(
            delivery,
            worker,
            status=Delivery.Status.RETRY,
            email=to,
            reason=description,
            next_attempt_at=retry_at,
        )
    logger.warning("Delivery %s to %s failed (attempt %d): %s", delivery.pk, to, attempts, description)
    return False


def _schedule_next():
    """Wake a sender for the first row that waits to retry, if any."""
    upcoming = (
        Delivery.objects.filter(status__in=Delivery.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if upcoming is not None:
        wake(at=upcoming if upcoming > timezone.now() else None)


# Recovery -----------------------------------------------------------------------------------


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def recover(stale_after=None):
    """What a worker does when it starts, and every ``NEWSLETTER_SWEEP_SECONDS`` after:

    - a row left sending by a worker that is gone (a dead process on this host, or a claim older
      than ``NEWSLETTER_STALE_SECONDS``) is marked failed, never sent again by itself;
    - a mailing whose time has come is started (its task may have been lost with a database
      restore, or enqueued while no worker ran: both are caught here);
    - due rows with no task to send them get one.
    Returns a dict of what it did.
    """
    now = timezone.now()
    stale_after = settings.NEWSLETTER_STALE_SECONDS if stale_after is None else stale_after
    host = socket.gethostname()[:40]
    interrupted = []
    for pk, claimed_by, claimed_at in Delivery.objects.filter(status=Delivery.Status.SENDING).values_list(
        "pk", "claimed_by", "claimed_at"
    ):
        name, _, pid = claimed_by.rpartition(":")
        dead_here = name == host and pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid))
        if dead_here or claimed_at is None or claimed_at < now - timedelta(seconds=stale_after):
            interrupted.append(pk)
    if interrupted:
        Delivery.objects.filter(pk__in=interrupted, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.FAILED, reason=INTERRUPTED
        )
        logger.warning("%d deliveries were interrupted mid-send and marked failed", len(interrupted))
    started = 0
    for issue_pk in Mailing.objects.filter(started_at__isnull=True, due_at__lte=now).values_list(
        "issue_id", flat=True
    ):
        started += start_mailing(issue_pk)
    due = Delivery.objects.filter(status__in=Delivery.PENDING, next_attempt_at__lte=now)
    woken = False
    if due.exists():
        from newsletter import tasks

        woken = tasks.wake_senders(senders=settings.NEWSLETTER_SENDERS, only_if_none=True)
    return {"interrupted": len(interrupted), "queued": started, "woken": woken}
