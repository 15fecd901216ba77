"""Instructors' view of the newsletter: subscribers (with the count), each issue's delivery status
on its own admin page, a test sent to oneself, and resending to those who failed."""

from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from items.admin import WeeklyIssueAdmin
from items.models import WeeklyIssue
from newsletter import delivery, tasks
from newsletter.message import IssueEmail
from newsletter.models import Delivery, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "weekly_issue", "verified", "bouncing", "unsubscribed_at"]
    list_filter = ["weekly_issue"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["verified_email", "verified_at", "pending_email", "unsubscribed_at", "updated_at"]
    fields = [
        "user",
        "weekly_issue",
        "verified_email",
        "verified_at",
        "pending_email",
        "bouncing_email",
        "bounce_reason",
        "unsubscribed_at",
        "updated_at",
    ]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description="Email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description="Verified", boolean=True)
    def verified(self, obj):
        return obj.is_verified

    @admin.display(description="Bouncing", boolean=True)
    def bouncing(self, obj):
        return obj.is_bouncing

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {"subscriber_count": delivery.subscriber_count()}
        return super().changelist_view(request, extra_context)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "email", "status", "attempts", "sent_at", "reason"]
    list_filter = ["status", "issue"]
    search_fields = ["email", "recipient__username"]
    list_select_related = ["issue"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def delivery_status(issue):
    """The counts an issue's admin page shows."""
    counts = dict(
        Delivery.objects.filter(issue=issue)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    mailing = getattr(issue, "mailing", None) if issue.pk else None
    unsubscribed = 0
    if mailing is not None and mailing.started_at is not None:
        unsubscribed = Subscriber.objects.filter(
            user__deliveries__issue=issue, unsubscribed_at__gt=mailing.started_at, weekly_issue=False
        ).count()
    S = Delivery.Status
    return {
        "mailing": mailing,
        "queued": counts.get(S.QUEUED, 0) + counts.get(S.RETRY, 0) + counts.get(S.SENDING, 0),
        "retrying": counts.get(S.RETRY, 0),
        "sent": counts.get(S.SENT, 0),
        "failed": counts.get(S.FAILED, 0),
        "cancelled": counts.get(S.CANCELLED, 0),
        "unsubscribed": unsubscribed,
        "total": sum(counts.values()),
        "subscribers": delivery.subscriber_count(),
    }


class NewsletterIssueAdmin(WeeklyIssueAdmin):
    """The issue's admin with its newsletter: status counts, a test to oneself, resend to failed."""

    change_form_template = "admin/newsletter/weeklyissue_change_form.html"
    actions = [*WeeklyIssueAdmin.actions, "resend_failed"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.send_test_view)
        return [path("<int:pk>/send-test/", view, name="items_weeklyissue_send_test"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = self.get_object(request, object_id)
        if issue is not None:
            extra_context = (extra_context or {}) | {"newsletter": delivery_status(issue)}
        return super().change_view(request, object_id, form_url, extra_context)

    def send_test_view(self, request, pk):
        issue = get_object_or_404(WeeklyIssue, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, issue):
            return redirect(reverse("admin:items_weeklyissue_change", args=[pk]))
        if not request.user.email:
            self.message_user(request, "Your account has no email address to send a test to.", messages.ERROR)
        else:
            email = IssueEmail(issue)
            message = email.message(request.user.pk, request.user.email)
            tasks.enqueue(
                tasks.send_email,
                f"[Test] {email.subject}",
                message.body,
                request.user.email,
                html=message.alternatives[0].content,
            )
            self.message_user(
                request, f"A test of this issue is on its way to {request.user.email}.", messages.SUCCESS
            )
        return redirect(reverse("admin:items_weeklyissue_change", args=[pk]))

    @admin.action(
        description="Resend the selected issues to those it failed to reach", permissions=["change"]
    )
    def resend_failed(self, request, queryset):
        count = sum(delivery.resend_failed(issue.pk) for issue in queryset)
        self.message_user(request, f"{count} failed deliveries queued again.", messages.SUCCESS)


admin.site.unregister(WeeklyIssue)
admin.site.register(WeeklyIssue, NewsletterIssueAdmin)
