"""An item's pictures and media as pages show them, kept in its own row (``NewsItem.listed_media``).

An item card shows its media (photo, credit, sub-figure label, caption). Read from the media
table, that was one more query on every page of cards: the home page, an issue, an item and
present mode (about a seventh of an issue page's work with caches off). Copied into the item's
row, they come with the item. The ``Media`` rows stay the truth: the admin edits them, and this
copy is rewritten from them, in the writing transaction, whenever one is saved, moved to
another item or deleted. ``NewsItem.save()`` rewrites it too, so an instance loaded before a
change cannot save an old copy back, and a restore rewrites every item's.
"""

from items.copies import follow_children, refresh_in_batches

# What a card shows of a medium: the columns copied, in this order. ``NewsItem.media_list``
# builds Media instances from them, so a migration that renames or drops one of these columns
# must rewrite every copy too (``refresh_all``).
FIELDS = (
    "id",
    "position",
    "kind",
    "image",
    "external_url",
    "thumbnail",
    "thumbnail_large",
    "width",
    "height",
    "caption",
    "subfigure_label",
    "credit",
    "licence",
    "licence_url",
    "alt_text",
)


def read(item_ids):
    """{item id: [{field: value, ...}, ...]} for ``item_ids``, each item's media in position order."""
    from items.models import Media

    media = {item_id: [] for item_id in item_ids}
    rows = Media.objects.filter(item__in=list(media)).order_by("position").values_list("item_id", *FIELDS)
    for item_id, *values in rows:
        media[item_id].append(dict(zip(FIELDS, values, strict=True)))
    return media


def refresh(item_ids):
    """Rewrite the copy of ``item_ids`` from their media (an UPDATE each, no save signals)."""
    from items.models import NewsItem

    for item_id, media in read(set(item_ids)).items():
        NewsItem.objects.filter(pk=item_id).update(listed_media=media)


def refresh_all(batch=500):
    """Rewrite every item's copy: after loading data that bypassed the signals."""
    from items.models import NewsItem

    refresh_in_batches(NewsItem, refresh, batch)


def connect():
    from items.models import Media

    # A medium saved, moved to another item or deleted.
    follow_children(Media, "item_id", refresh, uid="listed-media")
