"""WeeklyIssue.listed_lines: the issues feed's line per item (position, category label, title),
copied into each issue's row (items/issue_listing.py), filled here from the issues' items."""

from django.db import migrations, models


def copy_lines(apps, schema_editor):
    NewsItem = apps.get_model("items", "NewsItem")
    WeeklyIssue = apps.get_model("items", "WeeklyIssue")
    lines = {}
    rows = NewsItem.objects.order_by("issue_id", "position").values_list(
        "issue_id", "position", "category__label", "title"
    )
    for issue_id, position, label, title in rows.iterator():
        lines.setdefault(issue_id, []).append([position, label, title])
    for issue_id, issue_lines in lines.items():
        WeeklyIssue.objects.filter(pk=issue_id).update(listed_lines=issue_lines)


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0006_issue_listing"),
    ]

    operations = [
        migrations.AddField(
            model_name="weeklyissue",
            name="listed_lines",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(copy_lines, migrations.RunPython.noop),
    ]
