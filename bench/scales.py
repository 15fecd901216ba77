"""Synthetic data at named scales, built with the project's factories and bulk inserts.

Objects are built (not saved) by the factories in tests/factories.py, so they carry the same
defaults the tests use, then written with ``bulk_create`` in one transaction: the archive's
200,000 comments would take many minutes one ``save()`` at a time.
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from items.demo import course
from items.demo.loader import load_course
from items.models import (
    Category,
    Comment,
    Discussion,
    HelpfulMark,
    Insight,
    Media,
    NewsItem,
    ReadMark,
    WeeklyIssue,
)
from tests import factories

STUDENT_PASSWORD = "bench-lecture-hall-password"
LAST_ISSUE_DATE = datetime.date(2020, 12, 4)
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    """How much to build. ``issues == 0`` means the course deck itself (``load_demo``)."""

    name: str
    issues: int
    items_per_issue: int
    tags: int
    comments: int
    open_comments: int = 200
    students: int = 300
    # The share of the items (all but the newest week's) each student has read, and how many
    # comments got a helpful mark: what the class reach page aggregates.
    read_share: float = 0.0
    helpful: int = 0

    @property
    def is_course(self):
        return self.issues == 0


SCALES = {
    "course": Scale("course", issues=0, items_per_issue=0, tags=0, comments=200),
    "term": Scale("term", issues=60, items_per_issue=6, tags=40, comments=5_000),
    # 12,000 items, 300 students and ~1M read marks: issue 19's class reach at archive scale.
    "archive": Scale(
        "archive",
        issues=2_000,
        items_per_issue=6,
        tags=200,
        comments=200_000,
        read_share=0.28,
        helpful=20_000,
    ),
}

TOPICS = [
    *("transformers", "gpt", "bert", "diffusion", "gan", "reinforcement-learning", "robotics"),
    *("self-driving", "vision", "speech", "translation", "alphafold", "protein", "healthcare"),
    *("climate", "ethics", "bias", "privacy", "regulation", "hardware", "gpu", "tpu", "benchmark"),
    *("dataset", "open-source", "pytorch", "tensorflow", "jax", "quantum", "education", "art"),
    *("music", "games", "chess", "go", "recommendation", "search", "fairness", "safety"),
    *("deepfakes", "surveillance"),
]
SENTENCES = [
    "I think this changes how we should read benchmark results.",
    "The paper's evaluation looks thin to me; the baselines are old.",
    "We discussed this in the lab and nobody agreed on what it means for jobs.",
    "Does anyone know whether the dataset is public?",
    "This is a good example of why compute, not ideas, sets the pace now.",
    "I would love to see the same method tried on a small robot.",
    "The ethics section of the article is worth reading twice.",
    "Regulators will struggle to keep up with releases this fast.",
    "Great find, thanks for sharing it with the class.",
    "I tried the demo and it failed on anything outside its training data.",
]


def tag_names(count):
    """``count`` distinct, readable topic tags."""
    rounds = len(TOPICS)
    return [TOPICS[i % rounds] + ("" if i < rounds else f"-{i // rounds + 1}") for i in range(count)]


def build(scale, *, seed=5):
    """Fill an empty, migrated database with ``scale``; returns (counts, seconds)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        if scale.is_course:
            # The bench's students and comments are its own: not the demo's.
            load_course(demo_students=False)
            issue_discussions = []
        else:
            issue_discussions = _synthetic_board(scale, rng)
        open_discussion = Discussion.objects.get(slug=course.OPEN_DISCUSSION["slug"])
        students = _students(scale.students)
        _comments(scale, rng, open_discussion, issue_discussions, students)
        _reading(scale, rng, students)
    # Fresh statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would give a live site;
    # without them PostgreSQL plans a 2,000-issue table as if it held one row.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts(), time.perf_counter() - started


def counts():
    """Row counts the scales promise, for printing and for the tests."""
    return {
        "issues": WeeklyIssue.objects.count(),
        "items": NewsItem.objects.count(),
        "tags": Tag.objects.count(),
        "comments": Comment.objects.count(),
        "open_discussion_comments": Comment.objects.filter(
            discussion__slug=course.OPEN_DISCUSSION["slug"]
        ).count(),
        "students": get_user_model().objects.filter(username__startswith="bench-student-").count(),
        "read_marks": ReadMark.objects.count(),
        "helpful_marks": HelpfulMark.objects.count(),
    }


def is_built():
    return WeeklyIssue.objects.exists() and Comment.objects.exists()


def _synthetic_board(scale, rng):
    categories = Category.objects.bulk_create(
        factories.CategoryFactory.build(label=label, name=name, slug=slugify(label), display_order=order)
        for order, (label, name) in enumerate(course.CATEGORIES, start=1)
    )
    tags = Tag.objects.bulk_create(Tag(name=name, slug=slugify(name)) for name in tag_names(scale.tags))

    issues = []
    for n in range(scale.issues):
        date = LAST_ISSUE_DATE - datetime.timedelta(weeks=scale.issues - 1 - n)
        issues.append(
            factories.WeeklyIssueFactory.build(
                issue_date=date,
                slug=date.isoformat(),
                published_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(9))),
                introduction=f"Week {n + 1} of the course in machine-learning news.",
            )
        )
    issues = WeeklyIssue.objects.bulk_create(issues, batch_size=BATCH)

    items = []
    for issue in issues:
        for position in range(1, scale.items_per_issue + 1):
            topic = rng.choice(TOPICS)
            title = f"{topic.replace('-', ' ').title()}: what week {issue.pk} taught us, story {position}"
            items.append(
                factories.NewsItemFactory.build(
                    issue=issue,
                    position=position,
                    category=rng.choice(categories),
                    title=title,
                    slug=slugify(title)[:80].strip("-"),
                    source=rng.choice(["Wired", "The Verge", "Nature", "arXiv", "MIT Tech Review"]),
                    summary=" ".join(rng.sample(SENTENCES, 2)),
                    excerpt=" ".join(rng.sample(SENTENCES, 4)) if position % 3 == 0 else "",
                )
            )
    chosen = [rng.sample(tags, min(3, len(tags))) for _ in items]
    items = NewsItem.objects.bulk_create(items, batch_size=BATCH)

    item_type = ContentType.objects.get_for_model(NewsItem)
    TaggedItem.objects.bulk_create(
        (
            TaggedItem(content_type=item_type, object_id=item.pk, tag=tag)
            for item, item_tags in zip(items, chosen, strict=True)
            for tag in item_tags
        ),
        batch_size=BATCH,
    )
    Media.objects.bulk_create(
        (
            Media(
                item=item,
                position=1,
                external_url=f"https://example.org/pictures/{item.pk}.jpg",
                alt_text=f"A picture for {item.title}",
                caption="A picture from the story",
                credit="example.org",
            )
            for item in items[::5]
        ),
        batch_size=BATCH,
    )

    insights = Insight.objects.bulk_create(
        factories.InsightFactory.build(number=number, headline=headline, body=body)
        for number, headline, body, _ in course.INSIGHTS
    )
    Insight.evidence.through.objects.bulk_create(
        Insight.evidence.through(insight=insight, newsitem=item)
        for insight in insights
        for item in rng.sample(items[-60:], min(3, len(items)))
    )
    Discussion.objects.create(**course.OPEN_DISCUSSION)
    return Discussion.objects.bulk_create(
        (
            factories.DiscussionFactory.build(
                title=f"ML Weekly of {issue.issue_date:%-d %b %Y}",
                slug=f"issue-{issue.slug}",
                issue=issue,
                prompt="Which story this week matters most, and why?",
            )
            for issue in issues
        ),
        batch_size=BATCH,
    )


def _students(count):
    """Students who comment and, in the lecture hall, sign in with STUDENT_PASSWORD."""
    password = make_password(STUDENT_PASSWORD)
    # The factory hashes a password per user; the fastest hasher makes that free, and every
    # student then gets the one real hash computed above.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        students = [
            factories.UserFactory.build(username=f"bench-student-{n:03d}", email=f"s{n}@example.edu")
            for n in range(count)
        ]
    for student in students:
        student.password = password
    return get_user_model().objects.bulk_create(students, batch_size=BATCH)


def _comments(scale, rng, open_discussion, issue_discussions, students):
    now = timezone.now()
    plan = [(open_discussion, scale.open_comments)]
    rest = scale.comments - scale.open_comments
    if issue_discussions:
        share, extra = divmod(rest, len(issue_discussions))
        plan += [(d, share + (i < extra)) for i, d in enumerate(issue_discussions)]
    for discussion, count in plan:
        start = now - datetime.timedelta(days=30)
        rows = []
        for n in range(count):
            body = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
            rows.append(
                factories.CommentFactory.build(
                    discussion=discussion,
                    author=students[n % len(students)],
                    body=body,
                    body_html=f"<p>{escape(body)}</p>",
                    created_at=start + datetime.timedelta(minutes=n),
                )
            )
        Comment.objects.bulk_create(rows, batch_size=BATCH)
        discussion.comment_count = count
        discussion.last_activity_at = rows[-1].created_at if rows else None
    Discussion.objects.bulk_update(
        [d for d, _ in plan], ["comment_count", "last_activity_at"], batch_size=BATCH
    )


def _reading(scale, rng, students):
    """Each student's read marks on a random ``read_share`` of the items, the newest week left
    unread (the lecture hall counts the marks its students write there), and ``helpful`` marks
    on random comments by someone else."""
    if scale.read_share:
        newest = WeeklyIssue.objects.order_by("-issue_date").values("pk")[:1]
        items = list(NewsItem.objects.exclude(issue__in=newest).values_list("pk", flat=True))
        per_student = round(len(items) * scale.read_share)
        start = timezone.now() - datetime.timedelta(days=60)
        for student in students:
            ReadMark.objects.bulk_create(
                (
                    ReadMark(student=student, item_id=pk, read_at=start + datetime.timedelta(minutes=n))
                    for n, pk in enumerate(rng.sample(items, per_student))
                ),
                batch_size=BATCH,
            )
    if scale.helpful:
        comments = list(Comment.objects.values_list("pk", "author_id"))
        marks = set()
        while len(marks) < scale.helpful:
            pk, author = rng.choice(comments)
            student = rng.choice(students)
            if student.pk != author:
                marks.add((student.pk, pk))
        HelpfulMark.objects.bulk_create(
            (HelpfulMark(student_id=student, comment_id=pk) for student, pk in marks), batch_size=BATCH
        )
