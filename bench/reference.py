"""The limit: a constant page of a given size through the project's full middleware stack.

It runs no query and renders no template, so its speed is what Django, the middleware, gunicorn
and the network cost; a page's requests/s divided by this one's says how much the page adds.
"""

from functools import lru_cache

from django.http import HttpResponse

MAX_SIZE = 4 * 1024 * 1024
FILLER = (
    '<article class="item"><h2><a href="/items/1-a-news-item/">A news item about machine learning'
    "</a></h2><p>Students read the week in a minute, filter the term and discuss it.</p></article>\n"
)


@lru_cache(maxsize=64)
def constant_page(size):
    """HTML of exactly ``size`` bytes, built once per size and kept."""
    head = b"<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>limit</title></head><body>\n"
    tail = b"</body></html>\n"
    body = (FILLER.encode() * (size // len(FILLER) + 1))[: max(0, size - len(head) - len(tail))]
    return (head + body + tail)[:size]


def reference_page(request, size):
    """The constant page; sizes are capped so the route cannot be used to exhaust memory."""
    return HttpResponse(constant_page(min(size, MAX_SIZE)), content_type="text/html; charset=utf-8")
