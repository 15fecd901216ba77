"""The instructor's side of the board: curation and moderation in the Django admin."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from taggit.forms import TagWidget
from taggit.managers import TaggableManager
from taggit.models import Tag

from items import admin_recap, images, services
from items.models import (
    Category,
    Comment,
    CommentReport,
    CommentRevision,
    CourseSettings,
    Discussion,
    Insight,
    Media,
    ModerationAction,
    NewsItem,
    Profile,
    WeeklyIssue,
)


def item_with_week(item):
    """An item named with its week, for pickers that list items of many weeks."""
    return f"{item.issue.issue_date:%a %-d %b %Y} · {item}"


class ItemAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, naming each news item with its week (the insight evidence and
    discussion pickers list items of the whole term)."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, NewsItem):
            result["text"] = item_with_week(obj)
        return result


class TagNamesInput(TagWidget):
    """Topic tags as comma-separated text, suggesting the board's existing tags from the page's
    ``<datalist id="tag-names">`` (``admin/items/_tag_names.html``); static/js/admin-tags.js
    suggests them for the tag being typed after a comma too."""

    def __init__(self, attrs=None):
        super().__init__({"list": "tag-names", "autocomplete": "off", **(attrs or {})})

    class Media:
        js = ["js/admin-tags.js"]


class TagSuggestionsMixin:
    """Gives the change form the board's tag names, for ``TagNamesInput``'s datalist."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        names = Tag.objects.order_by("name").values_list("name", flat=True)
        return super().changeform_view(
            request, object_id, form_url, {**(extra_context or {}), "tag_names": names}
        )


class PositionedItemForm(forms.ModelForm):
    """An item row in its issue: uniqueness of its number is checked by the formset."""

    class Meta:
        widgets = {
            "tags": TagNamesInput,
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def validate_constraints(self):
        exclude = self._get_validation_exclusions() | {"position"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class PositionedItemFormSet(forms.BaseInlineFormSet):
    """Lets an instructor swap or renumber items in one save.

    The formset checks that numbers are unique among its rows (every item of the issue
    is a row), then parks moved items out of the way so the database constraint holds
    at every step of the save.
    """

    def get_unique_error_message(self, unique_check):
        return "Two items have the same number. Give each item of the issue its own number."

    def save(self, commit=True):
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and ("position" in form.changed_data or form in self.deleted_forms)
        ]
        with transaction.atomic():
            services.park_positions(moving)
            return super().save(commit)


class NewsItemInline(admin.TabularInline):
    model = NewsItem
    form = PositionedItemForm
    formset = PositionedItemFormSet
    # Pictures and the excerpt are on the item's own page ("Change" above each row); the row
    # holds what an instructor writes for every item, and fits the screen (static/css/admin.css).
    fields = ["position", "category", "title", "link", "source", "tags", "summary"]
    autocomplete_fields = ["category"]
    extra = 1
    ordering = ["position"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")


class WeeklyIssueForm(forms.ModelForm):
    """The issue's own fields; "Published at" explains itself for the issue's state and is
    checked here, so its error shows at the field rather than above the form."""

    PUBLISH_HELP = (
        "When students can see it, once Status is Published: leave empty to publish when you "
        "save, or give a future time to schedule it."
    )
    PUBLISHED_HELP = (
        "Students have seen it since this time. A future time hides it until then; to withdraw "
        "it, set Status to Draft."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.was_public = self.instance.pk is not None and self.instance.is_public
        if "published_at" in self.fields:
            self.fields["published_at"].help_text = (
                self.PUBLISHED_HELP if self.was_public else self.PUBLISH_HELP
            )

    def clean(self):
        data = super().clean()
        publishing = data.get("status") == WeeklyIssue.Status.PUBLISHED
        if publishing and not data.get("published_at") and "published_at" not in self.errors:
            if self.was_public:
                self.add_error(
                    "published_at",
                    "Students have seen this issue: keep its publish time, or set Status to Draft "
                    "to withdraw it.",
                )
            else:
                data["published_at"] = timezone.now()
        return data


@admin.register(WeeklyIssue)
class WeeklyIssueAdmin(TagSuggestionsMixin, admin.ModelAdmin):
    form = WeeklyIssueForm
    list_display = ["__str__", "issue_date", "status", "published_at", "public_state", "item_count"]
    list_filter = ["status"]
    search_fields = ["title", "introduction", "items__title"]
    date_hierarchy = "issue_date"
    inlines = [NewsItemInline]
    actions = ["publish", "unpublish", "export_markdown"]

    class Media:
        css = {"all": ["css/admin.css"]}

    fieldsets = [
        (None, {"fields": ["title", "issue_date", "introduction"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at"],
                "description": "Drafts are visible only to instructors (use “View on site” to preview). "
                "A published issue with a future time is scheduled: students see it from then on.",
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description="Items", ordering="item_count")
    def item_count(self, obj):
        return obj.item_count

    @admin.display(description="Students see it?")
    def public_state(self, obj):
        if obj.is_public:
            return "Yes"
        return "Scheduled" if obj.is_scheduled else "No (draft)"

    @admin.action(description="Publish the selected issues now", permissions=["change"])
    def publish(self, request, queryset):
        for issue in queryset:
            services.publish_issue(issue)
        self.message_user(request, f"Published {len(queryset)} issue(s).", messages.SUCCESS)

    @admin.action(description="Return the selected issues to draft", permissions=["change"])
    def unpublish(self, request, queryset):
        for issue in queryset:
            services.unpublish_issue(issue)
        self.message_user(request, f"{len(queryset)} issue(s) returned to draft.", messages.SUCCESS)

    @admin.action(description="Export the selected issues as Markdown", permissions=["view"])
    def export_markdown(self, request, queryset):
        issues = queryset.with_items().order_by("issue_date")
        return admin_recap.markdown_response(issues, "ml-weekly-recap.md")

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: admin_recap.import_recap_view(self, request))
        return [path("import-recap/", view, name="items_weeklyissue_import_recap"), *super().get_urls()]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is NewsItem:
            for item in form.instance.items.all():
                warn_if_link_reused(request, item)


def warn_if_link_reused(request, item):
    others = list(services.items_sharing_link(item))
    if others:
        where = "; ".join(f"{other.issue} (item {other.position})" for other in others)
        messages.warning(
            request,
            f"“{item.title}” links to a story already used in {where}. Check it is not a repeat.",
        )


class MediaInline(admin.StackedInline):
    model = Media
    extra = 0
    fields = [
        ("kind", "position", "subfigure_label"),
        "image",
        "external_url",
        "alt_text",
        "caption",
        ("credit", "licence", "licence_url"),
    ]
    ordering = ["position"]
    formfield_overrides = {models.ImageField: {"form_class": images.CheckedImageFormField}}


@admin.register(NewsItem)
class NewsItemAdmin(TagSuggestionsMixin, admin.ModelAdmin):
    list_display = ["title", "issue", "position", "category", "tag_list"]
    list_filter = ["issue__status", "category", "issue", "tags"]
    list_select_related = ["issue", "category"]
    search_fields = ["title", "summary", "excerpt", "source", "link"]
    autocomplete_fields = ["issue", "category"]
    date_hierarchy = "issue__issue_date"
    inlines = [MediaInline]
    fieldsets = [
        (None, {"fields": ["issue", "position", "category", "title", "link", "source", "summary", "tags"]}),
        (
            "Quoted passage",
            {"fields": ["excerpt_title", "excerpt"], "classes": ["collapse"]},
        ),
    ]

    formfield_overrides = {TaggableManager: {"widget": TagNamesInput}}

    def get_queryset(self, request):
        # Also what the autocomplete lists: each item is named with its week and category.
        return super().get_queryset(request).select_related("issue", "category").prefetch_related("tags")

    @admin.display(description="Tags")
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warn_if_link_reused(request, obj)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "label", "slug", "display_order", "colour"]
    list_editable = ["display_order", "colour"]
    radio_fields = {"colour": admin.HORIZONTAL}
    search_fields = ["name", "label"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Insight)
class InsightAdmin(admin.ModelAdmin):
    list_display = ["number", "headline", "is_published", "from_discussion"]
    list_editable = ["is_published"]
    list_filter = ["is_published", ("source_comment", admin.EmptyFieldListFilter)]
    search_fields = ["headline", "body"]
    autocomplete_fields = ["evidence"]
    readonly_fields = ["source"]
    fieldsets = [
        (None, {"fields": ["number", "headline", "body", "evidence", "is_published"]}),
        (
            "From the discussion",
            {
                "fields": ["source", "credit"],
                "description": "An insight made from a student's comment (“Make an insight” on the "
                "comment) links back to it and credits the student. They are told when you publish it.",
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source_comment__discussion")

    @admin.display(description="From the discussion", boolean=True, ordering="source_comment")
    def from_discussion(self, obj):
        return obj.source_comment_id is not None

    @admin.display(description="Made from")
    def source(self, obj):
        comment = obj.source_comment
        if comment is None:
            return "No comment (written here, imported, or its comment was deleted)."
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">in the admin</a>): “{}”',
            comment.get_absolute_url(),
            comment,
            reverse("admin:items_comment_change", args=[comment.pk]),
            Truncator(comment.body).chars(200),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if services.insight_published(obj):
            messages.info(request, f"The student whose comment became Insight {obj.number} is told.")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "evidence":
            field.queryset = field.queryset.select_related("issue", "category")
            field.label_from_instance = item_with_week
        return field


@admin.register(Discussion)
class DiscussionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "display_order",
        "comment_count",
        "last_activity_at",
        "is_locked",
        "is_premoderated",
        "is_hidden",
    ]
    list_editable = ["display_order", "is_locked", "is_premoderated", "is_hidden"]
    list_filter = ["is_locked", "is_premoderated", "is_hidden"]
    search_fields = ["title", "prompt"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["issue", "item"]
    readonly_fields = ["comment_count", "last_activity_at"]


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    fields = ["reporter", "reason", "created_at", "resolved"]
    readonly_fields = ["reporter", "reason", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CommentRevisionInline(admin.TabularInline):
    model = CommentRevision
    extra = 0
    fields = ["replaced_at", "body"]
    readonly_fields = fields
    can_delete = False
    verbose_name = "earlier text"
    verbose_name_plural = "Earlier text (before each edit by its author)"

    def has_add_permission(self, request, obj=None):
        return False


class ModerationActionInline(admin.TabularInline):
    model = ModerationAction
    extra = 0
    fields = ["created_at", "action", "moderator"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "Moderation history"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """Every moderation decision, newest first; a record, so nobody edits or deletes it here."""

    list_display = ["created_at", "action", "moderator", "comment"]
    list_filter = ["action", "moderator"]
    list_select_related = ["moderator", "comment__author", "comment__discussion"]
    search_fields = ["comment__body", "moderator__username", "comment__author__username"]
    date_hierarchy = "created_at"
    fields = ["created_at", "action", "moderator", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "is_pinned", "is_anonymous", "created_at", "report_count"]
    list_filter = ["status", "is_pinned", "is_anonymous", "discussion"]
    search_fields = ["body", "author__username"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "discussion",
        "author",
        "is_anonymous",
        "parent",
        "body",
        "created_at",
        "edited_at",
        "status",
    ]
    fields = readonly_fields + ["is_pinned"]
    inlines = [ModerationActionInline, CommentReportInline, CommentRevisionInline]
    actions = ["hide", "restore", "approve", "reject", "make_insight"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "discussion").with_report_counts()

    @admin.display(description="Reports", ordering="report_count")
    def report_count(self, obj):
        return obj.report_count

    def has_add_permission(self, request):
        return False

    def _moderate(self, request, comments, service, done):
        comments = list(comments)
        for comment in comments:
            service(comment=comment, by=request.user)
        self.message_user(request, f"{done} {len(comments)} comment(s).", messages.SUCCESS)

    @admin.action(description="Hide the selected comments", permissions=["change"])
    def hide(self, request, queryset):
        self._moderate(request, queryset, services.comment_hide, "Hid")

    @admin.action(description="Restore (make visible) the selected comments", permissions=["change"])
    def restore(self, request, queryset):
        self._moderate(request, queryset, services.comment_restore, "Restored")

    @admin.action(description="Approve the selected pending comments", permissions=["change"])
    def approve(self, request, queryset):
        pending = queryset.filter(status=Comment.Status.PENDING)
        self._moderate(request, pending, services.comment_approve, "Approved pending")

    @admin.action(description="Reject the selected pending comments", permissions=["change"])
    def reject(self, request, queryset):
        pending = queryset.filter(status=Comment.Status.PENDING)
        self._moderate(request, pending, services.comment_reject, "Rejected pending")

    @admin.action(description="Make a draft insight from each selected comment", permissions=["change"])
    def make_insight(self, request, queryset):
        made, refused = [], []
        for comment in queryset.select_related("discussion__item", "discussion__issue", "author"):
            try:
                made.append(services.insight_from_comment(comment=comment, by=request.user)[0])
            except ValidationError as error:
                refused.append(f"comment {comment.pk}: {' '.join(error.messages)}")
        if refused:
            self.message_user(request, f"No insight from {'; '.join(refused)}", messages.WARNING)
        if len(made) == 1:
            self.message_user(request, f"Here is Insight {made[0].number}, a draft.", messages.SUCCESS)
            return redirect("admin:items_insight_change", made[0].pk)
        if made:
            numbers = ", ".join(str(insight.number) for insight in made)
            self.message_user(request, f"Draft insights {numbers} are ready to edit.", messages.SUCCESS)
        return None


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "notify_replies", "credit_by_name"]
    search_fields = ["user__username", "display_name"]


@admin.register(CourseSettings)
class CourseSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "join_code"]

    def has_add_permission(self, request):
        return not CourseSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
