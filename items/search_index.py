"""SQLite's full-text index of the board (FTS5), kept in step with the tables by triggers.

``items_search`` holds one document per item, insight, discussion and comment, with the
Porter stemmer (so "robots" finds "robot"). ``items_search_words`` holds the same words
unstemmed: its vocabulary (``items_search_vocab``) is what "did you mean" chooses from.
A document's rowid is its object's primary key times 8 plus its kind's number, so a trigger
replaces it by rowid.

Triggers, not the save path: ``bulk_create``, ``QuerySet.update``, ``loaddata`` (a restore)
and a rename of a category or a tag all reach the index as they reach the tables. Whether a
document may be shown is decided when searching (``items.search``), through ``published()``,
so publishing, hiding or scheduling never needs the index touched.

A trigger names the tables its document reads, and SQLite refuses to rebuild a table (as
migrations do to alter one) while a trigger elsewhere names it. So ``migrate`` drops the
triggers before it starts (``drop_triggers``, on pre_migrate) and ``install()`` creates them
again when it is done (post_migrate), filling the index from the tables: whatever the
migrations changed, the index matches. Migration 0014 creates the index's tables.
PostgreSQL needs none of this: ``items.search`` builds its documents with ``to_tsvector``.
"""

KINDS = {"item": 1, "insight": 2, "discussion": 3, "comment": 4}

TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS items_search USING fts5("
    "kind UNINDEXED, object_id UNINDEXED, title, body, topics, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS items_search_words USING fts5("
    "words, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS items_search_vocab USING fts5vocab(items_search_words, 'row')",
]

# Each kind's document: SELECT rowid, kind, object_id, title, body, topics ... WHERE {where}.
ITEM_TAG_NAMES = (
    "SELECT group_concat(t.name, ' ') FROM taggit_taggeditem ti "
    "JOIN taggit_tag t ON t.id = ti.tag_id "
    "JOIN django_content_type ct ON ct.id = ti.content_type_id "
    "WHERE ct.app_label = 'items' AND ct.model = 'newsitem' AND ti.object_id = i.id"
)
DOCUMENTS = {
    "item": (
        "SELECT i.id * 8 + 1, 'item', i.id, i.title, "
        "i.summary || ' ' || i.excerpt_title || ' ' || i.excerpt || ' ' || i.source, "
        f"c.name || ' ' || c.label || coalesce(' ' || ({ITEM_TAG_NAMES}), '') "
        "FROM items_newsitem i JOIN items_category c ON c.id = i.category_id WHERE {where}"
    ),
    "insight": "SELECT id * 8 + 2, 'insight', id, headline, body, '' FROM items_insight WHERE {where}",
    "discussion": (
        "SELECT id * 8 + 3, 'discussion', id, title, prompt, '' FROM items_discussion WHERE {where}"
    ),
    "comment": "SELECT id * 8 + 4, 'comment', id, '', body, '' FROM items_comment WHERE {where}",
}
# The column each kind's WHERE names its primary key by.
PRIMARY_KEYS = {"item": "i.id", "insight": "id", "discussion": "id", "comment": "id"}


def refresh(kind, where, rowids):
    """Statements that replace the documents ``rowids`` (a SELECT of rowids) of ``kind`` with
    what the tables hold now (rows matching ``where``), or remove them if the rows are gone."""
    return [
        f"DELETE FROM items_search WHERE rowid IN ({rowids})",
        f"DELETE FROM items_search_words WHERE rowid IN ({rowids})",
        "INSERT INTO items_search (rowid, kind, object_id, title, body, topics) "
        + DOCUMENTS[kind].format(where=where),
        "INSERT INTO items_search_words (rowid, words) "
        f"SELECT rowid, title || ' ' || body || ' ' || topics FROM items_search WHERE rowid IN ({rowids})",
    ]


def _one(kind, row):
    """``refresh`` of one object, given ``NEW`` or ``OLD`` (``row``) of its own table."""
    return refresh(kind, f"{PRIMARY_KEYS[kind]} = {row}.id", f"SELECT {row}.id * 8 + {KINDS[kind]}")


def _items(where):
    """``refresh`` of the items matching ``where`` (on ``items_newsitem i``)."""
    return refresh("item", where, f"SELECT i.id * 8 + 1 FROM items_newsitem i WHERE {where}")


# (name, table, event, statements): what changes a document, and how it is redone.
SEARCHED_COLUMNS = {
    "items_newsitem": "title, summary, excerpt_title, excerpt, source, category_id",
    "items_insight": "headline, body",
    "items_discussion": "title, prompt",
    "items_comment": "body",
}
TABLE_KINDS = {"items_newsitem": "item", "items_insight": "insight", "items_discussion": "discussion"}
TABLE_KINDS["items_comment"] = "comment"


def _triggers():
    triggers = []
    for table, kind in TABLE_KINDS.items():
        triggers += [  # fmt: skip
            (f"{table}_search_insert", table, "AFTER INSERT", _one(kind, "NEW")),
            (
                f"{table}_search_update",
                table,
                f"AFTER UPDATE OF {SEARCHED_COLUMNS[table]}",
                _one(kind, "NEW"),
            ),
            (f"{table}_search_delete", table, "AFTER DELETE", _one(kind, "OLD")),
        ]
    triggers += [
        ("items_category_search_update", "items_category", "AFTER UPDATE OF name, label",
         _items("i.category_id = NEW.id")),
        ("taggit_tag_search_update", "taggit_tag", "AFTER UPDATE OF name",
         _items("i.id IN (SELECT object_id FROM taggit_taggeditem WHERE tag_id = NEW.id)")),
        ("taggit_taggeditem_search_insert", "taggit_taggeditem", "AFTER INSERT",
         _items("i.id = NEW.object_id")),
        ("taggit_taggeditem_search_delete", "taggit_taggeditem", "AFTER DELETE",
         _items("i.id = OLD.object_id")),
        ("taggit_taggeditem_search_update", "taggit_taggeditem", "AFTER UPDATE",
         _items("i.id IN (OLD.object_id, NEW.object_id)")),
    ]  # fmt: skip
    return triggers


TRIGGERS = _triggers()
TRIGGER_NAMES = [name for name, *_ in TRIGGERS]


def create_statements():
    """Every statement that creates the index, its triggers and its vocabulary (idempotent)."""
    triggers = [
        f"CREATE TRIGGER IF NOT EXISTS {name} {event} ON {table} BEGIN {'; '.join(body)}; END"
        for name, table, event, body in TRIGGERS
    ]
    return TABLES + triggers


def rebuild_statements():
    """Statements that empty the index and fill it again from the tables."""
    statements = ["DELETE FROM items_search", "DELETE FROM items_search_words"]
    insert = "INSERT INTO items_search (rowid, kind, object_id, title, body, topics) "
    statements += [insert + document.format(where="1") for document in DOCUMENTS.values()]
    statements.append(
        "INSERT INTO items_search_words (rowid, words) SELECT rowid, title || ' ' || body || ' ' || topics "
        "FROM items_search"
    )
    return statements


DROP_STATEMENTS = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGER_NAMES] + [
    "DROP TABLE IF EXISTS items_search_vocab",
    "DROP TABLE IF EXISTS items_search_words",
    "DROP TABLE IF EXISTS items_search",
]


def missing_parts(connection):
    """The names of the index's tables and triggers the database lacks (SQLite only)."""
    wanted = {"items_search", "items_search_words", "items_search_vocab", *TRIGGER_NAMES}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for (name,) in cursor.fetchall()}
    return wanted - present


def drop_triggers(using="default", **kwargs):
    """Before ``migrate``: on SQLite, drop the index's triggers, so migrations may rebuild any
    table (``install()`` puts them back afterwards)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGER_NAMES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(using="default", **kwargs):
    """After ``migrate``: on SQLite, create whatever part of the index is missing (the
    triggers, after ``drop_triggers``) and fill the index again from the tables."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite" or "items_newsitem" not in connection.introspection.table_names():
        return
    if not missing_parts(connection):
        return
    with connection.cursor() as cursor:
        for statement in create_statements() + rebuild_statements():
            cursor.execute(statement)
