"""The admin's query strings with a NUL in them: a 400, before a changelist filters on it.

PostgreSQL refuses text containing NUL, so such a value used in a query is a 500. The board's
own pages read query strings through forms, which reject NUL with a message (Django's CharField
validator), but the admin's changelist passes unknown parameters straight into filters
(``?status=%00``), for every registered model, Django's own included.
"""

from django.core.exceptions import BadRequest
from django.urls import reverse


class RejectNulInAdminQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if request.path.startswith(self.admin_prefix) and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("A query string cannot contain NUL characters.")
        return self.get_response(request)
