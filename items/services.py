"""Every write that carries a rule. Views and the admin call these; they never write directly."""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, Max, ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify

from items import caching, permissions
from items.models import (
    BoardVisit,
    Category,
    Comment,
    CommentReport,
    CommentRevision,
    Discussion,
    DiscussionVisit,
    HelpfulMark,
    Insight,
    Media,
    ModerationAction,
    NewsItem,
    Profile,
    WeeklyIssue,
)
from items.rendering import render_comment

logger = logging.getLogger(__name__)

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


def _record(comment, by, action):
    # ``by`` is None for writes the board makes itself (the demo, imports): no one to name.
    ModerationAction.objects.create(comment=comment, moderator=by, action=action)


def comment_hide(*, comment, by=None):
    """Hide ``comment`` from everyone but instructors; its replies keep their place."""
    _require_moderator(by)
    with transaction.atomic():
        comment.reports.update(resolved=True)
        _record(comment, by, ModerationAction.Action.HIDE)
        return _set_comment_status(comment, Comment.Status.HIDDEN)


def comment_restore(*, comment, by=None):
    """Make a hidden or pending comment visible again (its reports count as handled)."""
    _require_moderator(by)
    with transaction.atomic():
        comment.reports.update(resolved=True)
        _record(comment, by, ModerationAction.Action.RESTORE)
        return _set_comment_status(comment, Comment.Status.VISIBLE)


# Discussion: every comment write goes through the functions below.


class RateLimited(ValidationError):
    """Too many comments in a short time; the form keeps the text."""


ANONYMOUS_NAME = "Anonymous student"


def shown_name(username, display_name, anonymous=False):
    """The name a reader sees: the display name, else the username; no account, no name; a
    comment posted anonymously, "Anonymous student" (give ``anonymous`` for every reader but
    the author and instructors)."""
    if anonymous:
        return ANONYMOUS_NAME
    if username is None:
        return "[deleted user]"
    return display_name or username


def display_name(user):
    """``shown_name`` for a user object (or None, an account that was deleted)."""
    if user is None:
        return shown_name(None, "")
    try:
        name = user.profile.display_name
    except Profile.DoesNotExist:
        name = ""
    return shown_name(user.get_username(), name)


def _require_moderator(by):
    if by is not None and not permissions.is_moderator(by):
        raise PermissionDenied("Only instructors can moderate comments.")


def _check_rate_limit(author):
    if permissions.is_moderator(author):
        return
    recent = Comment.objects.filter(author=author)
    _check_recent_count(recent, "created_at", "posted", "comments")


def _check_edit_rate_limit(author):
    if permissions.is_moderator(author):
        return
    recent = CommentRevision.objects.filter(comment__author=author)
    _check_recent_count(recent, "replaced_at", "made", "edits")


def _check_recent_count(queryset, field, verb, noun):
    now = timezone.now()
    recent = queryset.filter(**{f"{field}__gte": now - timedelta(days=1)})
    per_minute = settings.NEWSBOARD_COMMENTS_PER_MINUTE
    per_day = settings.NEWSBOARD_COMMENTS_PER_DAY
    if recent.filter(**{f"{field}__gte": now - timedelta(minutes=1)}).count() >= per_minute:
        raise RateLimited(
            f"You have {verb} {per_minute} {noun} in the last minute. "
            "Please wait a minute and send it again: your text is kept below.",
            code="rate_limited",
        )
    if recent.count() >= per_day:
        raise RateLimited(
            f"You have {verb} {per_day} {noun} today, the daily limit. "
            "Your text is kept below; please try again tomorrow.",
            code="rate_limited",
        )


def _check_length(body):
    limit = settings.NEWSBOARD_COMMENT_MAX_LENGTH
    if len(body) > limit:
        raise ValidationError(
            {"body": f"Comments are at most {limit:,} characters; this one has {len(body):,}."},
            code="max_length",
        )
    if not body.strip():
        raise ValidationError({"body": "Write something first."}, code="required")


def _existing_submission(author, submit_token):
    if submit_token is None:
        return None
    return Comment.objects.filter(author=author, submit_token=submit_token).first()


def comment_create(*, discussion, author, body, parent=None, submit_token=None, anonymous=False):
    """Post a comment (or a reply to ``parent``) and return it; ``anonymous``, shown to
    classmates as "Anonymous student" (when the course allows it).

    Validates length, rate limit, the discussion's lock and the parent; pending when the
    discussion is pre-moderated. The same ``submit_token`` twice returns the first comment,
    so a double-clicked submit makes one comment. The parent's author gets an email once
    the comment is visible and committed.
    """
    if not permissions.can_post(author, discussion):
        raise PermissionDenied("This discussion is locked: no new comments.")
    if existing := _existing_submission(author, submit_token):
        return existing
    _check_length(body)
    if anonymous and not settings.NEWSBOARD_ANONYMOUS_POSTING:
        raise ValidationError(
            "Anonymous posting is turned off for this course, so this comment would show your name. "
            "Your text is kept below: send it again to post it under your name.",
            code="anonymous_off",
        )
    # Rendered before the transaction: on SQLite an open write transaction holds the one
    # write lock, so every other writer would wait for the render too.
    body_html = render_comment(body)
    try:
        with transaction.atomic():
            # Lock the discussion row: posts to one discussion queue here, so the lock
            # check and the denormalised counts stay right under concurrent posting.
            discussion = Discussion.objects.select_for_update().get(pk=discussion.pk)
            if discussion.is_locked:
                raise PermissionDenied("This discussion is locked: no new comments.")
            _check_rate_limit(author)
            if parent is not None and (
                parent.discussion_id != discussion.pk or parent.status != Comment.Status.VISIBLE
            ):
                raise ValidationError({"parent": "You can only reply to a visible comment here."})
            premoderated = discussion.is_premoderated and not permissions.is_moderator(author)
            comment = Comment(
                discussion=discussion,
                author=author,
                parent=parent,
                depth=parent.depth + 1 if parent else 0,
                body=body,
                body_html=body_html,
                status=Comment.Status.PENDING if premoderated else Comment.Status.VISIBLE,
                submit_token=submit_token,
                is_anonymous=anonymous,
            )
            comment.full_clean()
            comment.save()
            discussion_refresh_counts(discussion)
            if comment.status == Comment.Status.VISIBLE:
                _notify_parent_author_on_commit(comment)
    except (IntegrityError, ValidationError):
        # A simultaneous double submit: the other request saved it first.
        if existing := _existing_submission(author, submit_token):
            return existing
        raise
    return comment


def comment_edit(*, comment, by, body):
    """Change the text of ``by``'s own comment within the edit window; marks it edited."""
    if not permissions.can_edit(by, comment):
        raise PermissionDenied(
            f"You can edit your own comments for {settings.NEWSBOARD_COMMENT_EDIT_MINUTES} minutes."
        )
    _check_length(body)
    body_html = render_comment(body)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not permissions.can_edit(by, comment):
            raise PermissionDenied("This comment can no longer be edited.")
        _check_edit_rate_limit(by)
        CommentRevision.objects.create(comment=comment, body=comment.body)
        comment.body = body
        comment.body_html = body_html
        comment.edited_at = timezone.now()
        comment.full_clean()
        comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


def comment_delete(*, comment, by):
    """The author removes their comment: it shows as "[deleted]" and its replies stay."""
    if not permissions.can_delete(by, comment):
        raise PermissionDenied("You can only delete your own visible comments.")
    with transaction.atomic():
        # Checked again under the row lock: an instructor may have hidden it meanwhile.
        comment = Comment.objects.select_for_update().select_related("discussion").get(pk=comment.pk)
        if not permissions.can_delete(by, comment):
            raise PermissionDenied("You can only delete your own visible comments.")
        return _set_comment_status(comment, Comment.Status.DELETED)


def comment_undelete(*, comment, by, status):
    """The author takes back a deletion they just made: the comment shows again as it was
    (``status``, visible or pending approval)."""
    if by is None or comment.author_id != by.pk:
        raise PermissionDenied("You can only undo deleting your own comment.")
    if status not in (Comment.Status.VISIBLE, Comment.Status.PENDING):
        raise ValidationError("That comment cannot come back.")
    with transaction.atomic():
        comment = Comment.objects.select_for_update().select_related("discussion").get(pk=comment.pk)
        if comment.status != Comment.Status.DELETED:
            raise ValidationError("That comment is not deleted.")
        return _set_comment_status(comment, status)


def comment_report(*, comment, by, reason):
    """Report ``comment`` to the instructors with a reason; once per reader."""
    if not permissions.can_report(by, comment):
        raise PermissionDenied("You cannot report this comment.")
    if CommentReport.objects.filter(comment=comment, reporter=by).exists():
        raise ValidationError(ALREADY_REPORTED)
    report = CommentReport(comment=comment, reporter=by, reason=reason.strip())
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # A second click that raced the first: the database's constraint keeps one report.
        if CommentReport.objects.filter(comment=comment, reporter=by).exists():
            raise ValidationError(ALREADY_REPORTED) from None
        raise
    return report


ALREADY_REPORTED = "You already reported this comment. The instructors will look at it."


def comment_approve(*, comment, by=None):
    """Publish a pending comment (pre-moderation); its parent's author is told on commit."""
    _require_moderator(by)
    if comment.status != Comment.Status.PENDING:
        raise ValidationError("Only a pending comment can be approved.")
    with transaction.atomic():
        _record(comment, by, ModerationAction.Action.APPROVE)
        _set_comment_status(comment, Comment.Status.VISIBLE)
        _notify_parent_author_on_commit(comment)
    return comment


def comment_reject(*, comment, by=None):
    """Keep a pending comment from readers: it becomes hidden."""
    _require_moderator(by)
    if comment.status != Comment.Status.PENDING:
        raise ValidationError("Only a pending comment can be rejected.")
    with transaction.atomic():
        _record(comment, by, ModerationAction.Action.REJECT)
        return _set_comment_status(comment, Comment.Status.HIDDEN)


def comment_pin(*, comment, by=None, pinned=True):
    """Pin ``comment`` to the top of its discussion (or unpin it)."""
    _require_moderator(by)
    with transaction.atomic():
        _record(comment, by, ModerationAction.Action.PIN if pinned else ModerationAction.Action.UNPIN)
        comment.is_pinned = pinned
        comment.full_clean()
        comment.save(update_fields=["is_pinned"])
    return comment


def comment_endorse(*, comment, by=None, endorsed=True):
    """An instructor endorses ``comment`` (or withdraws it): "Endorsed by an instructor", first
    among its siblings."""
    _require_moderator(by)
    if endorsed and comment.status != Comment.Status.VISIBLE:
        raise ValidationError("Only a visible comment can be endorsed.")
    with transaction.atomic():
        action = ModerationAction.Action.ENDORSE if endorsed else ModerationAction.Action.UNENDORSE
        _record(comment, by, action)
        comment.is_endorsed = endorsed
        comment.save(update_fields=["is_endorsed"])
    return comment


def comment_mark_helpful(*, comment, by, helpful=True):
    """``by`` finds ``comment`` helpful (or takes it back): once per reader, never their own.

    The unique constraint keeps one mark per (reader, comment) whatever arrives at once; the
    count shown is counted from the marks, so it cannot drift."""
    if not by.is_authenticated or not by.is_active:
        raise PermissionDenied("Sign in to mark comments helpful.")
    if comment.author_id == by.pk:
        raise ValidationError("You cannot mark your own comment helpful.")
    if not helpful:
        HelpfulMark.objects.filter(student=by, comment=comment).delete()
        return comment
    if comment.status != Comment.Status.VISIBLE:
        raise ValidationError("Only a visible comment can be marked helpful.")
    HelpfulMark.objects.get_or_create(student=by, comment=comment)
    return comment


def discussion_seen(*, discussion, by):
    """Record that ``by`` has read ``discussion`` now: later comments are new to them. One
    upsert, so two tabs at once make one row."""
    with transaction.atomic(savepoint=False):
        DiscussionVisit.objects.bulk_create(
            [DiscussionVisit(student=by, discussion=discussion, last_seen_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["student", "discussion"],
            update_fields=["last_seen_at"],
        )
        # An upsert sends no signal: what is new to the student changes with it.
        caching.reader_changed(by.pk)


def board_seen(*, by, at, new_since):
    """Record that ``by`` opened a board page at ``at``, their current visit showing as new what
    was published after ``new_since``. One upsert: two tabs at once make one row, and no reader
    waits on a lock but this student's own row."""
    with transaction.atomic(savepoint=False):
        BoardVisit.objects.bulk_create(
            [BoardVisit(student=by, last_seen_at=at, new_since=new_since)],
            update_conflicts=True,
            unique_fields=["student"],
            update_fields=["last_seen_at", "new_since"],
        )
        # An upsert sends no signal: what is new to the student changes with it.
        caching.reader_changed(by.pk)


def _set_discussion_lock(discussion, by, locked):
    _require_moderator(by)
    with transaction.atomic():
        discussion.is_locked = locked
        discussion.full_clean()
        discussion.save(update_fields=["is_locked"])
    return discussion


def discussion_lock(*, discussion, by=None):
    """No new comments until unlocked."""
    return _set_discussion_lock(discussion, by, True)


def discussion_unlock(*, discussion, by=None):
    return _set_discussion_lock(discussion, by, False)


def _get_or_create_discussion(lookup, defaults):
    # The OneToOne on issue/item makes the database refuse a second discussion, so two
    # first visitors at once end with the same row.
    try:
        with transaction.atomic():
            discussion, _ = Discussion.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:
        discussion = Discussion.objects.get(**lookup)
    return discussion


# What a week's discussion asks, until an instructor writes its own prompt.
WEEK_PROMPT = "What stood out for you this week?"


def discussion_for_issue(issue):
    """The discussion of a weekly issue, created the first time someone needs it."""
    return _get_or_create_discussion(
        {"issue": issue},
        {
            "title": f"{issue.title}, {issue.issue_date:%a %-d %b %Y}",
            "slug": f"week-{issue.issue_date.isoformat()}",
            "prompt": WEEK_PROMPT,
        },
    )


def discussion_for_item(item):
    """The discussion of a news item, created the first time someone needs it."""
    return _get_or_create_discussion(
        {"item": item},
        {
            "title": item.title[:200],
            "slug": f"item-{item.pk}-{item.slug}"[:100].strip("-"),
            "prompt": "What do you make of this story?",
        },
    )


def wants_reply_notification(comment):
    """Whether the parent comment's author wants an email about this reply (their address being
    verified is checked by the task that sends it, ``newsletter.tasks.notify_reply``)."""
    parent = comment.parent
    if parent is None or parent.author is None or not parent.author.email:
        return False
    if parent.author_id == comment.author_id:
        return False
    return not Profile.objects.filter(user_id=parent.author_id, notify_replies=False).exists()


def _notify_parent_author_on_commit(comment):
    if wants_reply_notification(comment):
        transaction.on_commit(lambda: send_reply_notification(comment))


def send_reply_notification(comment):
    """Queue the email to the parent comment's author; the worker sends it, never this request."""
    from newsletter import tasks

    try:
        tasks.enqueue(tasks.notify_reply, comment.pk)
    except Exception:
        # The comment is already saved; a queue hiccup must not turn that into an error page.
        logger.exception("Reply notification for comment %s could not be queued", comment.pk)


def reply_notification(comment):
    """The reply email's subject and plain-text body (with a permalink)."""
    recipient = comment.parent.author
    context = {
        "comment": comment,
        "replier": ANONYMOUS_NAME if comment.is_anonymous else display_name(comment.author),
        "recipient": display_name(recipient),
        "url": settings.NEWSBOARD_SITE_URL + comment.get_absolute_url(),
        "settings_url": settings.NEWSBOARD_SITE_URL + reverse("account_settings"),
        "site_name": settings.NEWSBOARD_SITE_NAME,
    }
    subject = f"{context['replier']} replied to your comment on “{comment.discussion.title}”"
    return subject, render_to_string("items/email/reply_notification.txt", context)


# Insights from the discussion: an instructor turns a student's comment into a draft insight.

# How an insight credits a student who posted anonymously or asked not to be named.
STUDENT_CREDIT = "a student"
# A headline when a comment's first line has no words in it (only Markdown marks).
FALLBACK_HEADLINE = "From the discussion"


def insight_credit(comment):
    """The credit an insight from ``comment`` starts with: its author's name as classmates see it,
    or "a student" when it was posted anonymously, the author asked not to be named
    (``Profile.credit_by_name``) or the account is gone."""
    author = comment.author
    if author is None or comment.is_anonymous:
        return STUDENT_CREDIT
    if Profile.objects.filter(user=author, credit_by_name=False).exists():
        return STUDENT_CREDIT
    return display_name(author)


def credit_names_hidden_author(credit, comment):
    """Whether ``credit`` names the author of ``comment`` although they must not be named (the
    comment is anonymous, or they asked not to be)."""
    author = comment.author
    if not credit or author is None or insight_credit(comment) != STUDENT_CREDIT:
        return False
    names = {author.get_username(), display_name(author)}
    return any(
        re.search(rf"(?<!\w){re.escape(name)}(?!\w)", credit, re.IGNORECASE) for name in names if name.strip()
    )


def insight_headline(text):
    """An insight's headline from a comment's text: its first sentence (of its first line with
    words), without Markdown's leading marks, at most the field's length; never blank."""
    limit = Insight._meta.get_field("headline").max_length
    for line in text.splitlines():
        line = line.strip().lstrip("#>*-+ \t").strip()
        if any(character.isalnum() for character in line):
            sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
            return Truncator(sentence).chars(limit)
    return FALLBACK_HEADLINE


def discussion_evidence(discussion):
    """The news items a discussion is about: its item, or its week's items (none for the Open
    Discussion)."""
    if discussion.item_id is not None:
        return [discussion.item]
    if discussion.issue_id is not None:
        return list(discussion.issue.items.order_by("position"))
    return []


def insight_from_comment(*, comment, by):
    """Make a draft insight from a visible ``comment`` and return ``(insight, created)``.

    Numbered after the last insight, its headline the comment's first sentence, its body the
    comment's text, its evidence the discussion's items, crediting the student
    (``insight_credit``). A comment makes one insight: asked again, this returns that one.
    Instructors only.
    """
    if by is None or not permissions.is_moderator(by):
        raise PermissionDenied("Only instructors can make insights from comments.")
    if existing := Insight.objects.filter(source_comment=comment).first():
        return existing, False
    if comment.status != Comment.Status.VISIBLE:
        raise ValidationError("Only a visible comment can become an insight.")
    evidence = discussion_evidence(comment.discussion)
    for attempt in range(3):
        insight = Insight(
            number=(Insight.objects.aggregate(m=Max("number"))["m"] or 0) + 1,
            headline=insight_headline(comment.body),
            body=comment.body.strip(),
            source_comment=comment,
            credit=insight_credit(comment),
            is_published=False,
        )
        try:
            with transaction.atomic():
                insight.full_clean(validate_unique=False, validate_constraints=False)
                insight.save()
                insight.evidence.set(evidence)
        except IntegrityError:
            # Another instructor promoted it, or took the number, at the same moment.
            if existing := Insight.objects.filter(source_comment=comment).first():
                return existing, False
            if attempt == 2:
                raise
        else:
            return insight, True


def insight_published(insight):
    """Call after saving ``insight``: once it is published, the student whose comment it grew
    from is told, once (``notified_at``), by email on commit (sent only to a verified address)
    and on their "My week" page."""
    if not insight.is_published or insight.source_comment_id is None or insight.notified_at is not None:
        return False
    now = timezone.now()
    # One claim per insight, whoever saves it at the same time.
    claimed = Insight.objects.filter(pk=insight.pk, is_published=True, notified_at__isnull=True).update(
        notified_at=now
    )
    if not claimed:
        return False
    insight.notified_at = now
    transaction.on_commit(lambda: send_insight_notification(insight))
    return True


def send_insight_notification(insight):
    """Queue the email to the student; the worker sends it, never this request."""
    from newsletter import tasks

    try:
        tasks.enqueue(tasks.notify_insight, insight.pk)
    except Exception:
        # The insight is already published; a queue hiccup must not turn that into an error page.
        logger.exception("Insight notification for insight %s could not be queued", insight.pk)


def insight_notification(insight):
    """The email's subject and plain-text body: the student's comment became this insight."""
    comment = insight.source_comment
    context = {
        "insight": insight,
        "comment": comment,
        "recipient": display_name(comment.author),
        "url": settings.NEWSBOARD_SITE_URL + insight.get_absolute_url(),
        "settings_url": settings.NEWSBOARD_SITE_URL + reverse("account_settings"),
        "site_name": settings.NEWSBOARD_SITE_NAME,
    }
    subject = f"Your comment became Insight {insight.number}: {insight.headline}"
    return subject, render_to_string("items/email/insight_notification.txt", context)


def uncredit_author(user):
    """``user`` asked not to be named: insights from their comments that name them credit "a
    student" instead. Returns how many changed."""
    changed = 0
    insights = Insight.objects.filter(source_comment__author=user).select_related("source_comment__author")
    for insight in insights:
        if credit_names_hidden_author(insight.credit, insight.source_comment):
            insight.credit = STUDENT_CREDIT
            insight.save(update_fields=["credit"])
            changed += 1
    return changed


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


def _recap_category(label, cache, names):
    if label.lower() not in cache:
        category = Category.objects.filter(label__iexact=label).first()
        if category is None:
            order = (Category.objects.aggregate(m=Max("display_order"))["m"] or 0) + 1
            category = Category(
                name=names.get(label, label),
                label=label,
                slug=_unique_category_slug(label),
                display_order=order,
            )
            category.full_clean()
            category.save()
            cache["created"].append(category)
        cache[label.lower()] = category
    return cache[label.lower()]


def _uploaded_name(src):
    """The storage name of an upload from its address (``/media/uploads/…``), or None."""
    base = Media._meta.get_field("image").storage.url("")
    return src.removeprefix(base) if src.startswith(base) and src != base else None


def _recap_media(item, pictures):
    """Give ``item`` exactly the recap's pictures, reusing its rows by position."""
    existing = {media.position: media for media in item.media.all()}
    for position, data in enumerate(pictures, start=1):
        media = existing.pop(position, None) or Media(item=item, position=position)
        for name in ("kind", "caption", "subfigure_label", "credit", "licence", "licence_url", "alt_text"):
            setattr(media, name, getattr(data, name))
        upload = None
        if data.src.startswith(("http://", "https://")):
            media.image = media.thumbnail = media.thumbnail_large = ""
            media.width = media.height = None
            media.external_url = data.src
        else:
            name = _uploaded_name(data.src)
            storage = Media._meta.get_field("image").storage
            if name is None or not storage.exists(name):
                raise ValidationError(
                    f"Item {item.position} of {item.issue}: the picture {data.src} is not on this board. "
                    "Upload it in the admin, or give the address of a picture on the web."
                )
            media.external_url = ""
            if media.image.name != name and Media.objects.filter(image=name).exists():
                # Another picture's upload: copied, so that each row owns its file and thumbnails.
                upload = storage.open(name)
                media.image = File(upload, name=name.rsplit("/", 1)[-1])
            elif media.image.name != name:
                # An upload whose row is gone (its week was deleted): its file is taken back.
                media.image.name = name
                media.make_thumbnails()
        try:
            media.full_clean()
            media.save()
        finally:
            if upload is not None:
                upload.close()
    for stale in existing.values():
        stale.delete()


def _recap_evidence(insight, date, number, weeks):
    """The ``number``-th item of the week of ``date``, as a recap cites it."""
    if date not in weeks:
        weeks[date] = list(NewsItem.objects.filter(issue__issue_date=date).order_by("position"))
    if not 1 <= number <= len(weeks[date]):
        raise ValidationError(
            f"{insight} cites item {number} of the week of {date.isoformat()}, "
            "which is neither on the board nor in the recap."
        )
    return weeks[date][number - 1]


@transaction.atomic
def recap_import(recap, *, update_existing=False):
    """Create the recap's weeks as draft issues, with new categories, items, tags, pictures and
    insights (with their evidence).

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
            counts["issues"] += 1
        else:
            counts["issues_updated"] += 1
        issue.title, issue.introduction = data.title, data.introduction
        issue.full_clean()
        issue.save()
        existing = {item.position: item for item in issue.items.all()}
        for entry in data.items:
            item = existing.pop(entry.position, None) or NewsItem(issue=issue, position=entry.position)
            item.category = _recap_category(entry.category, categories, recap.category_names)
            item.title = entry.title
            item.link = entry.link
            item.source = entry.source
            item.summary = entry.summary
            item.excerpt_title = entry.excerpt_title
            item.excerpt = entry.excerpt
            item.full_clean(exclude=["slug"])
            item.save()
            item.tags.set(entry.tags)
            _recap_media(item, entry.media)
            counts["items"] += 1
        for stale in existing.values():
            try:
                stale.delete()
            except ProtectedError as error:
                raise ValidationError(
                    f"Item {stale.position} of {issue} has a discussion, so the recap cannot remove it. "
                    "Keep it in the recap, or move its discussion first."
                ) from error
    weeks = {}
    for data in recap.insights:
        insight = plan.existing_insights.get(data.number) or Insight(number=data.number)
        insight.headline, insight.body = data.headline, data.body
        insight.full_clean()
        insight.save()
        cited = [_recap_evidence(insight, date, number, weeks) for date, number in data.evidence]
        insight.evidence.set(cited)
        counts["insights"] += 1
    counts["categories"] = len(categories["created"])
    return counts
