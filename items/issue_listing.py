"""What a listing of issues shows of each, kept in the issue's own row.

The home page and the archive show, for each issue, how many items it has and the labels of
their categories (``WeeklyIssue.listed_item_count`` and ``listed_categories``); the issues feed
lists each issue's items as lines (``listed_lines``: position, category label, title). Read from
the items, that was one more query a page (a third of the archive's work with caches off, a
third of the feed's); kept in the issue's row, it comes with the issue. The items stay the
truth: this copy is rewritten from them, in the writing transaction, whenever an item is
saved, moved or deleted or a category is renamed or reordered. ``WeeklyIssue.save()`` rewrites
it too, so an instance loaded before a change cannot save an old copy back, and a restore
rewrites every issue's.
"""

from django.db.models.signals import post_save

from items.copies import follow_children, refresh_in_batches


def read(issue_ids):
    """{issue id: (item count, [category labels], [[position, label, title], ...])}.

    The labels: each once, in the categories' display order. The lines: one per item, in
    position order.
    """
    from items.models import NewsItem

    rows = (
        NewsItem.objects.filter(issue__in=list(issue_ids))
        .order_by("position")
        .values_list(
            "issue_id", "position", "category__label", "category__display_order", "category__name", "title"
        )
    )
    lines = {issue_id: [] for issue_id in issue_ids}
    categories = {issue_id: set() for issue_id in issue_ids}
    for issue_id, position, label, display_order, name, title in rows:
        lines[issue_id].append([position, label, title])
        categories[issue_id].add((display_order, name, label))
    labels = {issue_id: [label for _, _, label in sorted(found)] for issue_id, found in categories.items()}
    return {issue_id: (len(lines[issue_id]), labels[issue_id], lines[issue_id]) for issue_id in issue_ids}


def refresh(issue_ids):
    """Rewrite the copy of ``issue_ids`` from their items (an UPDATE each, no save signals)."""
    from items.models import WeeklyIssue

    for issue_id, (count, labels, lines) in read(set(issue_ids)).items():
        WeeklyIssue.objects.filter(pk=issue_id).update(
            listed_item_count=count, listed_categories=labels, listed_lines=lines
        )


def refresh_all(batch=500):
    """Rewrite every issue's copy: after loading data that bypassed the signals."""
    from items.models import WeeklyIssue

    refresh_in_batches(WeeklyIssue, refresh, batch)


def _category_saved(sender, instance, created, raw=False, **kwargs):
    # A new label, name or place in the order reaches every issue with an item in it.
    if not created and not raw:
        from items.models import NewsItem

        refresh(NewsItem.objects.filter(category=instance).values_list("issue_id", flat=True).distinct())


def connect():
    from items.models import Category, NewsItem

    # An item saved, moved to another issue or deleted.
    follow_children(NewsItem, "issue_id", refresh, uid="issue-listing-item")
    post_save.connect(_category_saved, sender=Category, dispatch_uid="issue-listing-category-save")
