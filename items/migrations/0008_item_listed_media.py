"""NewsItem.listed_media: what an item card shows of each of its media, copied into the item's
row (items/listed_media.py), filled here from the Media rows."""

from django.db import migrations, models

# items.listed_media.FIELDS as this migration was written: later changes to the copy rewrite it
# with items.listed_media.refresh_all(), not by editing this list.
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


def copy_media(apps, schema_editor):
    Media = apps.get_model("items", "Media")
    NewsItem = apps.get_model("items", "NewsItem")
    media = {}
    rows = Media.objects.order_by("item_id", "position").values_list("item_id", *FIELDS)
    for item_id, *values in rows.iterator():
        media.setdefault(item_id, []).append(dict(zip(FIELDS, values, strict=True)))
    for item_id, item_media in media.items():
        NewsItem.objects.filter(pk=item_id).update(listed_media=item_media)


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0007_issue_listed_lines"),
    ]

    operations = [
        migrations.AddField(
            model_name="newsitem",
            name="listed_media",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(copy_media, migrations.RunPython.noop),
    ]
