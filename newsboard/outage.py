"""The database going away: a friendly 503 instead of a traceback.

Django closes a connection that raised an error at the end of the request and, with
CONN_HEALTH_CHECKS on, checks a persistent one before reusing it, so once the database is
back the next request simply works.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("newsboard.outage")
DATABASE_ERRORS = (OperationalError, InterfaceError)


def unavailable_response():
    """The 503 page, rendered without a request so no context processor touches the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database connection failure raised by a view or its template into a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable during %s %s", request.method, request.path, exc_info=True)
            return unavailable_response()
        return None


def server_error(request, template_name="500.html"):
    """handler500: a database failure outside a view (a middleware's query) is still a 503."""
    if isinstance(sys.exception(), DATABASE_ERRORS):
        return unavailable_response()
    return django_server_error(request, template_name)
