"""Query strings with a NUL in them: a 400, before any view passes one to the database.

PostgreSQL refuses text containing NUL, so such a value used in a query is a 500. Form fields
reject NUL themselves (Django's CharField validator), but the admin's changelist passes its
query string straight into filters (``?status=%00``). No browser sends NUL in a URL from a page.
"""

from django.core.exceptions import BadRequest


class RejectNulInQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("A query string cannot contain NUL characters.")
        return self.get_response(request)
