"""Every write that carries a rule. Views and the admin call these; they never write directly."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from items.models import Category, Comment, Discussion, Insight, NewsItem, WeeklyIssue

# Positions are at most this; a move parks items above it so swaps never collide.
POSITION_PARKING_OFFSET = 10000


def publish_issue(issue, *, at=None):
    """Publish ``issue`` now, or schedule it for ``at`` (a future time)."""
    issue.status = WeeklyIssue.Status.PUBLISHED
    issue.published_at = at or issue.published_at or timezone.now()
    issue.full_clean()
    issue.save(update_fields=["status", "published_at", "updated_at"])
    return issue


def unpublish_issue(issue):
    """Return ``issue`` to draft: students no longer see it."""
    issue.status = WeeklyIssue.Status.DRAFT
    issue.published_at = None
    issue.full_clean()
    issue.save(update_fields=["status", "published_at", "updated_at"])
    return issue


def park_positions(item_ids):
    """Move items out of the way before their new positions are saved (used inside a transaction)."""
    NewsItem.objects.filter(pk__in=item_ids).update(position=F("position") + POSITION_PARKING_OFFSET)


def next_position(issue):
    """The number the next item of ``issue`` gets."""
    return (issue.items.aggregate(m=Max("position"))["m"] or 0) + 1


def items_sharing_link(item):
    """Other items, in other issues, whose link is the same as ``item``'s."""
    if not item.link:
        return NewsItem.objects.none()
    return NewsItem.objects.filter(link=item.link).exclude(issue_id=item.issue_id).select_related("issue")


def discussion_refresh_counts(discussion):
    """Recount the visible comments and last activity (call inside the writing transaction)."""
    visible = discussion.comments.filter(status=Comment.Status.VISIBLE)
    latest = visible.aggregate(m=Max("created_at"))["m"]
    Discussion.objects.filter(pk=discussion.pk).update(comment_count=visible.count(), last_activity_at=latest)


def _set_comment_status(comment, status):
    with transaction.atomic():
        comment.status = status
        comment.full_clean()
        comment.save(update_fields=["status"])
        discussion_refresh_counts(comment.discussion)
    return comment


def comment_hide(*, comment, by=None):
    """Hide ``comment`` from everyone but instructors; its replies keep their place."""
    return _set_comment_status(comment, Comment.Status.HIDDEN)


def comment_restore(*, comment, by=None):
    """Make a hidden or pending comment visible again."""
    return _set_comment_status(comment, Comment.Status.VISIBLE)


class RecapConflict(Exception):
    """The recap covers weeks or insights that already exist; import with ``update_existing``."""

    def __init__(self, issues, insights):
        self.issues = issues
        self.insights = insights
        names = [str(issue) for issue in issues] + [str(insight) for insight in insights]
        super().__init__(f"Already on the board: {'; '.join(names)}. Update them, or change the recap.")


@dataclass
class RecapPlan:
    """What importing a recap would do: which categories are new, which rows already exist."""

    new_categories: list
    existing_issues: dict
    existing_insights: dict

    @property
    def has_conflicts(self):
        return bool(self.existing_issues or self.existing_insights)


def recap_plan(recap):
    """Compare ``recap`` (an ``items.recap.Recap``) with the board, without writing anything."""
    labels = recap.categories
    known = {label.lower() for label in Category.objects.values_list("label", flat=True)}
    dates = [issue.date for issue in recap.issues]
    numbers = [insight.number for insight in recap.insights]
    return RecapPlan(
        new_categories=[label for label in labels if label.lower() not in known],
        existing_issues={
            issue.issue_date: issue for issue in WeeklyIssue.objects.filter(issue_date__in=dates)
        },
        existing_insights={insight.number: insight for insight in Insight.objects.filter(number__in=numbers)},
    )


def _unique_category_slug(label):
    base = slugify(label)[:50] or "category"
    slug, suffix = base, 2
    while Category.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _recap_category(label, cache):
    if label.lower() not in cache:
        category = Category.objects.filter(label__iexact=label).first()
        if category is None:
            order = (Category.objects.aggregate(m=Max("display_order"))["m"] or 0) + 1
            category = Category(
                name=label, label=label, slug=_unique_category_slug(label), display_order=order
            )
            category.full_clean()
            category.save()
            cache["created"].append(category)
        cache[label.lower()] = category
    return cache[label.lower()]


@transaction.atomic
def recap_import(recap, *, update_existing=False):
    """Create the recap's weeks as draft issues, with new categories, items, tags and insights.

    Weeks and insights already on the board raise ``RecapConflict`` unless ``update_existing``:
    then their items are rewritten in place (an updated issue keeps its publishing state) and
    items the recap no longer lists are removed. Returns a dict of counts by kind.
    """
    plan = recap_plan(recap)
    if plan.has_conflicts and not update_existing:
        raise RecapConflict(list(plan.existing_issues.values()), list(plan.existing_insights.values()))
    counts = {"categories": 0, "issues": 0, "issues_updated": 0, "items": 0, "insights": 0}
    categories = {"created": []}
    for data in recap.issues:
        issue = plan.existing_issues.get(data.date)
        if issue is None:
            issue = WeeklyIssue(issue_date=data.date, slug=data.date.isoformat())
            issue.full_clean()
            issue.save()
            counts["issues"] += 1
        else:
            counts["issues_updated"] += 1
        existing = {item.position: item for item in issue.items.all()}
        for entry in data.items:
            item = existing.pop(entry.position, None) or NewsItem(issue=issue, position=entry.position)
            item.category = _recap_category(entry.category, categories)
            item.title = entry.title
            item.link = entry.link
            item.excerpt_title = entry.excerpt_title
            item.excerpt = entry.excerpt
            item.full_clean(exclude=["slug"])
            item.save()
            item.tags.set(entry.tags)
            counts["items"] += 1
        for stale in existing.values():
            try:
                stale.delete()
            except ProtectedError as error:
                raise ValidationError(
                    f"Item {stale.position} of {issue} has a discussion, so the recap cannot remove it. "
                    "Keep it in the recap, or move its discussion first."
                ) from error
    for data in recap.insights:
        insight = plan.existing_insights.get(data.number) or Insight(number=data.number)
        insight.headline, insight.body = data.headline, data.body
        insight.full_clean()
        insight.save()
        counts["insights"] += 1
    counts["categories"] = len(categories["created"])
    return counts
