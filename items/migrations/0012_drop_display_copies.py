"""Drop the display copies (issue 17): items' listed_tags and listed_media, issues'
listed_item_count, listed_categories and listed_lines. Pages read tags, media, item counts and
category labels from the rows themselves (prefetches and a Count annotation, items/querysets.py);
nothing is lost, as each column was a copy of rows that stay. Migrating back re-adds the columns
with their defaults (empty)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0011_moderation_action"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="newsitem",
            name="listed_media",
        ),
        migrations.RemoveField(
            model_name="newsitem",
            name="listed_tags",
        ),
        migrations.RemoveField(
            model_name="weeklyissue",
            name="listed_categories",
        ),
        migrations.RemoveField(
            model_name="weeklyissue",
            name="listed_item_count",
        ),
        migrations.RemoveField(
            model_name="weeklyissue",
            name="listed_lines",
        ),
    ]
