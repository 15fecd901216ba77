"""The limit: a constant page of a given size through the project's full middleware stack.

It runs no query and renders no template, so its speed is what Django, the middleware, gunicorn
and the network cost; a page's requests/s divided by this one's says how much the page adds.
"""

from functools import lru_cache

from django.http import HttpResponse

MAX_SIZE = 4 * 1024 * 1024
FILLER_TEXT = "Students read the week in a minute, filter the term and discuss it."
FILLER = (
    '<article class="item"><h2><a href="/items/1-a-news-item/">A news item about machine learning'
    f"</a></h2><p>{FILLER_TEXT}</p></article>\n"
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


MAX_ROWS = 10_000
TITLE = "A news item about machine learning"
LOOP_TEMPLATE = (
    "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>template loop</title></head><body>\n"
    '{% for row in rows %}<article class="item"><h2><a href="{{ row.url }}">{{ row.title }}</a></h2>'
    "<p>{{ row.text }}</p></article>\n{% endfor %}</body></html>\n"
)


@lru_cache(maxsize=1)
def loop_template():
    """The template, compiled once (as the cached loader keeps a page's template)."""
    from django.template import engines

    return engines["django"].from_string(LOOP_TEMPLATE)


def loop_page(request, rows):
    """Django's simplest template loop: ``rows`` rows of three variables each, no query.

    The issue's caches-off target (0.15 × the limit) is "as fast as Django's simplest template
    loop"; measuring this page beside the board's says what that loop actually reaches here.
    """
    data = [
        {"url": f"/items/{n}-a-news-item/", "title": TITLE, "text": FILLER_TEXT}
        for n in range(min(rows, MAX_ROWS))
    ]
    return HttpResponse(loop_template().render({"rows": data}), content_type="text/html; charset=utf-8")
