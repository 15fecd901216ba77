from django.db import migrations, models

import items.models


class Migration(migrations.Migration):
    """One version per part of the board: the curated board, and each discussion's comments."""

    dependencies = [("items", "0012_drop_display_copies")]

    operations = [
        migrations.RemoveConstraint(model_name="contentversion", name="content_version_single_row"),
        migrations.AlterModelOptions(name="contentversion", options={"ordering": ["key"]}),
        # The existing single row is the board's.
        migrations.AddField(
            model_name="contentversion",
            name="key",
            field=models.CharField(default="board", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="contentversion",
            name="key",
            field=models.CharField(help_text='"board", or "discussion:<pk>".', max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="contentversion",
            name="next_publish_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The board's: the next scheduled issue's publish time, if any.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="contentversion",
            name="value",
            field=models.BigIntegerField(default=items.models.initial_content_version),
        ),
    ]
