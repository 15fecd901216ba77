"""Class reach: what reached the class, for instructors. Aggregates in the database, in a fixed
number of queries whatever the size of the term.

Privacy: reading is counted, never listed by student (no one can tell here who did not read);
participation (comments, helpful marks received, endorsements) is per student, as it is public
in the threads anyway.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from items.models import Category, Comment, Discussion, HelpfulMark, NewsItem, ReadMark, WeeklyIssue
from items.permissions import INSTRUCTORS_GROUP

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


def _figures(comments, marks, reads):
    """The columns every row of the report has, from querysets filtered to the row (OuterRef)."""
    unanswered = comments.filter(parent__isnull=True).exclude(
        Exists(_visible_comments().filter(parent=OuterRef("pk")))
    )
    return {
        "readers": count_of(reads.filter(student__is_staff=False), "student", distinct=True),
        "comments": count_of(comments),
        "helpful": count_of(marks),
        "unanswered": count_of(unanswered),
    }


def issue_rows(issues):
    """``issues`` with ``readers`` (students who read any of its items), ``item_count``,
    ``comments``, ``helpful`` and ``unanswered`` (top-level comments nobody answered), counting
    the issue's own discussion and its items'."""
    comments = _visible_comments().filter(
        Q(discussion__issue=OuterRef("pk")) | Q(discussion__item__issue=OuterRef("pk"))
    )
    marks = HelpfulMark.objects.filter(comment__status=Comment.Status.VISIBLE).filter(
        Q(comment__discussion__issue=OuterRef("pk")) | Q(comment__discussion__item__issue=OuterRef("pk"))
    )
    return issues.annotate(
        item_count=count_of(NewsItem.objects.filter(issue=OuterRef("pk"))),
        **_figures(comments, marks, ReadMark.objects.filter(item__issue=OuterRef("pk"))),
    )


def item_rows(items):
    """``items`` with the same figures, for each item's own discussion."""
    comments = _visible_comments().filter(discussion__item=OuterRef("pk"))
    marks = HelpfulMark.objects.filter(
        comment__status=Comment.Status.VISIBLE, comment__discussion__item=OuterRef("pk")
    )
    return items.annotate(**_figures(comments, marks, ReadMark.objects.filter(item=OuterRef("pk"))))


def category_rows():
    """Each category across the published term: items, readers, read marks, comments."""
    published = NewsItem.objects.published()
    class_reads = ReadMark.objects.filter(item__in=published, student__is_staff=False)
    return Category.objects.annotate(
        item_count=count_of(published.filter(category=OuterRef("pk"))),
        readers=count_of(class_reads.filter(item__category=OuterRef("pk")), "student", distinct=True),
        reads=count_of(class_reads.filter(item__category=OuterRef("pk"))),
        comments=count_of(_visible_comments().filter(discussion__item__category=OuterRef("pk"))),
    ).filter(item_count__gt=0)


def tag_rows():
    """The most used tags across the published term, with readers and read marks."""
    published = NewsItem.objects.published()
    class_reads = ReadMark.objects.filter(item__in=published, student__is_staff=False)
    return (
        published.used_tags()
        .annotate(
            readers=count_of(class_reads.filter(item__tags=OuterRef("pk")), "student", distinct=True),
            reads=count_of(class_reads.filter(item__tags=OuterRef("pk"))),
        )
        .order_by("-item_count", "name")[:TOP_TAGS]
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

    @property
    def behind(self):
        """The weeks fewer than half the class read, oldest first."""
        return [week for week in reversed(self.weeks) if week.percent < BEHIND_PERCENT]


def reach(issue_slug=None, all_weeks=False):
    """Everything the reach page shows, in seven queries; ``all_weeks`` for the CSV export."""
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
    categories = list(category_rows())
    tags = list(tag_rows())
    for row in categories + tags:
        row.percent = percent(row.readers, size)
    return Reach(size, weeks, issue, items, categories, tags, list(participants()))
