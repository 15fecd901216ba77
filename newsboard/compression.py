"""An ETag taken from the page as rendered, before GZipMiddleware compresses it.

Django's GZipMiddleware adds random bytes to every compressed body (against BREACH), so an
ETag computed after compression would differ per compression: per worker, per cache fill.
Taken before, it is the same for every worker and both encodings; GZipMiddleware then marks
it weak, and ConditionalGetMiddleware (outermost) answers a matching If-None-Match with 304.
"""

from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import set_response_etag


class ContentETagMiddleware(ConditionalGetMiddleware):
    """Sit just inside GZipMiddleware: set the ETag as ConditionalGetMiddleware would, answer nothing."""

    def process_response(self, request, response):
        if request.method == "GET" and not response.has_header("ETag") and self.needs_etag(response):
            set_response_etag(response)
        return response
