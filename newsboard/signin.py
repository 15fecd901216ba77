"""Sign-in lockout with django-axes, for the admin's and the site's sign-in alike.

Axes counts failures per (user name, address) pair: five wrong passwords for ``instructor``
from one address lock that pair for the cool-off time, and the instructor still signs in from
anywhere else. An address is locked as a whole only when its failures are spread over many
user names (password spraying); a class behind one campus NAT, each student mistyping once or
twice, stays well under that limit. Attempts, lockouts and sign-ins are rows in the admin
(Axes), and ``manage.py axes_reset_username`` unlocks an account.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.shortcuts import render
from django.utils import timezone


def client_ip(request):
    """The caller's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For."""
    if request is None:
        return ""
    proxies = settings.NEWSBOARD_TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
        # Entries left of the ones our proxies appended are client-supplied and can be forged.
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _is_address(text):
    # Axes stores the address in an IP column (PostgreSQL's inet refuses anything else).
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def username_key(request, credentials):
    """The user name as Axes counts it: Django's user names match case-insensitively here
    (``Instructor`` and ``instructor`` are one account's failures)."""
    field = get_user_model().USERNAME_FIELD
    if credentials:
        username = credentials.get(field) or credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get(field)
    if not username:
        return username
    # Stored in a 255-character column that PostgreSQL keeps free of NUL; no real user name
    # is longer than 150 characters.
    return _storable(str(username).casefold())[:255]


def _storable(text):
    return text.replace("\x00", "\ufffd")


class SignInHandler(AxesDatabaseHandler):
    """Axes' database handler, plus a lock on an address that fails for many user names."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        self._storable_request(request)
        return super().user_login_failed(sender, credentials, request=request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        self._storable_request(request)
        return super().user_logged_in(sender, request, user, **kwargs)

    @staticmethod
    def _storable_request(request):
        # Axes saves these headers as they came; PostgreSQL refuses a NUL in text.
        for name in ["axes_user_agent", "axes_http_accept", "axes_path_info"]:
            if isinstance(getattr(request, name, None), str):
                setattr(request, name, _storable(getattr(request, name)))

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.is_spraying(request)

    def is_spraying(self, request):
        ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
        if not ip_address:
            return False
        since = timezone.now() - get_cool_off(request)
        names = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
        return names.values("username").distinct().count() >= settings.NEWSBOARD_LOGIN_USERNAMES_PER_IP


def locked_out(request, original_response=None, credentials=None):
    """The page a locked sign-in gets, on the site and in the admin (429, Too Many Requests)."""
    minutes = round(get_cool_off(request).total_seconds() / 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class ProfileModelBackend(ModelBackend):
    """ModelBackend that loads a signed-in user with their profile (every page shows the display
    name) and their board visit (board pages mark what is new since it: ``items.visits``)."""

    def get_user(self, user_id):
        try:
            users = get_user_model()._default_manager.select_related("profile", "board_visit")
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
