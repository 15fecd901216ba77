"""Categories get badge colours from the palette (items.palette), distinct to start with."""

from django.db import migrations, models

COLOURS = ["blue", "teal", "green", "purple", "magenta", "red", "orange", "slate"]


def distinct_colours(apps, schema_editor):
    """Give the existing categories different colours, in their listing order."""
    Category = apps.get_model("items", "Category")
    for index, category in enumerate(Category.objects.order_by("display_order", "name")):
        category.colour = COLOURS[index % len(COLOURS)]
        category.save(update_fields=["colour"])


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0015_comments_on_items_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="colour",
            field=models.CharField(
                choices=[
                    ("blue", "Blue"),
                    ("teal", "Teal"),
                    ("green", "Green"),
                    ("purple", "Purple"),
                    ("magenta", "Magenta"),
                    ("red", "Red"),
                    ("orange", "Orange"),
                    ("slate", "Slate"),
                ],
                default="blue",
                help_text="The colour of this category's badges. Every colour is readable in light and dark themes; give each category its own so they differ at a glance.",
                max_length=12,
            ),
        ),
        migrations.RunPython(distinct_colours, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("colour__in", ["blue", "teal", "green", "purple", "magenta", "red", "orange", "slate"])
                ),
                name="category_colour_in_palette",
                violation_error_message="Choose one of the palette's colours.",
            ),
        ),
    ]
