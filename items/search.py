"""Search across the board: items, insights and discussions, best match first, with snippets.

Every word must match (after stemming): in an item's title, summary, excerpt or source, its
category's name or label, or its tags' names; in an insight's headline or body; in a
discussion's title or prompt, or in one of its visible comments. Only what ``published()``
shows is found. SQLite ranks with FTS5's bm25 over ``items.search_index``; PostgreSQL with
``ts_rank`` over ``to_tsvector``, and highlights with ``ts_headline``.

When nothing matches, ``suggest`` looks for the board's own words closest to the misspelt ones
("robto" → robot): pg_trgm's similarity on PostgreSQL, difflib's on SQLite. A suggestion is
offered only if it finds something a reader may see, so it never reveals a draft's words.
"""

import dataclasses
import difflib
import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, OuterRef, StringAgg, Subquery, TextField, Value, Window
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from items.models import Comment, Discussion, Insight, NewsItem

MAX_WORDS = 12
RESULTS_PER_GROUP = 20
GROUPS = ("items", "insights", "discussions")
# The start and end of a highlighted match in a snippet: private-use characters, so a snippet
# is escaped whole and only then given its <mark> tags.
MARK_START, MARK_END = "\ue000", "\ue001"
HIGHLIGHT = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
CONFIG = "english"
# What a result shows of each kind's related rows.
RELATED = {"item": ["issue", "category"], "comment": ["discussion"]}


def words_of(q):
    """The words of a query: letters and digits only, so quotes and operators mean nothing."""
    return re.findall(r"\w+", q.lower())[:MAX_WORDS]


def postgres_text(q):
    """The query as PostgreSQL's parser should read it (``plainto_tsquery`` ignores operators),
    so "GPT-3" is split as the documents were."""
    return " ".join(q.replace("\x00", " ").split()[: MAX_WORDS * 2])


def highlight(snippet):
    """``snippet`` escaped, with its marked matches in ``<mark>``."""
    html = HIGHLIGHT.sub(r"<mark>\1</mark>", escape(snippet or ""))
    return mark_safe(html.replace(MARK_START, "").replace(MARK_END, ""))


@dataclasses.dataclass
class Hit:
    """One result: ``obj`` (a NewsItem, Insight, Discussion or Comment) and its snippet."""

    kind: str
    obj: object
    snippet: str


@dataclasses.dataclass
class Group:
    name: str
    hits: list
    total: int


@dataclasses.dataclass
class Results:
    query: str
    groups: list
    suggestion: str = ""

    @property
    def total(self):
        return sum(group.total for group in self.groups)


def visible():
    """What a reader may find, kind by kind: querysets through ``published()``."""
    discussions = Discussion.objects.published()
    return {
        "item": NewsItem.objects.published(),
        "insight": Insight.objects.published(),
        "discussion": discussions,
        "comment": Comment.objects.filter(status=Comment.Status.VISIBLE, discussion__in=discussions),
    }


def group_of(kind):
    return {"item": "items", "insight": "insights"}.get(kind, "discussions")


def search(q):
    """Results for ``q``, grouped (items, insights, discussions), with a suggestion if none."""
    words = words_of(q)
    if not words:
        return Results(query=q, groups=[])
    if connection.vendor == "postgresql":
        hits, totals = _postgres_hits(postgres_text(q))
    else:
        hits, totals = _sqlite_hits(words)
    groups = [Group(name, hits[name], totals[name]) for name in GROUPS if hits[name]]
    results = Results(query=q, groups=groups)
    if not groups:
        results.suggestion = suggest(words)
    return results


def _sqlite_match(words):
    return " ".join(f'"{word}"' for word in words)


def _sqlite_visible_sql(kinds):
    """SQL limiting ``items_search`` rows to what readers may see, and its parameters."""
    conditions, params = [], []
    for kind, queryset in visible().items():
        if kind in kinds:
            sql, subquery_params = queryset.values("pk").query.sql_with_params()
            conditions.append(f"(kind = %s AND object_id IN ({sql}))")
            params += [kind, *subquery_params]
    return " OR ".join(conditions), params


def _sqlite_hits(words):
    """Hits and totals per group from the FTS5 index: one query, then one per kind found."""
    where, params = _sqlite_visible_sql(set(visible()))
    group = "CASE WHEN kind IN ('item', 'insight') THEN kind ELSE 'discussion' END"
    sql = f"""
        SELECT kind, object_id, snip, total FROM (
            SELECT kind, object_id, snip, rank,
                ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY rank) AS n,
                COUNT(*) OVER (PARTITION BY {group}) AS total
            FROM (
                SELECT kind, object_id, bm25(items_search, 0, 0, 10.0, 1.0, 5.0) AS rank,
                    snippet(items_search, -1, '{MARK_START}', '{MARK_END}', '…', 16) AS snip
                FROM items_search WHERE items_search MATCH %s AND ({where})
            )
        ) WHERE n <= {RESULTS_PER_GROUP} ORDER BY rank
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [_sqlite_match(words), *params])
        rows = cursor.fetchall()
    wanted = {}
    for kind, pk, _, _ in rows:
        wanted.setdefault(kind, []).append(pk)
    objects = {kind: _fetch(kind, pks) for kind, pks in wanted.items()}
    hits = {name: [] for name in GROUPS}
    totals = dict.fromkeys(GROUPS, 0)
    for kind, pk, snippet, total in rows:
        if pk in objects[kind]:
            hits[group_of(kind)].append(Hit(kind, objects[kind][pk], highlight(snippet)))
            totals[group_of(kind)] = total
    return hits, totals


def _fetch(kind, pks):
    """``{pk: object}`` with what a result shows, in one query."""
    model = {"item": NewsItem, "insight": Insight, "discussion": Discussion, "comment": Comment}[kind]
    related = RELATED.get(kind)
    return (model.objects.select_related(*related) if related else model.objects).in_bulk(pks)


def _postgres_documents():
    """Per kind: (title vector, rest vector, headline text) expressions for ``to_tsvector``."""
    tag_names = Subquery(
        NewsItem.tags.through.objects.filter(object_id=OuterRef("pk"), content_type__model="newsitem")
        .order_by()
        .values("object_id")
        .annotate(names=StringAgg("tag__name", delimiter=Value(" ")))
        .values("names")
    )
    item_text = Concat(
        "summary", Value(" "), "excerpt_title", Value(" "), "excerpt", Value(" "), "source", Value(" "),
        "category__name", Value(" "), "category__label", Value(" "), tag_names,
        output_field=TextField(),
    )  # fmt: skip
    return {
        "item": ("title", item_text),
        "insight": ("headline", "body"),
        "discussion": ("title", "prompt"),
        "comment": (Value(""), "body"),
    }


def _postgres_queryset(kind, text_query):
    title, text = _postgres_documents()[kind]
    query = SearchQuery(text_query, config=CONFIG, search_type="plain")
    vector = SearchVector(title, weight="A", config=CONFIG) + SearchVector(text, weight="B", config=CONFIG)
    return visible()[kind].alias(document=vector).filter(document=query), vector, query, text


def _postgres_hits(text_query):
    """Hits and totals per group: one query per kind, each ranked and highlighted."""
    hits = {name: [] for name in GROUPS}
    totals = dict.fromkeys(GROUPS, 0)
    ranked = {name: [] for name in GROUPS}
    for kind in visible():
        queryset, vector, query, text = _postgres_queryset(kind, text_query)
        if kind in RELATED:
            queryset = queryset.select_related(*RELATED[kind])
        rows = queryset.annotate(
            rank=SearchRank(vector, query),
            snip=SearchHeadline(
                text,
                query,
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
            total=Window(Count("pk")),
        ).order_by("-rank", "pk")[:RESULTS_PER_GROUP]
        for row in rows:
            ranked[group_of(kind)].append((-row.rank, Hit(kind, row, highlight(row.snip))))
        if rows:
            totals[group_of(kind)] += rows[0].total
    for name, pairs in ranked.items():
        pairs.sort(key=lambda pair: pair[0])
        hits[name] = [hit for _, hit in pairs[:RESULTS_PER_GROUP]]
    return hits, totals


def finds_anything(words):
    """Whether ``words`` find anything a reader may see, in one query."""
    if connection.vendor == "postgresql":
        querysets = [_postgres_queryset(kind, " ".join(words))[0].values("pk") for kind in visible()]
        return querysets[0].union(*querysets[1:], all=True).exists()
    where, params = _sqlite_visible_sql(set(visible()))
    sql = f"SELECT 1 FROM items_search WHERE items_search MATCH %s AND ({where}) LIMIT 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, [_sqlite_match(words), *params])
        return cursor.fetchone() is not None


def suggest(words):
    """The query with each unknown word replaced by the board's closest word, or "" if that
    changes nothing or finds nothing either."""
    closest = _postgres_closest(words) if connection.vendor == "postgresql" else _sqlite_closest(words)
    suggestion = [closest.get(word) or word for word in words]
    if suggestion == words or not finds_anything(suggestion):
        return ""
    return " ".join(suggestion)


def _sqlite_closest(words):
    """``{word: closest board word}`` from the index's vocabulary (one query)."""
    shortest, longest = min(map(len, words)), max(map(len, words))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term, doc FROM items_search_vocab WHERE length(term) BETWEEN %s AND %s",
            [max(shortest - 2, 1), longest + 2],
        )
        known = dict(cursor.fetchall())
    closest = {}
    for word in words:
        if word in known:
            continue
        matcher = difflib.SequenceMatcher(b=word)
        scored = []
        for term, documents in known.items():
            if abs(len(term) - len(word)) > 2:
                continue
            matcher.set_seq1(term)
            if matcher.real_quick_ratio() >= 0.75 and matcher.quick_ratio() >= 0.75:
                ratio = matcher.ratio()
                if ratio >= 0.75:
                    scored.append((ratio, documents, term))
        if scored:
            closest[word] = max(scored)[2]
    return closest


# The board's words for pg_trgm, drafts and hidden comments included: a suggestion is only
# offered if it finds something visible (``suggest``).
POSTGRES_WORDS = " UNION ALL ".join(
    [
        "SELECT to_tsvector('simple', title || ' ' || summary || ' ' || excerpt || ' ' || source) "
        "FROM items_newsitem",
        "SELECT to_tsvector('simple', name || ' ' || label) FROM items_category",
        "SELECT to_tsvector('simple', name) FROM taggit_tag",
        "SELECT to_tsvector('simple', headline || ' ' || body) FROM items_insight",
        "SELECT to_tsvector('simple', title || ' ' || prompt) FROM items_discussion",
        "SELECT to_tsvector('simple', body) FROM items_comment WHERE status = 'visible'",
    ]
)


def _postgres_closest(words):
    """``{word: closest board word}`` by pg_trgm similarity (one query)."""
    sql = """
        WITH board AS MATERIALIZED (SELECT word, ndoc FROM ts_stat(%s))
        SELECT q, (
            SELECT word FROM board WHERE similarity(word, q) > 0.3
            ORDER BY similarity(word, q) DESC, ndoc DESC, word LIMIT 1
        ) FROM unnest(%s::text[]) AS q
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [POSTGRES_WORDS, words])
        return {word: closest for word, closest in cursor.fetchall() if closest and closest != word}
