"""What a browser asks for beside the pages: /favicon.ico and the web app manifest."""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse

from items.caching import shows_board

# The board's accent colour and dark background (static/css/board.css).
THEME_COLOR = "#0b5cad"
BACKGROUND_COLOR = "#ffffff"


def favicon(request):
    """/favicon.ico, asked for by tools that do not read the page's <link rel=icon>: the
    collected (hashed, long-cached) icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))


@shows_board
def manifest(request):
    """The web app manifest (application/manifest+json): "Add to home screen" on a phone."""
    data = {
        "name": settings.NEWSBOARD_SITE_NAME,
        "short_name": "ML Weekly",
        "description": "A weekly recap of machine-learning news for the course, to read, filter and discuss.",
        "lang": "en",
        "start_url": reverse("items:home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")
