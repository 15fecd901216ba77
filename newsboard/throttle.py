"""Sign-in throttling against password guessing, for the admin and any site login.

Failures are counted in the cache per user name and per client address in a fixed window.
Past the limit the authentication backend refuses every attempt (so no login path can
bypass it) and ThrottledAuthenticationForm says why, as a form error.
"""

import hashlib
import math
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError


def client_ip(request):
    """The caller's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For."""
    if request is None:
        return ""
    proxies = settings.NEWSBOARD_TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        # Entries left of the ones our proxies appended are client-supplied and can be forged.
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _keys(request, username):
    window = settings.NEWSBOARD_LOGIN_LOCKOUT_MINUTES
    keys = []
    if username:
        digest = hashlib.sha256(str(username).casefold().encode()).hexdigest()[:32]
        keys.append((f"login-fail:user:{digest}", settings.NEWSBOARD_LOGIN_FAILURES_PER_USER, window))
    ip = client_ip(request)
    if ip:
        keys.append((f"login-fail:ip:{ip}", settings.NEWSBOARD_LOGIN_FAILURES_PER_IP, window))
    return keys


def record_failure(request, username):
    for key, _limit, minutes in _keys(request, username):
        # add() starts the window once; incr() keeps its expiry, so the window is fixed.
        if cache.add(key, 0, timeout=minutes * 60):
            cache.set(f"{key}:until", time.time() + minutes * 60, timeout=minutes * 60)
        try:
            cache.incr(key)
        except ValueError:  # The window expired between add() and incr().
            cache.set(key, 1, timeout=minutes * 60)


def clear_user(username):
    """Forget a user name's failures after a correct password (the address count stays)."""
    for key, _limit, _minutes in _keys(None, username):
        cache.delete_many([key, f"{key}:until"])


def minutes_blocked(request, username):
    """How many minutes until sign-in is allowed again, or 0 if it is allowed now."""
    for key, limit, minutes in _keys(request, username):
        if (cache.get(key) or 0) >= limit:
            until = cache.get(f"{key}:until") or time.time() + minutes * 60
            return max(1, math.ceil((until - time.time()) / 60))
    return 0


def throttled_message(minutes):
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed sign-in attempts. Try again in {minutes} {unit}."


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that counts failures and refuses while a user name or address is blocked.

    It also loads a signed-in user with their profile: every page shows the display name.
    """

    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        try:
            user = get_user_model()._default_manager.select_related("profile").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            from django.contrib.auth import get_user_model

            username = kwargs.get(get_user_model().USERNAME_FIELD)
        minutes = minutes_blocked(request, username)
        if minutes:
            # authenticate() treats PermissionDenied as "stop asking other backends too".
            raise PermissionDenied(throttled_message(minutes))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(request, username)
        else:
            clear_user(username)
        return user


class ThrottledFormMixin:
    """Show the throttle as a form error before and right after the failure that trips it."""

    def clean(self):
        username = self.cleaned_data.get("username")
        self._raise_if_blocked(username)
        try:
            return super().clean()
        except ValidationError:
            self._raise_if_blocked(username)
            raise

    def _raise_if_blocked(self, username):
        minutes = minutes_blocked(self.request, username)
        if minutes:
            raise ValidationError(throttled_message(minutes), code="throttled")


class ThrottledAuthenticationForm(ThrottledFormMixin, AuthenticationForm):
    """For the site's own login view: LoginView.as_view(authentication_form=...)."""


class ThrottledAdminAuthenticationForm(ThrottledFormMixin, AdminAuthenticationForm):
    """admin.site.login_form."""
