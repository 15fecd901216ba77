from django.conf import settings
from django.utils.functional import SimpleLazyObject

from items.caching import page_versions


def board(request):
    """What every page may show: the site name, and the versions its shared fragments are cached
    under (``{% cache fragment_seconds "home" versions.board %}``). Reading a version records it as
    what the page shows, for the page cache (``items.caching``)."""
    return {
        "site_name": settings.NEWSBOARD_SITE_NAME,
        "fragment_seconds": settings.NEWSBOARD_FRAGMENT_SECONDS,
        "versions": SimpleLazyObject(lambda: page_versions(request)),
    }
