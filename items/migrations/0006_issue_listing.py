"""WeeklyIssue.listed_item_count and listed_categories: what a listing of issues shows, copied
into each issue's row (items/issue_listing.py), filled here from the issues' items."""

from django.db import migrations, models


def copy_listing(apps, schema_editor):
    NewsItem = apps.get_model("items", "NewsItem")
    WeeklyIssue = apps.get_model("items", "WeeklyIssue")
    counts, categories = {}, {}
    rows = NewsItem.objects.order_by().values_list(
        "issue_id", "category__label", "category__display_order", "category__name"
    )
    for issue_id, label, display_order, name in rows.iterator():
        counts[issue_id] = counts.get(issue_id, 0) + 1
        categories.setdefault(issue_id, set()).add((display_order, name, label))
    for issue_id, count in counts.items():
        labels = [label for _, _, label in sorted(categories[issue_id])]
        WeeklyIssue.objects.filter(pk=issue_id).update(listed_item_count=count, listed_categories=labels)


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0005_item_listed_tags"),
    ]

    operations = [
        migrations.AddField(
            model_name="weeklyissue",
            name="listed_categories",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name="weeklyissue",
            name="listed_item_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(copy_listing, migrations.RunPython.noop),
    ]
