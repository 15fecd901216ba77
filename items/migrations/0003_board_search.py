"""The GIN index behind full-text search on PostgreSQL; other databases skip it.

The indexed expression is exactly the one ``items.querysets.search_vector()`` compiles to,
so PostgreSQL can use the index for ``NewsItem.objects.search(q)``. SQLite searches with
``icontains`` instead and needs no index.
"""

from django.db import migrations

INDEX_NAME = "item_search_idx"
DOCUMENT = (
    "to_tsvector('english'::regconfig, "
    "COALESCE(title, '') || ' ' || COALESCE(summary, '') || ' ' || "
    "COALESCE(excerpt, '') || ' ' || COALESCE(source, ''))"
)


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that does nothing on databases other than PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0002_instructors_group"),
    ]

    operations = [
        PostgresOnlySQL(
            sql=f"CREATE INDEX {INDEX_NAME} ON items_newsitem USING gin ({DOCUMENT})",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX_NAME}",
        ),
    ]
