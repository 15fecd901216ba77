"""Every email the board sends goes through one of these tasks (Django's Tasks framework): the
request that causes an email only enqueues it, and the worker (``manage.py db_worker``) sends it.

Account emails (activation, verification, password reset, reply and insight notifications) go
first: they have a higher priority than the weekly issue's deliveries.
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

ACCOUNT_PRIORITY = 10
# Set by the worker (newsletter's db_worker) when it is asked to stop: a sending batch stops
# between two messages, and the rows it did not reach wait for the next worker.
STOPPING = threading.Event()
_inline = threading.local()


def enqueue(a_task, *args, run_after=None, **kwargs):
    """Enqueue ``a_task``; ``run_after`` only where the backend can defer (the database one). An
    immediate backend (tests, or TASKS_BACKEND=immediate) runs what is due now and leaves the
    rest to ``newsletter.delivery.recover()``."""
    backend = a_task.get_backend()
    if run_after is not None and run_after > timezone.now():
        if not backend.supports_defer:
            return None
        a_task = a_task.using(run_after=run_after)
    return a_task.enqueue(*args, **kwargs)


def _send(subject, body, to, html=None, headers=None):
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to], headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@task(priority=ACCOUNT_PRIORITY)
def send_email(subject, body, to, html=None, attempt=1):
    """One account email (activation, verification, password reset), retried with back-off while
    the mail server is unreachable."""
    try:
        _send(subject, body, to, html)
    except Exception as error:
        _retry_later(send_email, error, attempt, subject=subject, body=body, to=to, html=html)


def _retry_later(a_task, error, attempt, **kwargs):
    from newsletter.delivery import backoff

    if attempt >= settings.NEWSLETTER_MAX_ATTEMPTS or not a_task.get_backend().supports_defer:
        logger.exception("Email could not be sent after %d attempt(s): %s", attempt, error)
        raise error
    delay = backoff(attempt)
    logger.warning("Email could not be sent (attempt %d, next in %ds): %s", attempt, delay, error)
    a_task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(attempt=attempt + 1, **kwargs)


@task(priority=ACCOUNT_PRIORITY)
def notify_reply(comment_pk, attempt=1):
    """Email a comment's parent author about the reply, if they still want it and may get mail."""
    from items import services
    from items.models import Comment

    comment = (
        Comment.objects.select_related("parent__author__subscriber", "author", "discussion")
        .filter(pk=comment_pk, status=Comment.Status.VISIBLE)
        .first()
    )
    if comment is None or comment.parent is None or comment.parent.author is None:
        return "nothing to send"
    recipient = comment.parent.author
    if not _may_receive(recipient):
        return "address not verified"
    if not services.wants_reply_notification(comment):
        return "not wanted"
    subject, body = services.reply_notification(comment)
    return _notify(recipient, subject, body, notify_reply, attempt, comment_pk=comment_pk)


@task(priority=ACCOUNT_PRIORITY)
def notify_insight(insight_pk, attempt=1):
    """Email the student whose comment became a published insight, if their address is verified."""
    from items import services
    from items.models import Insight

    insight = (
        Insight.objects.published()
        .select_related("source_comment__author__subscriber", "source_comment__discussion")
        .filter(pk=insight_pk)
        .first()
    )
    if insight is None or insight.source_comment is None or insight.source_comment.author is None:
        return "nothing to send"
    recipient = insight.source_comment.author
    if not _may_receive(recipient):
        return "address not verified"
    subject, body = services.insight_notification(insight)
    return _notify(recipient, subject, body, notify_insight, attempt, insight_pk=insight_pk)


def _may_receive(student):
    """A student's verified, not bouncing address may get a notification (account mail aside)."""
    subscriber = getattr(student, "subscriber", None)
    return subscriber is not None and subscriber.can_receive


def _notify(student, subject, body, a_task, attempt, **kwargs):
    """Send one notification to ``student``; on an SMTP error, ``a_task`` runs again later with
    ``kwargs``."""
    try:
        _send(subject, body, student.email)
    except Exception as error:
        logger.warning("%s %s could not be sent", a_task.name, kwargs)
        _retry_later(a_task, error, attempt, **kwargs)
    return "sent"


@task(priority=5)
def start_mailing(issue_pk):
    """The issue's publish time has come (or it was published now): queue its deliveries. Checks
    again that the issue is public, so a task for a time that was changed does nothing."""
    from newsletter import delivery

    return delivery.start_mailing(issue_pk)


# A sending task sends at most this many, then hands over to a new task (queued behind any
# account email that came in meanwhile, which has the higher priority), so one worker never
# keeps a sign-up's activation link waiting for a whole issue.
BATCH = 50


@task()
def deliver():
    """Send due deliveries, all issues together: a batch, or all of them where tasks run inline."""
    from newsletter import delivery

    _inline.running = True
    try:
        limit = BATCH if deliver.get_backend().supports_defer else None
        return delivery.send_due(limit=limit, should_stop=STOPPING.is_set)
    finally:
        _inline.running = False


def wake_senders(at=None, senders=1, only_if_none=False):
    """Make sure ``senders`` deliver tasks are waiting to run by ``at`` (now when None). Returns
    whether one was enqueued."""
    backend = deliver.get_backend()
    if not backend.supports_defer:
        if (at is None or at <= timezone.now()) and not getattr(_inline, "running", False):
            deliver.enqueue()
            return True
        return False
    from django.db.models import Q
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=deliver.module_path, backend_name=backend.alias
    ).filter(Q(run_after=get_date_max()) | Q(run_after__lte=at or timezone.now()))
    have = waiting.count()
    if only_if_none and have:
        return False
    for _ in range(max(senders - have, 0)):
        enqueue(deliver, run_after=at)
    return senders > have
