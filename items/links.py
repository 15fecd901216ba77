"""The board's own URLs, each reversed once per process.

A listing links every row to its item, issue and category; ``reverse()`` walks the URL patterns
on each call (10–20 µs here), which on a listing added up to a tenth of the page. The patterns do
not change while a process runs, so the answer for a name and its arguments is kept, keyed also
by what ``reverse()`` itself depends on: the URLconf in force and the script prefix.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=20_000)
def _reversed(urlconf, prefix, name, args, kwargs):
    # ``prefix`` is part of the key only: reverse() reads the same script prefix itself.
    return reverse(name, urlconf=urlconf, args=args, kwargs=dict(kwargs))


def url(name, *args, **kwargs):
    """``reverse(name, args, kwargs)``, computed once per name, arguments, URLconf and prefix."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(urlconf, get_script_prefix(), name, args, tuple(sorted(kwargs.items())))
