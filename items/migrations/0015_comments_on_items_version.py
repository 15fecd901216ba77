"""The version item cards' comment counts are cached under (``items.caching.COMMENTS_ON_ITEMS``),
created here so no reader's request pays for creating it."""

from django.db import migrations

KEY = "comments_on_items"


def create(apps, schema_editor):
    from items.models import initial_content_version

    ContentVersion = apps.get_model("items", "ContentVersion")
    ContentVersion.objects.get_or_create(key=KEY, defaults={"value": initial_content_version()})


def remove(apps, schema_editor):
    apps.get_model("items", "ContentVersion").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("items", "0014_board_search_everywhere")]

    operations = [migrations.RunPython(create, remove)]
