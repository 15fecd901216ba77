"""Sign-in for every page when a course wants its board private."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware


class BoardLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, active only with ``NEWSBOARD_LOGIN_REQUIRED``.

    Views marked ``login_not_required`` (sign-in, password reset, sign-up) and the path
    prefixes in ``NEWSBOARD_LOGIN_EXEMPT_PREFIXES`` (health checks, static files) stay open.
    The setting is read per request so one deployment's choice needs no code change.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.NEWSBOARD_LOGIN_REQUIRED:
            return None
        if request.path.startswith(tuple(settings.NEWSBOARD_LOGIN_EXEMPT_PREFIXES)):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
