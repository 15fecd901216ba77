"""Search across the whole board: SQLite's FTS5 index (``items.search_index``; its triggers
are created, and the index filled, after every ``migrate``), and PostgreSQL's pg_trgm for
"did you mean". Each database skips the other's part."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from items import search_index


class SQLiteOnlySQL(migrations.RunSQL):
    """RunSQL that does nothing on databases other than SQLite."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0013_content_version_keys"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        TrigramExtension(),
        SQLiteOnlySQL(
            sql=search_index.TABLES,
            reverse_sql=search_index.DROP_STATEMENTS,
        ),
    ]
