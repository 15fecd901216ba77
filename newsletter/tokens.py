"""Signed links: one-click unsubscribe (per recipient, no sign-in) and address verification.

Both are ``django.core.signing`` tokens under a salt of their own, so one kind never passes for
the other, and both travel in a URL argument named ``token``, which the request log redacts
(``newsboard.logging``).
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
VERIFY_SALT = "newsletter.verify-email"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def _load(token, salt, max_age):
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise LinkInvalid from None


def unsubscribe_token(user_pk):
    return signing.dumps({"u": user_pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user_pk(token):
    data = _load(token, UNSUBSCRIBE_SALT, settings.NEWSLETTER_UNSUBSCRIBE_LINK_DAYS * 86400)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise LinkInvalid
    return data["u"]


def unsubscribe_url(user_pk):
    return settings.NEWSBOARD_SITE_URL + reverse("newsletter:unsubscribe", args=[unsubscribe_token(user_pk)])


def verify_token(user_pk, email):
    return signing.dumps({"u": user_pk, "e": email}, salt=VERIFY_SALT)


def verify_payload(token):
    """``(user_pk, email)`` from a verification link."""
    data = _load(token, VERIFY_SALT, settings.NEWSLETTER_VERIFY_LINK_HOURS * 3600)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        raise LinkInvalid
    return data["u"], data["e"]
