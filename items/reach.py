"""Class reach: what reached the class, for instructors. Aggregates in the database, in a fixed
number of queries whatever the size of the term.

Privacy: reading is counted, never listed by student (no one can tell here who did not read);
participation (comments, helpful marks received, endorsements) is per student, as it is public
in the threads anyway.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from items.models import Category, Comment, Discussion, HelpfulMark, NewsItem, ReadMark, WeeklyIssue
from items.permissions import INSTRUCTORS_GROUP
from items.querysets import published_issue_q

RECENT_WEEKS = 20
TOP_TAGS = 20
# A week "fell behind" when fewer than this share of the class read any of it.
BEHIND_PERCENT = 50


def is_instructor(user):
    """The Instructors group (and superusers): the only readers of class reach."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=INSTRUCTORS_GROUP).exists())
    )


def class_size():
    """The class: active accounts that are not staff (one query)."""
    return get_user_model().objects.filter(is_active=True, is_staff=False).count()


def count_of(queryset, field="pk", distinct=False):
    """A subquery counting ``queryset``'s rows (or distinct ``field`` values), 0 for none."""
    template = "%(function)s(DISTINCT %(expressions)s)" if distinct else "%(function)s(%(expressions)s)"
    n = Func(F(field), function="COUNT", template=template, output_field=IntegerField())
    return Coalesce(Subquery(queryset.order_by().annotate(n=n).values("n")[:1]), 0)


def _visible_comments():
    return Comment.objects.filter(status=Comment.Status.VISIBLE)


def _figures(paths, reads):
    """The columns every row of the report has: ``readers`` from ``reads`` (read marks filtered
    to the row with OuterRef), and comments, helpful marks and unanswered top-level comments in
    the discussions each of ``paths`` leads to from a discussion (``"item__issue"``: the
    discussions of the row issue's items). Each path's discussions are a list the comments' index
    is searched with, counted apart and added: joined, or ORed, SQLite read every comment for
    each row at archive scale."""

    def total(count):
        figures = [count(path) for path in paths]
        return figures[0] if len(figures) == 1 else sum(figures[1:], figures[0])

    def comments(path):
        # The row's discussions as a list the comments' index is searched with.
        discussions = Discussion.objects.filter(**{path: OuterRef(OuterRef("pk"))}).values("pk")
        return _visible_comments().filter(discussion__in=discussions)

    def unanswered(path):
        # Top-level comments less those a visible reply answers, both found through the
        # discussion (a NOT EXISTS per comment made SQLite scan every comment for each one).
        top = count_of(comments(path).filter(parent__isnull=True))
        answered = comments(path).filter(parent__status=Comment.Status.VISIBLE, parent__parent__isnull=True)
        return top - count_of(answered, "parent", distinct=True)

    def marks(path):
        discussions = Discussion.objects.filter(**{path: OuterRef(OuterRef("pk"))}).values("pk")
        visible = {"comment__status": Comment.Status.VISIBLE, "comment__discussion__in": discussions}
        return count_of(HelpfulMark.objects.filter(**visible))

    return {
        "readers": count_of(reads.filter(student__is_staff=False), "student", distinct=True),
        "comments": total(lambda path: count_of(comments(path))),
        "helpful": total(marks),
        "unanswered": total(unanswered),
    }


def issue_rows(issues):
    """``issues`` with ``readers`` (students who read any of its items), ``item_count``,
    ``comments``, ``helpful`` and ``unanswered`` (top-level comments nobody answered), counting
    the issue's own discussion and its items'."""
    return issues.annotate(
        item_count=count_of(NewsItem.objects.filter(issue=OuterRef("pk"))),
        **_figures(
            ["issue", "item__issue"],
            ReadMark.objects.filter(item__issue=OuterRef("pk")),
        ),
    )


def item_rows(items):
    """``items`` with the same figures, for each item's own discussion."""
    return items.annotate(**_figures(["item"], ReadMark.objects.filter(item=OuterRef("pk"))))


def _class_reads():
    """Students' read marks on published items, through joins the database can start from the
    row's category or tag (not a list of every published item checked for each)."""
    return ReadMark.objects.filter(published_issue_q("item__issue__"), student__is_staff=False)


def category_rows():
    """Each category across the published term: items, readers, read marks, comments."""
    published = NewsItem.objects.published()
    reads = _class_reads().filter(item__category=OuterRef("pk"))
    return Category.objects.annotate(
        item_count=count_of(published.filter(category=OuterRef("pk"))),
        readers=count_of(reads, "student", distinct=True),
        reads=count_of(reads),
        comments=count_of(_visible_comments().filter(discussion__item__category=OuterRef("pk"))),
    ).filter(item_count__gt=0)


def tag_rows():
    """The most used tags across the published term, with readers and read marks: the top tags
    are chosen first, and only they are counted, each count a subquery of its own (annotated
    beside a GROUP BY, SQLite would count them again for every tagged item)."""
    from taggit.models import Tag

    published = NewsItem.objects.published()
    top = published.used_tags().order_by("-item_count", "name").values("pk")[:TOP_TAGS]
    reads = _class_reads().filter(item__tags=OuterRef("pk"))
    return (
        Tag.objects.filter(pk__in=Subquery(top))
        .annotate(
            item_count=count_of(published.filter(tags=OuterRef("pk"))),
            readers=count_of(reads, "student", distinct=True),
            reads=count_of(reads),
        )
        .order_by("-item_count", "name")
    )


def participants():
    """Each student who took part: comments, helpful marks received, endorsements (public in the
    threads anyway). Students who wrote nothing are not listed."""
    mine = _visible_comments().filter(author=OuterRef("pk"))
    # Not ``comment__in=mine``: an OuterRef inside it would name the marks, not the student.
    received = HelpfulMark.objects.filter(
        comment__author=OuterRef("pk"), comment__status=Comment.Status.VISIBLE
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=False)
        .annotate(
            comment_count=count_of(mine),
            helpful_count=count_of(received),
            endorsed_count=count_of(mine.filter(is_endorsed=True)),
        )
        .filter(comment_count__gt=0)
        .select_related("profile")
        .order_by("-comment_count", "username")
    )


def week_figures(issue):
    """``{"readers", "comments"}`` for one issue so far, with its own discussion (``own_slug`` and
    ``own_prompt``, None before it has one; ``own_shown``: readers may see it), in one query:
    present mode's closing slide and its live figures."""
    own = Discussion.objects.filter(issue=OuterRef("pk"))
    return (
        issue_rows(WeeklyIssue.objects.filter(pk=issue.pk))
        .annotate(
            own_slug=Subquery(own.values("slug")[:1]),
            own_prompt=Subquery(own.values("prompt")[:1]),
            own_shown=Exists(Discussion.objects.published().filter(issue=OuterRef("pk"))),
        )
        .values("readers", "comments", "own_slug", "own_prompt", "own_shown")
        .get()
    )


def percent(part, whole):
    return round(100 * part / whole) if whole else 0


@dataclass
class Reach:
    class_size: int
    weeks: list
    issue: object
    items: list
    categories: list
    tags: list
    participants: list
    term_counted_at: object = None

    @property
    def behind(self):
        """The weeks fewer than half the class read, oldest first."""
        return [week for week in reversed(self.weeks) if week.percent < BEHIND_PERCENT]


# How long the figures across the whole term (per category, per tag, per student) are kept: at
# archive scale they aggregate a million read marks, seconds of work, and a few minutes old they
# say the same to an instructor.
TERM_SECONDS = 300


@dataclass
class Term:
    categories: list
    tags: list
    participants: list
    counted_at: object


def term_figures():
    """The figures across the whole term, counted at most every ``TERM_SECONDS`` (three queries
    when they are counted, none in between), with when they were counted."""

    def count():
        return Term(list(category_rows()), list(tag_rows()), list(participants()), timezone.now())

    return cache.get_or_set("reach-term", count, TERM_SECONDS)


def reach(issue_slug=None, all_weeks=False):
    """Everything the reach page shows, in seven queries at most; ``all_weeks`` for the CSV export.
    The weeks and the chosen week's items are counted on each request, the rest every few
    minutes (``term_figures``)."""
    size = class_size()
    published = WeeklyIssue.objects.published().order_by("-issue_date")
    weeks = list(issue_rows(published if all_weeks else published[:RECENT_WEEKS]))
    for week in weeks:
        week.percent = percent(week.readers, size)
    issue = next((w for w in weeks if w.slug == issue_slug), weeks[0] if weeks else None)
    items = []
    if issue is not None:
        items = list(item_rows(issue.items.select_related("category").order_by("position")))
        for item in items:
            item.percent = percent(item.readers, size)
    term = term_figures()
    for row in term.categories + term.tags:
        row.percent = percent(row.readers, size)
    return Reach(size, weeks, issue, items, term.categories, term.tags, term.participants, term.counted_at)
