"""The board's data: what an instructor curates and what students discuss."""

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from taggit.managers import TaggableManager

from items import images, palette
from items.querysets import (
    CategoryQuerySet,
    CommentQuerySet,
    DiscussionQuerySet,
    InsightQuerySet,
    NewsItemQuerySet,
    WeeklyIssueQuerySet,
)


def not_blank(field):
    """A CheckConstraint that keeps ``field`` from being empty or only spaces."""
    return models.CheckConstraint(
        condition=GreaterThan(Length(Trim(F(field))), 0),
        name=f"%(app_label)s_%(class)s_{field}_not_blank",
        violation_error_message=f"The {field.replace('_', ' ')} cannot be blank.",
    )


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True, help_text="Full name, e.g. “Computer Vision”.")
    label = models.CharField(
        max_length=20,
        unique=True,
        help_text="The short tag shown on the slides and badges, e.g. “NLP” or “Vision”.",
    )
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in the category's address.")
    description = models.TextField(blank=True, help_text="Optional: what belongs in this category.")
    display_order = models.PositiveSmallIntegerField(
        default=0, help_text="Smaller numbers are listed first in filters."
    )
    colour = models.CharField(
        max_length=12,
        choices=palette.CHOICES,
        default=palette.DEFAULT,
        help_text="The colour of this category's badges. Every colour is readable in light and dark themes; "
        "give each category its own so they differ at a glance.",
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        verbose_name_plural = "categories"
        indexes = [models.Index(fields=["display_order", "name"], name="category_order_idx")]
        constraints = [
            not_blank("name"),
            not_blank("label"),
            not_blank("slug"),
            models.CheckConstraint(
                condition=Q(colour__in=list(palette.PALETTE)),
                name="category_colour_in_palette",
                violation_error_message="Choose one of the palette's colours.",
            ),
        ]

    def __str__(self):
        return self.label if self.label == self.name else f"{self.name} ({self.label})"

    def get_absolute_url(self):
        return reverse("items:category_detail", kwargs={"slug": self.slug})


TEASER_ITEMS = 3


class WeeklyIssue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=120, default="ML Weekly")
    issue_date = models.DateField(
        unique=True, help_text="The week this recap covers, as on the slide (e.g. Fri 18 Sep 2020)."
    )
    slug = models.SlugField(max_length=10, unique=True, editable=False, help_text="Made from the issue date.")
    introduction = models.TextField(blank=True, help_text="Optional words before the list.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When students can see it. Leave empty to publish now; a future time schedules it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WeeklyIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="issue_published_idx"),
        ]
        constraints = [
            not_blank("title"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="issue_published_has_time",
                violation_error_message="A published issue needs a publish time.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.issue_date:%a %-d %b %Y})"

    def save(self, *args, **kwargs):
        self.slug = self.issue_date.isoformat()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("items:issue_detail", kwargs={"slug": self.issue_date.isoformat()})

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_public

    # ``item_list`` is what pages show. The page querysets fill it with one query
    # (``Prefetch(to_attr=...)``, which skips building a queryset per row); on an instance
    # loaded any other way it costs one query on first use.

    @cached_property
    def item_list(self):
        """The issue's items in slide order, each with its category and discussion, tags and
        media (three queries), unless a page's queryset prefetched them (``issue_items()``,
        ``item_lines()``)."""
        return list(self.items.select_related("category", "discussion").with_details().order_by("position"))

    @cached_property
    def neighbour_dates(self):
        """``(previous, next)``: the dates of the published issues either side, or None.

        Staff previewing a draft see its published neighbours, never another draft.
        """
        return WeeklyIssue.objects.published().neighbour_dates(self.issue_date)

    @property
    def category_mix(self):
        """``(category, how many items)`` for the issue's categories, in the categories' order,
        from ``item_list``: what a row of the archive shows."""
        counts, categories = {}, {}
        for item in self.item_list:
            categories[item.category_id] = item.category
            counts[item.category_id] = counts.get(item.category_id, 0) + 1
        ordered = sorted(categories.values(), key=lambda c: (c.display_order, c.name))
        return [(category, counts[category.pk]) for category in ordered]

    @property
    def teaser(self):
        """The first items' titles, joined with " · ": a row of the archive's one line."""
        return " · ".join(item.title for item in self.item_list[:TEASER_ITEMS])

    @property
    def item_titles(self):
        """The items' titles in order, joined with "; ": how an issue page describes itself."""
        return "; ".join(item.title for item in self.item_list)


class NewsItem(models.Model):
    issue = models.ForeignKey(WeeklyIssue, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text="The item's number on the slide.",
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")
    title = models.CharField(max_length=300, help_text="As written on the slide.")
    slug = models.SlugField(max_length=80, editable=False)
    link = models.URLField(
        max_length=500,
        blank=True,
        help_text="The story's canonical address. Leave empty only if you do not know it.",
    )
    source = models.CharField(max_length=120, blank=True, help_text="Who published it, e.g. “Wired”.")
    summary = models.TextField(blank=True, help_text="A sentence or two for students.")
    excerpt_title = models.CharField(
        max_length=200, blank=True, help_text="Optional heading of the quoted passage."
    )
    excerpt = models.TextField(
        blank=True, help_text="Optional quotation from the source (an abstract, a description)."
    )
    # Pages, feeds and the admin list an item's tags by name (``ordering`` is not a column:
    # no migration), whether read through ``item.tags`` or prefetched into ``tag_list``.
    tags = TaggableManager(blank=True, ordering=["name"], help_text="Topic tags, separated by commas.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "position"]
        verbose_name = "news item"
        indexes = [
            models.Index(fields=["category", "issue"], name="item_category_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "position"],
                name="item_unique_position_in_issue",
                violation_error_message="Another item in this issue already has this number.",
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="item_position_positive"),
            not_blank("title"),
        ]

    def __str__(self):
        return f"{self.position}. ({self.category.label}) {self.title}"

    def save(self, *args, **kwargs):
        self.slug = slugify(self.title)[:80].strip("-") or "item"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("items:item_detail", kwargs={"pk": self.pk, "slug": self.slug})

    # ``tag_list`` and ``media_list`` are what pages show. The page querysets prefetch them
    # (``NewsItemQuerySet.with_tags()`` and ``with_details()``, into these names); on an
    # instance loaded any other way each costs one query on first use, so a page that forgot
    # the prefetch still shows the right tags and media, and its query-count test fails.

    @cached_property
    def tag_list(self):
        """The item's topic tags, by name."""
        return list(self.tags.all())

    @cached_property
    def media_list(self):
        """The item's pictures and media in position order."""
        return list(self.media.order_by("position"))

    @property
    def discussion_if_shown(self):
        """The item's discussion, unless it has none or it is hidden (None then): what a card's
        comment count reads. ``issue_items()`` selects it with the item."""
        try:
            discussion = self.discussion
        except Discussion.DoesNotExist:
            return None
        return None if discussion.is_hidden else discussion


class Media(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", "Photo"
        SCREENSHOT = "screenshot", "Screenshot"
        FIGURE = "figure", "Figure"
        CHART = "chart", "Chart"
        VIDEO = "video", "Video"

    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="media")
    position = models.PositiveSmallIntegerField(default=1, help_text="Order within the item.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PHOTO)
    image = models.ImageField(
        upload_to="uploads/%Y/%m/",
        blank=True,
        validators=[images.validate_image_upload],
        help_text="JPEG, PNG, GIF or WebP. Location data is removed on upload.",
    )
    external_url = models.URLField(
        max_length=500, blank=True, help_text="Or the address of an image or video hosted elsewhere."
    )
    thumbnail = models.ImageField(upload_to="thumbs/", blank=True, editable=False)
    thumbnail_large = models.ImageField(upload_to="thumbs/", blank=True, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    caption = models.CharField(max_length=300, blank=True)
    subfigure_label = models.CharField(
        max_length=8, blank=True, help_text="For a set of pictures: “(a)”, “(b)”, “(c)”."
    )
    credit = models.CharField(max_length=120, blank=True, help_text="Who made it, e.g. “stevekc”.")
    licence = models.CharField(max_length=40, blank=True, help_text="e.g. “CC-BY-NC”.")
    licence_url = models.URLField(blank=True)
    alt_text = models.CharField(
        max_length=1000,
        help_text="What the picture shows, for students using a screen reader. Required.",
    )

    class Meta:
        ordering = ["item", "position"]
        verbose_name_plural = "media"
        constraints = [
            models.UniqueConstraint(
                fields=["item", "position"],
                name="media_unique_position_in_item",
                violation_error_message="Another picture of this item already has this position.",
            ),
            models.CheckConstraint(
                condition=(Q(image="") & ~Q(external_url="")) | (~Q(image="") & Q(external_url="")),
                name="media_image_xor_url",
                violation_error_message="Give either an uploaded image or an external address, not both.",
            ),
            not_blank("alt_text"),
        ]

    def __str__(self):
        label = f"{self.subfigure_label} " if self.subfigure_label else ""
        return f"{label}{self.get_kind_display()}: {self.caption or self.alt_text}"[:120]

    def save(self, *args, **kwargs):
        if self.image and not getattr(self.image, "_committed", True):
            self._process_upload()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.item.get_absolute_url()

    def _process_upload(self):
        """Strip metadata and make thumbnails, so readers never download the full upload."""
        name = images.stem(self.image.name)
        data, ext = images.clean_image_bytes(self.image)
        self.image.save(f"{name}.{ext}", images.ContentFile(data), save=False)
        self.make_thumbnails(name)

    def make_thumbnails(self, name=None):
        """The thumbnails and size of ``image``, a cleaned picture already in storage."""
        name = name or images.stem(self.image.name)
        small, self.width, self.height = images.make_thumbnail(self.image, images.THUMBNAIL_WIDTHS[0])
        self.thumbnail.save(f"{name}-{images.THUMBNAIL_WIDTHS[0]}.webp", small, save=False)
        large, self.width, self.height = images.make_thumbnail(self.image, images.THUMBNAIL_WIDTHS[1])
        self.thumbnail_large.save(f"{name}-{images.THUMBNAIL_WIDTHS[1]}.webp", large, save=False)


class Insight(models.Model):
    number = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(1)])
    headline = models.CharField(max_length=200, help_text="The bold phrase, e.g. “growing exponentially”.")
    body = models.TextField(help_text="The whole insight as you would say it.")
    evidence = models.ManyToManyField(
        NewsItem,
        blank=True,
        related_name="insights",
        help_text="The news items that support this insight.",
    )
    is_published = models.BooleanField(default=False, help_text="Shown to students when ticked.")
    source_comment = models.ForeignKey(
        "Comment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="insights",
        help_text="The student's comment this insight grew from: linked as “from the discussion”.",
    )
    credit = models.CharField(
        max_length=120,
        blank=True,
        help_text="Whom the insight credits, shown as “Suggested by …”: the student's name, or “a student” "
        "when they posted anonymously or do not want their name shown. Leave empty for no credit.",
    )
    # When the comment's author was told their comment became this insight (once, on publishing).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InsightQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            not_blank("headline"),
            not_blank("body"),
            models.UniqueConstraint(
                fields=["source_comment"],
                condition=Q(source_comment__isnull=False),
                name="insight_one_per_comment",
                violation_error_message="Another insight already grew from this comment.",
            ),
        ]

    def __str__(self):
        return f"Insight {self.number}: {self.headline}"

    def get_absolute_url(self):
        return reverse("items:insight_list") + f"#insight-{self.number}"

    def clean(self):
        # A credit must not name a student who posted anonymously or asked not to be named.
        from items.services import credit_names_hidden_author

        if self.source_comment_id and credit_names_hidden_author(self.credit, self.source_comment):
            raise ValidationError(
                {
                    "credit": "This student posted the comment anonymously or asked not to be named: "
                    "credit them as “a student”."
                }
            )

    @property
    def source_url(self):
        """The comment this insight grew from, in its discussion, while readers can see it there;
        else "" (needs ``InsightQuerySet.with_source()``)."""
        if not self.source_slug:
            return ""
        url = reverse("items:discussion_detail", kwargs={"slug": self.source_slug})
        return f"{url}#c{self.source_comment_id}"


class Discussion(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    prompt = models.TextField(help_text="The question students answer.")
    issue = models.OneToOneField(
        WeeklyIssue, null=True, blank=True, on_delete=models.PROTECT, related_name="discussion"
    )
    item = models.OneToOneField(
        NewsItem, null=True, blank=True, on_delete=models.PROTECT, related_name="discussion"
    )
    is_locked = models.BooleanField(default=False, help_text="No new comments while locked.")
    is_premoderated = models.BooleanField(
        default=False, help_text="New comments wait for an instructor's approval."
    )
    is_hidden = models.BooleanField(default=False, help_text="Hidden from students entirely.")
    display_order = models.PositiveSmallIntegerField(
        default=100, help_text="Smaller numbers are listed first (the Open Discussion is 0)."
    )
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DiscussionQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "-last_activity_at", "pk"]
        indexes = [models.Index(fields=["display_order", "last_activity_at"], name="discussion_order_idx")]
        constraints = [
            not_blank("title"),
            models.CheckConstraint(
                condition=Q(issue__isnull=True) | Q(item__isnull=True),
                name="discussion_one_subject",
                violation_error_message="A discussion is about an issue or an item, not both.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("items:discussion_detail", kwargs={"slug": self.slug})


class Comment(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", "Visible"
        PENDING = "pending", "Pending approval"
        HIDDEN = "hidden", "Hidden by an instructor"
        DELETED = "deleted", "Deleted by its author"

    discussion = models.ForeignKey(Discussion, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE)
    is_pinned = models.BooleanField(default=False)
    is_endorsed = models.BooleanField(
        default=False, help_text="Endorsed by an instructor: marked so, and first in its thread."
    )
    is_anonymous = models.BooleanField(
        default=False,
        help_text="Posted anonymously: classmates see “Anonymous student”; instructors see the author.",
    )
    submit_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["discussion", "created_at"], name="comment_thread_idx"),
            models.Index(fields=["status", "created_at"], name="comment_status_idx"),
        ]
        constraints = [
            not_blank("body"),
            models.UniqueConstraint(fields=["author", "submit_token"], name="comment_unique_submission"),
        ]

    def __str__(self):
        return f"Comment {self.pk} by {self.author or '[deleted user]'} on {self.discussion}"

    def get_absolute_url(self):
        return self.discussion.get_absolute_url() + f"#c{self.pk}"


class CommentRevision(models.Model):
    """The text a comment had before one edit: instructors see what was changed, and edits are
    counted against the author's rate limit."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at"]
        indexes = [models.Index(fields=["replaced_at"], name="revision_replaced_idx")]

    def __str__(self):
        return f"Comment {self.comment_id} before its edit at {self.replaced_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.comment.get_absolute_url()


class ModerationAction(models.Model):
    """One moderation decision on a comment: who took it, and when. Kept for good, whatever
    happens to the comment's status afterwards."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hidden"
        RESTORE = "restore", "Restored"
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        PIN = "pin", "Pinned"
        UNPIN = "unpin", "Unpinned"
        ENDORSE = "endorse", "Endorsed"
        UNENDORSE = "unendorse", "Endorsement withdrawn"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="moderation_actions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="moderation_actions"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], name="moderation_created_idx")]

    def __str__(self):
        who = self.moderator or "the system"
        when = f"{self.created_at:%Y-%m-%d %H:%M}"
        return f"{self.get_action_display()} comment {self.comment_id} by {who} at {when}"

    def get_absolute_url(self):
        return self.comment.get_absolute_url()


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comment_reports"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_reader"),
            not_blank("reason"),
        ]

    def __str__(self):
        return f"Report on comment {self.comment_id}: {self.reason[:40]}"

    def get_absolute_url(self):
        return self.comment.get_absolute_url()


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80, blank=True)
    notify_replies = models.BooleanField(
        default=True, help_text="Email me when someone replies to my comment."
    )
    credit_by_name = models.BooleanField(
        default=True,
        help_text="When an instructor turns my comment into an insight, credit me by name "
        "(otherwise as “a student”).",
    )

    class Meta:
        ordering = ["user"]

    def __str__(self):
        return self.display_name or self.user.get_username()


class CourseSettings(models.Model):
    """One row of settings an instructor changes in the admin."""

    join_code = models.CharField(
        max_length=60,
        blank=True,
        help_text="If set, students must enter this code to sign up. Leave empty for open sign-up.",
    )

    class Meta:
        verbose_name = "course settings"
        verbose_name_plural = "course settings"
        ordering = ["pk"]

    def __str__(self):
        return "Course settings"

    @classmethod
    def load(cls):
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


def initial_content_version():
    """Start from the clock, so a new or restored database never reuses a shared cache's keys."""
    return time.time_ns() // 1_000_000


class ContentVersion(models.Model):
    """The version of one part of the board (``items.caching``): it changes whenever what readers
    see of that part changes.

    Shared HTML is cached under keys that name these numbers, so every app server (and every
    worker of one) stops serving a fragment or page the moment its content changes, whatever
    cache backend it uses.
    """

    key = models.CharField(max_length=64, unique=True, help_text='"board", or "discussion:<pk>".')
    value = models.BigIntegerField(default=initial_content_version)
    next_publish_at = models.DateTimeField(
        null=True, blank=True, help_text="The board's: the next scheduled issue's publish time, if any."
    )

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return f"{self.key}: {self.value}"


class ReadMark(models.Model):
    """One student has read one item: what the reading checklist shows them, and what the class
    reach page counts (in aggregate only)."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_marks")
    item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="read_marks")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-read_at"]
        indexes = [models.Index(fields=["item", "student"], name="readmark_item_idx")]
        constraints = [
            models.UniqueConstraint(fields=["student", "item"], name="readmark_once_per_student"),
        ]

    def __str__(self):
        return f"{self.student} read item {self.item_id}"

    def get_absolute_url(self):
        return self.item.get_absolute_url()


class HelpfulMark(models.Model):
    """One reader found one comment (not their own) helpful: counted in the thread, and sorting
    by helpful puts the most marked first."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_marks"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="helpful_marks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["comment", "student"], name="helpful_comment_idx")]
        constraints = [
            models.UniqueConstraint(fields=["student", "comment"], name="helpful_once_per_student"),
        ]

    def __str__(self):
        return f"{self.student} found comment {self.comment_id} helpful"

    def get_absolute_url(self):
        return self.comment.get_absolute_url()


class DiscussionVisit(models.Model):
    """When a reader last read a discussion: what is "new" to them there, kept per reader."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_visits"
    )
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="visits")
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "discussion"], name="visit_once_per_student"),
        ]

    def __str__(self):
        return f"{self.student} read {self.discussion} at {self.last_seen_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.discussion.get_absolute_url()


class BoardVisit(models.Model):
    """A student's visits to the board: what is "new since your last visit" on its pages.

    ``last_seen_at`` is when they last opened a board page (written every few minutes at most);
    ``new_since`` is when their previous visit ended. Issues published after it, and their
    unread items, are new to them.
    """

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_visit"
    )
    last_seen_at = models.DateTimeField()
    new_since = models.DateTimeField()

    class Meta:
        ordering = ["student"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_since__lte=F("last_seen_at")), name="board_visit_new_since_not_later"
            ),
        ]

    def __str__(self):
        return f"{self.student} last opened the board at {self.last_seen_at:%Y-%m-%d %H:%M}"
