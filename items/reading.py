"""The reading checklist: which items a student has read.

One ``ReadMark`` row per (student, item), unique in the database. Marks are written with
``INSERT ... ON CONFLICT DO NOTHING`` (``bulk_create(ignore_conflicts=True)``): a mark written
twice at once (a double click, two tabs) is one row and no error, and nobody waits for a lock.

What a reader has read is theirs alone: pages draw it beside the shared, cached content
(``items/_reading.html``), never inside it.
"""

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce

from items import caching, visits
from items.models import NewsItem, ReadMark, WeeklyIssue


def is_student(user):
    """Signed-in, active readers keep a checklist (instructors too: they may try it out)."""
    return user.is_authenticated and user.is_active


def mark_read(student, items):
    """Mark each of ``items`` read by ``student`` (those already read stay as they were)."""
    if not is_student(student):
        return
    marks = [ReadMark(student=student, item=item) for item in items]
    # One commit for the mark and the version (no savepoint: nothing to recover from in between).
    with transaction.atomic(savepoint=False):
        ReadMark.objects.bulk_create(marks, ignore_conflicts=True)
        # bulk_create sends no signal: the student's own pages change with their marks.
        caching.reader_changed(student.pk)


def mark_unread(student, item):
    """Take ``student``'s mark off ``item``."""
    ReadMark.objects.filter(student=student, item=item).delete()


def read_by(student):
    """An ``Exists`` for annotating items (``is_read``) with whether ``student`` read them."""
    return Exists(ReadMark.objects.filter(student=student, item=OuterRef("pk")))


def issue_checklist(issue, student, new_since=None):
    """``issue``'s items in slide order with their category, each with ``is_read`` and ``is_new``
    (its issue went live after ``new_since`` and it is unread): one query. Pages also hand these
    to the shared fragment as ``issue.item_list``, so an issue page reads its items once for both."""
    items = list(
        issue.items.select_related("category", "discussion")
        .annotate(is_read=read_by(student))
        .order_by("position")
    )
    issue_is_new = visits.is_new(issue, new_since)
    for item in items:
        item.is_new = issue_is_new and not item.is_read
    return items


def issues_progress(issues, student, new_since=None):
    """``issues`` (a WeeklyIssue queryset) annotated with ``item_count`` and ``read_count``, the
    items ``student`` has read in each, and ``is_new``, whether it went live after ``new_since``
    (None: nothing is new): the archive's and ``/me/``'s progress, in one query."""
    read = (
        ReadMark.objects.filter(student=student, item__issue=OuterRef("pk"))
        .order_by()
        .values("item__issue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    items = (
        NewsItem.objects.filter(issue=OuterRef("pk"))
        .order_by()
        .values("issue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return issues.annotate(
        item_count=Coalesce(Subquery(items, output_field=IntegerField()), zero),
        read_count=Coalesce(Subquery(read, output_field=IntegerField()), zero),
        is_new=new_since_q(new_since),
    )


def new_since_q(new_since):
    """An issue's ``is_new``: it went live after ``new_since`` (None: never)."""
    if new_since is None:
        return Value(False)
    return ExpressionWrapper(Q(published_at__gt=new_since), output_field=BooleanField())


def archive_progress(student, page_number, page_size, new_since=None):
    """The reader's progress on the archive page ``page_number`` (the same issues, newest first),
    each issue also with ``new_count``: how many of all the published issues are new to them."""
    try:
        number = max(int(page_number or 1), 1)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * page_size
    issues = WeeklyIssue.objects.published().order_by("-issue_date")
    issues = issues_progress(issues, student, new_since)
    if new_since is None:
        issues = issues.annotate(new_count=Value(0))
    else:
        # Over every published issue: a window is computed before the page's LIMIT.
        new = Case(When(published_at__gt=new_since, then=1), default=0, output_field=IntegerField())
        issues = issues.annotate(new_count=Window(Sum(new)))
    return list(issues[start : start + page_size])
