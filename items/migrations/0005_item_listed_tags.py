"""NewsItem.listed_tags: each item's tags copied into its row (items/listed_tags.py), filled here
from the taggings of the items that exist already."""

from django.db import migrations, models


def copy_tags(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    NewsItem = apps.get_model("items", "NewsItem")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    item_type = ContentType.objects.filter(app_label="items", model="newsitem").first()
    if item_type is None:  # a fresh database: no item, so nothing to copy
        return
    pairs = {}
    rows = (
        TaggedItem.objects.filter(content_type=item_type)
        .order_by("pk")
        .values_list("object_id", "tag__slug", "tag__name")
    )
    for object_id, slug, name in rows.iterator():
        pairs.setdefault(object_id, []).append([slug, name])
    for item_id, tags in pairs.items():
        NewsItem.objects.filter(pk=item_id).update(listed_tags=tags)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("items", "0004_content_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="newsitem",
            name="listed_tags",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(copy_tags, migrations.RunPython.noop),
    ]
