"""The speed devices the board keeps, and how to serve the board without each one.

A device stays only while it buys at least 10 % on a number a reader meets (a page's requests/s
or its p99). ``python -m bench --without NAME`` serves a second board with the device turned
off (the environment below on top of the production one) and loads each page from it in the
same rounds as the board itself, so the report can say "page cache: home X req/s with, Y
without". Add a device by adding a row: the settings it is turned off with must be read from
the environment (newsboard/settings.py) or come with a settings module like
bench/nocache_settings.py.
"""

from dataclasses import dataclass

# The least a device must buy on a reader-facing number to stay.
KEEP_AT = 0.10


@dataclass(frozen=True)
class Device:
    name: str
    what: str
    without: dict


DEVICES = {
    "page-cache": Device(
        "page cache",
        "anonymous pages served whole from the cache (items/caching.PageCacheMiddleware)",
        {"NEWSBOARD_PAGE_CACHE_SECONDS": "0"},
    ),
    "reader-page-cache": Device(
        "student page cache",
        "a signed-in student's own pages kept for them while their versions stand "
        "(items/caching.PageCacheMiddleware, NEWSBOARD_READER_PAGE_SECONDS)",
        {"NEWSBOARD_READER_PAGE_SECONDS": "0"},
    ),
    # Issue 17's shared fragments ({% cache %}, NEWSBOARD_FRAGMENT_SECONDS; 0 draws every fragment
    # on every request). Code from before that change ignores the setting: it buys nothing there.
    "fragment-cache": Device(
        "fragment cache",
        "shared fragments drawn once and kept (NEWSBOARD_FRAGMENT_SECONDS)",
        {"NEWSBOARD_FRAGMENT_SECONDS": "0"},
    ),
    "caches": Device(
        "every cache",
        "the dummy cache and no page cache (bench/nocache_settings.py): every cached read misses",
        {"DJANGO_SETTINGS_MODULE": "bench.nocache_settings", "NEWSBOARD_PAGE_CACHE_SECONDS": "0"},
    ),
}
