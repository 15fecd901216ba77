"""Load the course deck into the database. Idempotent: a second run changes nothing."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from items import palette
from items.demo import course
from items.demo.placeholders import placeholder_png
from items.demo.students import load_demo_students
from items.models import Category, Discussion, Insight, Media, NewsItem, WeeklyIssue


def publish_time(date):
    """Issues went out on the morning of their date."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(9, 0)))


@transaction.atomic
def load_course(*, demo_students=True):
    """Create or update the deck's categories, issues, items, media, insights and discussion, and
    the demo students with their reading and comments (unless ``demo_students`` is False: the
    bench brings its own).

    Returns a dict of how many rows were created, by model name.
    """
    created = {"categories": 0, "issues": 0, "items": 0, "media": 0, "insights": 0, "discussions": 0}
    categories = {}
    for order, (label, name) in enumerate(course.CATEGORIES, start=1):
        colour = list(palette.PALETTE)[(order - 1) % len(palette.PALETTE)]
        categories[label], new = Category.objects.get_or_create(
            label=label,
            defaults={"name": name, "slug": slugify(label), "display_order": order, "colour": colour},
        )
        created["categories"] += new

    for issue_date, items in course.ISSUES:
        issue, new = WeeklyIssue.objects.get_or_create(
            issue_date=issue_date,
            defaults={
                "title": "ML Weekly",
                "status": WeeklyIssue.Status.PUBLISHED,
                "published_at": publish_time(issue_date),
            },
        )
        created["issues"] += new
        for position, data in enumerate(items, start=1):
            fields = {
                "category": categories[data["category"]],
                "title": data["title"],
                "link": data.get("link", ""),
                "excerpt_title": data.get("excerpt_title", ""),
                "excerpt": data.get("excerpt", ""),
            }
            news_item, new = NewsItem.objects.get_or_create(issue=issue, position=position, defaults=fields)
            created["items"] += new
            if new:
                news_item.tags.set(data.get("tags", []))
            for media in data.get("media", []):
                created["media"] += load_media(news_item, media)

    for number, headline, body, evidence in course.INSIGHTS:
        insight, new = Insight.objects.get_or_create(
            number=number, defaults={"headline": headline, "body": body, "is_published": True}
        )
        created["insights"] += new
        if new:
            insight.evidence.set(
                NewsItem.objects.get(issue__issue_date=date, position=position) for date, position in evidence
            )

    _, new = Discussion.objects.get_or_create(
        slug=course.OPEN_DISCUSSION["slug"], defaults=course.OPEN_DISCUSSION
    )
    created["discussions"] += new
    if demo_students:
        created["demo students"] = load_demo_students(course.OPEN_DISCUSSION["slug"])
    return created


def load_media(news_item, data):
    if Media.objects.filter(item=news_item, position=data["position"]).exists():
        return 0
    media = Media(item=news_item, **data)
    image = placeholder_png(
        media.get_kind_display(),
        data.get("subfigure_label", ""),
        data.get("caption", ""),
        f"{data['licence']} by {data['credit']}" if data.get("credit") else "",
    )
    image.name = f"{slugify(news_item.title)[:40]}-{data['position']}.png"
    media.image = image
    media.save()
    return 1
