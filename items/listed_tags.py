"""An item's tags as pages show them, kept in its own row (``NewsItem.listed_tags``).

Every page of items shows each item's tags. Read from the taggings, that was one more query a
page (about a sixth of an issue page's work with caches off); copied into the item's row, it
comes with the item. The taggings stay the truth: filters, tag counts and the admin query
them, and this copy is rewritten from them, in the writing transaction, whenever a tagging or
a tag changes, however it changes (taggit's manager, the taggit admin, a tag renamed or
deleted). ``NewsItem.save()`` rewrites it too, so an instance loaded before a change cannot
save an old copy back, and a restore rewrites every item's.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from taggit.models import Tag, TaggedItem

from items.copies import refresh_in_batches


def read(item_ids):
    """{item id: [[slug, name], ...]} for ``item_ids``, each item's tags in the order added."""
    from items.models import NewsItem

    pairs = {item_id: [] for item_id in item_ids}
    rows = (
        TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(NewsItem))
        .filter(object_id__in=list(pairs))
        .order_by("pk")
        .values_list("object_id", "tag__slug", "tag__name")
    )
    for object_id, slug, name in rows:
        pairs[object_id].append([slug, name])
    return pairs


def refresh(item_ids):
    """Rewrite the copy of ``item_ids`` from their taggings (an UPDATE each, no save signals)."""
    from items.models import NewsItem

    for item_id, pairs in read(set(item_ids)).items():
        NewsItem.objects.filter(pk=item_id).update(listed_tags=pairs)


def refresh_all(batch=500):
    """Rewrite every item's copy: after loading data that bypassed the signals."""
    from items.models import NewsItem

    refresh_in_batches(NewsItem, refresh, batch)


def _item_ids(tagging):
    """The item a tagging tags, as a set (empty when it tags something else)."""
    from items.models import NewsItem

    if tagging.content_type_id != ContentType.objects.get_for_model(NewsItem).pk:
        return set()
    return {tagging.object_id}


def _remember_tagged_item(sender, instance, raw=False, **kwargs):
    # A tagging moved to another item (the taggit admin allows it) leaves the first one too.
    instance._listed_before = set()
    if instance.pk is not None and not raw:
        before = TaggedItem.objects.filter(pk=instance.pk).first()
        if before is not None:
            instance._listed_before = _item_ids(before)


def _tagging_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh(_item_ids(instance) | getattr(instance, "_listed_before", set()))


def _tagging_deleted(sender, instance, **kwargs):
    refresh(_item_ids(instance))


def _tag_saved(sender, instance, created, raw=False, **kwargs):
    # A renamed tag (or a new slug) reaches every item that carries it.
    if not created and not raw:
        from items.models import NewsItem

        tagged = TaggedItem.objects.filter(
            tag=instance, content_type=ContentType.objects.get_for_model(NewsItem)
        ).values_list("object_id", flat=True)
        refresh(tagged)


def _item_tags_changed(sender, instance, action, reverse, **kwargs):
    # The rows are right already (the taggings' own signals); this updates the instance in hand.
    from items.models import NewsItem

    if action in ("post_add", "post_remove", "post_clear") and not reverse and isinstance(instance, NewsItem):
        instance.listed_tags = read([instance.pk])[instance.pk]
        instance.__dict__.pop("tag_list", None)


def connect():
    pre_save.connect(_remember_tagged_item, sender=TaggedItem, dispatch_uid="listed-tags-tagging-pre")
    post_save.connect(_tagging_saved, sender=TaggedItem, dispatch_uid="listed-tags-tagging-save")
    post_delete.connect(_tagging_deleted, sender=TaggedItem, dispatch_uid="listed-tags-tagging-delete")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="listed-tags-tag-save")
    m2m_changed.connect(_item_tags_changed, sender=TaggedItem, dispatch_uid="listed-tags-item-tags")
