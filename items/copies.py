"""What the denormalised copies share: rebuilding every row's copy, a batch of rows at a time.

Three modules keep a copy of related rows in a model's own row, so pages read it with the row:
``listed_tags`` (an item's tags), ``listed_media`` (an item's media) and ``issue_listing`` (an
issue's item count, category labels and feed lines). Each rewrites its copy from the truth in
the transaction that changes the truth (signals), and offers ``refresh_all()`` for data loaded
without signals (a restore, the benchmark's bulk loads).
"""

from django.db.models.signals import post_delete, post_save, pre_save


def refresh_in_batches(model, refresh, batch=500):
    """Call ``refresh(ids)`` for every row of ``model``, ``batch`` primary keys at a time."""
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        refresh(ids[start : start + batch])


def follow_children(child, parent_field, refresh, uid):
    """Keep the parents' copies right as ``child`` rows are saved, moved or deleted.

    ``parent_field``: the child's foreign key column (``"item_id"``); ``refresh(parent_ids)``
    rewrites those parents' copies. It runs in the transaction of the write: for a child saved
    or deleted, its parent; for a child moved to another parent, the one it left too.
    ``uid`` names the connections (``dispatch_uid``), so connecting twice connects once.
    """
    before = f"_{uid.replace('-', '_')}_parent_before"

    def remember(sender, instance, raw=False, **kwargs):
        setattr(instance, before, None)
        if instance.pk is not None and not raw:
            rows = child._base_manager.filter(pk=instance.pk).values_list(parent_field, flat=True)
            setattr(instance, before, rows.first())

    def saved(sender, instance, raw=False, **kwargs):
        if not raw:
            refresh({getattr(instance, parent_field), getattr(instance, before, None)} - {None})

    def deleted(sender, instance, **kwargs):
        refresh([getattr(instance, parent_field)])

    # weak=False: the receivers are closures that nothing else holds.
    pre_save.connect(remember, sender=child, dispatch_uid=f"{uid}-pre", weak=False)
    post_save.connect(saved, sender=child, dispatch_uid=f"{uid}-save", weak=False)
    post_delete.connect(deleted, sender=child, dispatch_uid=f"{uid}-delete", weak=False)
