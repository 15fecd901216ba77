"""Who gets ML Weekly by email, and one row per (issue, recipient) saying what became of it.

The rows are the truth; tasks only wake a worker up to act on them (``newsletter.delivery``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def same_address(a, b):
    return bool(a) and bool(b) and a.strip().casefold() == b.strip().casefold()


class Subscriber(models.Model):
    """A user's email choices and the state of their address.

    An address counts as verified only while it is the user's current one: an instructor who
    changes it in the admin, or a user who changes it in settings, makes it unverified until a
    link sent to the new address is opened.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriber")
    weekly_issue = models.BooleanField(
        "email me each week's issue", default=True, help_text="ML Weekly in the inbox when it is published."
    )
    verified_email = models.EmailField(blank=True, help_text="The address a signed link proved they read.")
    verified_at = models.DateTimeField(null=True, blank=True)
    pending_email = models.EmailField(
        blank=True, help_text="A new address waiting for its link to be opened."
    )
    bouncing_email = models.EmailField(
        blank=True, help_text="An address the mail server refused for good (5xx): nothing is sent to it."
    )
    bounce_reason = models.CharField(max_length=300, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user"]

    def __str__(self):
        return f"{self.user.get_username()} <{self.user.email}>"

    @property
    def is_verified(self):
        return same_address(self.verified_email, self.user.email)

    @property
    def is_bouncing(self):
        return same_address(self.bouncing_email, self.user.email)

    @property
    def can_receive(self):
        """Verified, not bouncing, and the account is active: the rule for every email but the
        ones that prove or recover an address (activation, verification, password reset)."""
        return self.user.is_active and self.is_verified and not self.is_bouncing

    def mark_verified(self, email):
        self.verified_email = email
        self.verified_at = timezone.now()
        if same_address(self.bouncing_email, email):
            # A person who opens a link at the address proves it works again.
            self.bouncing_email, self.bounce_reason = "", ""


class Mailing(models.Model):
    """An issue's trip to the inbox: created when it is published or scheduled, started (its
    deliveries queued) once, when the issue is public."""

    issue = models.OneToOneField("items.WeeklyIssue", on_delete=models.CASCADE, related_name="mailing")
    due_at = models.DateTimeField(help_text="When the issue becomes public.")
    started_at = models.DateTimeField(null=True, blank=True, help_text="When its deliveries were queued.")

    class Meta:
        ordering = ["-due_at"]
        indexes = [models.Index(fields=["started_at", "due_at"], name="mailing_due_idx")]

    def __str__(self):
        return f"Mailing of {self.issue}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRY = "retry", "Waiting to retry"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Not sent"

    PENDING = [Status.QUEUED, Status.RETRY]

    issue = models.ForeignKey("items.WeeklyIssue", on_delete=models.CASCADE, related_name="deliveries")
    # Kept (without its recipient) once sent or failed when the student is deleted, so an
    # issue's counts stay; pending ones go with the student (newsletter.signals).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="deliveries"
    )
    email = models.EmailField(help_text="The address it was (or will be) sent to.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True, help_text="Why it failed or waits to retry.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issue", "pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["issue", "recipient"], name="delivery_once_per_recipient"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="delivery_due_idx",
                condition=Q(status__in=["queued", "retry"]),
            ),
            models.Index(fields=["issue", "status"], name="delivery_issue_status_idx"),
        ]

    def __str__(self):
        return f"{self.issue} → {self.email}: {self.get_status_display()}"
