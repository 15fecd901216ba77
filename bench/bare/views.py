"""A constant page, anonymous and signed in: what Django itself costs, with nothing of the board's."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token

from bench.reference import constant_page

# About the size of a board page as sent uncompressed (the issue page at term scale).
PAGE_BYTES = 14_500


def page(request):
    """The constant page: no query, no template."""
    return HttpResponse(constant_page(PAGE_BYTES), content_type="text/html; charset=utf-8")


@login_required
def signed_in_page(request):
    """The same page for a signed-in user: the session and the user are read, a CSRF token issued.

    That is the least any signed-in board page does (its forms need the token), so this page's
    speed is the floor for a signed-in request.
    """
    get_token(request)
    return HttpResponse(constant_page(PAGE_BYTES), content_type="text/html; charset=utf-8")
