"""Sending the signed link that proves an address (on sign-up, activation proves it)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from newsletter import tasks
from newsletter.tokens import verify_token


def send_verification(user, email, base=None):
    """Enqueue the email with a link that verifies ``email`` for ``user`` (the worker sends it)."""
    link = (base or settings.NEWSBOARD_SITE_URL) + reverse(
        "newsletter:verify_email", args=[verify_token(user.pk, email)]
    )
    hours = settings.NEWSLETTER_VERIFY_LINK_HOURS
    context = {
        "user": user,
        "email": email,
        "link": link,
        "site_name": settings.NEWSBOARD_SITE_NAME,
        "valid_for": f"{hours:g} hour{'s' if hours != 1 else ''}",
    }
    subject, _, body = render_to_string("newsletter/email/verify.txt", context).partition("\n\n")
    tasks.enqueue(tasks.send_email, subject.strip(), body, email)
