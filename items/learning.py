"""What one student's own pages show of their learning: reading, replies, participation.

Every figure here is the student's own (``/me/``); instructors see reading only in aggregate.
Each function is one query.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from items import reading, visits
from items.models import (
    Comment,
    Discussion,
    DiscussionVisit,
    HelpfulMark,
    Insight,
    NewsItem,
    ReadMark,
    WeeklyIssue,
)
from items.services import shown_name

RECENT_WEEKS = 10
RECENT_REPLIES = 10


@dataclass
class MyWeek:
    unread_items: list
    replies: list
    discussions: list
    weeks: list
    items_read: int
    items_total: int
    participation: dict


def this_week_unread(student, new_since=None):
    """The latest published issue's items ``student`` has not read, in slide order, each with
    ``is_new``: its issue went live after ``new_since``."""
    latest = WeeklyIssue.objects.published().order_by("-issue_date").values("pk")[:1]
    items = list(
        NewsItem.objects.filter(issue=Subquery(latest))
        .select_related("issue", "category")
        .annotate(is_read=reading.read_by(student))
        .filter(is_read=False)
        .order_by("position")
    )
    for item in items:
        item.is_new = visits.is_new(item.issue, new_since)
    return items


def replies_to(student):
    """The latest visible replies others wrote to ``student``'s comments, with the name each
    reader may see ("Anonymous student" for anonymous ones)."""
    replies = (
        Comment.objects.filter(
            parent__author=student,
            status=Comment.Status.VISIBLE,
            discussion__in=Discussion.objects.published(),
        )
        .exclude(author=student)
        .select_related("discussion")
        .annotate(
            author_username=F("author__username"), author_display_name=F("author__profile__display_name")
        )
        .order_by("-created_at")[:RECENT_REPLIES]
    )
    for reply in replies:
        reply.author_name = shown_name(reply.author_username, reply.author_display_name, reply.is_anonymous)
    return list(replies)


def discussions_with_news(student):
    """Discussions ``student`` wrote in where others have posted since their last visit, each with
    ``new_count`` and ``first_new`` (the pk to open at)."""
    seen = DiscussionVisit.objects.filter(student=student, discussion=OuterRef("pk")).values("last_seen_at")
    news = (
        Q(comments__status=Comment.Status.VISIBLE)
        & ~Q(comments__author=student)
        & (Q(seen__isnull=True) | Q(comments__created_at__gt=F("seen")))
    )
    return list(
        Discussion.objects.published()
        .filter(pk__in=Comment.objects.filter(author=student).values("discussion"))
        .annotate(seen=Subquery(seen))
        .annotate(new_count=Count("comments", filter=news), first_new=Min("comments__pk", filter=news))
        .filter(new_count__gt=0)
        .order_by("-last_activity_at")
    )


def term_reading(student):
    """``(read, total)``: published items ``student`` has read, and all of them."""
    totals = NewsItem.objects.published().aggregate(
        total=Count("pk"),
        read=Count("pk", filter=Q(Exists(ReadMark.objects.filter(student=student, item=OuterRef("pk"))))),
    )
    return totals["read"], totals["total"]


def participation(student):
    """``student``'s own figures: comments posted, helpful marks received, endorsements, and
    ``insights``: the published insights their comments became (each knows its number and
    address)."""

    def counted(queryset):
        return Coalesce(Subquery(queryset.order_by().values("n"), output_field=IntegerField()), 0)

    mine = Comment.objects.filter(author=OuterRef("pk"), status=Comment.Status.VISIBLE)
    # The published insights grown from the student's comments, as "3,5": no query of their own.
    insights = (
        Insight.objects.published()
        .filter(source_comment__author=OuterRef("pk"))
        .order_by()
        .values("source_comment__author")
        .annotate(n=StringAgg(Cast("number", CharField()), Value(",")))
        .values("n")
    )
    row = (
        get_user_model()
        .objects.filter(pk=student.pk)
        .annotate(
            comment_count=counted(mine.values("author").annotate(n=Count("pk"))),
            endorsed_count=counted(mine.filter(is_endorsed=True).values("author").annotate(n=Count("pk"))),
            helpful_count=counted(
                HelpfulMark.objects.filter(
                    comment__author=OuterRef("pk"), comment__status=Comment.Status.VISIBLE
                )
                .values("comment__author")
                .annotate(n=Count("pk"))
            ),
            insight_numbers=Subquery(insights, output_field=CharField()),
        )
        .values("comment_count", "endorsed_count", "helpful_count", "insight_numbers")
        .get()
    )
    numbers = row.pop("insight_numbers") or ""
    # In number order here: SQLite's aggregate takes no ORDER BY.
    row["insights"] = [Insight(number=number) for number in sorted(int(n) for n in numbers.split(",") if n)]
    return row


def my_week(student, new_since=None):
    """Everything ``/me/`` shows, in six queries; what went live after ``new_since`` is marked new."""
    recent = WeeklyIssue.objects.published().order_by("-issue_date")[:RECENT_WEEKS]
    read, total = term_reading(student)
    return MyWeek(
        unread_items=this_week_unread(student, new_since),
        replies=replies_to(student),
        discussions=discussions_with_news(student),
        weeks=list(reading.issues_progress(recent, student, new_since)),
        items_read=read,
        items_total=total,
        participation=participation(student),
    )
