"""The issue as an email: an HTML part like the issue page (inline CSS only) and a plain-text part
with the same content, with RFC 8058 one-click unsubscribe headers.

An issue is drawn once per sending batch (``IssueEmail``); each recipient's message only swaps in
their own unsubscribe link.
"""

import email.policy
import html

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from newsletter.tokens import unsubscribe_url

PLACEHOLDER = "https://unsubscribe.invalid/__newsletter_unsubscribe__"


def absolute(url):
    """A link or picture address as a mail client needs it: with the board's scheme and host."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.NEWSBOARD_SITE_URL + url


def subject_for(issue):
    return f"{issue.title} — {issue.issue_date:%a %-d %b %Y}"


class NewsletterMessage(EmailMultiAlternatives):
    """Lines up to RFC 5322's 998 characters: a List-Unsubscribe link longer than a 78-character
    line would otherwise be folded into RFC 2047 encoded words, which mail clients do not decode in
    that header (RFC 2369 wants the bare ``<https://…>``)."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


class IssueEmail:
    """One issue's subject and both parts, drawn once, with a placeholder for the unsubscribe link."""

    def __init__(self, issue):
        self.issue = issue
        items = []
        for item in issue.item_list:
            pictures = []
            for media in item.media_list:
                src = ""
                if media.image:
                    src = absolute((media.thumbnail or media.image).url)
                pictures.append(
                    {
                        "media": media,
                        "src": src,
                        "href": absolute(media.image.url) if media.image else media.external_url,
                    }
                )
            items.append({"item": item, "url": absolute(item.get_absolute_url()), "pictures": pictures})
        context = {
            "issue": issue,
            "items": items,
            "issue_url": absolute(issue.get_absolute_url()),
            "site_url": settings.NEWSBOARD_SITE_URL,
            "settings_url": absolute(reverse("account_settings")),
            "site_name": settings.NEWSBOARD_SITE_NAME,
            "unsubscribe_url": PLACEHOLDER,
        }
        self.subject = subject_for(issue)
        self.text = render_to_string("newsletter/email/issue.txt", context)
        self.html = render_to_string("newsletter/email/issue.html", context)

    def message(self, user_pk, to):
        link = unsubscribe_url(user_pk)
        message = NewsletterMessage(
            subject=self.subject,
            body=self.text.replace(PLACEHOLDER, link),
            to=[to],
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"{self.issue.title} <ml-weekly.{settings.NEWSBOARD_SITE_URL.split('://')[-1].split('/')[0].split(':')[0]}>",
                "Precedence": "bulk",
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(self.html.replace(PLACEHOLDER, html.escape(link)), "text/html")
        return message
