"""Cache invalidation only: whatever changes what readers see bumps the content version.

Signals (rather than calls in each write path) so the admin's inlines, management commands
and services are all covered; they carry no business rule, and run inside the writing
transaction, so a rolled-back write leaves the version alone.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag, TaggedItem

from items import models
from items.pagecache import bump_content_version

CONTENT_MODELS = [
    models.Category,
    models.WeeklyIssue,
    models.NewsItem,
    models.Media,
    models.Insight,
    models.Discussion,
    models.Comment,
    models.Profile,
    Tag,
    TaggedItem,
]


def content_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    bump_content_version()


def connect():
    for model in CONTENT_MODELS:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-delete")
    m2m_changed.connect(
        content_changed, sender=models.Insight.evidence.through, dispatch_uid="bump-insight-evidence"
    )
