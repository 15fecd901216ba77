"""Production settings with every application cache turned off (``python -m bench --no-cache``).

The dummy cache makes each cache lookup a miss and the whole-page cache is off, so a page
costs what its queries and templates cost; the template loader's own caching stays, as it
always does with DEBUG off.
"""

from newsboard.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
NEWSBOARD_PAGE_CACHE_SECONDS = 0
