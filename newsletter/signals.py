"""When an issue becomes public, its mailing is scheduled; when a student goes, so do their
pending deliveries.

"Becomes public" is a transition: a draft published (now or for later), a new issue created
published, or a scheduled issue given another time. Editing an issue already public, or one
backfilled with a publish time long past, mails nobody.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone

from items.models import WeeklyIssue


def _remember_state(sender, instance, raw=False, **kwargs):
    if raw:
        return
    previous = None
    if instance.pk is not None:
        previous = WeeklyIssue.objects.filter(pk=instance.pk).values_list("status", "published_at").first()
    instance._newsletter_previous = previous


def _issue_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    from newsletter import delivery

    previous = getattr(instance, "_newsletter_previous", None)
    published = instance.status == WeeklyIssue.Status.PUBLISHED and instance.published_at is not None
    if not published:
        if previous and previous[0] == WeeklyIssue.Status.PUBLISHED:
            pk = instance.pk
            transaction.on_commit(lambda: delivery.cancel_mailing(pk))
        return
    now = timezone.now()
    was_public = previous is not None and previous[0] == WeeklyIssue.Status.PUBLISHED and previous[1] <= now
    if was_public and previous[1] == instance.published_at:
        return
    if was_public and instance.published_at <= now:
        return  # Public before and still: only its time was edited.
    backfill = instance.published_at < now - timedelta(hours=settings.NEWSLETTER_BACKFILL_HOURS)
    if backfill:
        return
    issue_pk = instance.pk
    transaction.on_commit(lambda: delivery.schedule_mailing(WeeklyIssue.objects.get(pk=issue_pk)))


def _user_deleted(sender, instance, **kwargs):
    from newsletter.models import Delivery

    Delivery.objects.filter(recipient=instance, status__in=Delivery.PENDING).delete()


def connect():
    pre_save.connect(_remember_state, sender=WeeklyIssue, dispatch_uid="newsletter-issue-state")
    post_save.connect(_issue_saved, sender=WeeklyIssue, dispatch_uid="newsletter-issue-saved")
    pre_delete.connect(_user_deleted, sender=get_user_model(), dispatch_uid="newsletter-user-deleted")
