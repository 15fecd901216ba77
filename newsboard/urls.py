"""The project's URLs: the board, the admin, and uploads where the app serves them itself."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from items.admin import ItemAutocompleteJsonView
from items.caching import shows_board
from items.sitemaps import SITEMAPS
from newsboard import accounts, health, outage, webapp

admin.site.site_header = "ML Weekly — instructor admin"
admin.site.site_title = "ML Weekly admin"
admin.site.index_title = "Curate the board"

handler500 = outage.server_error

urlpatterns = [
    # The admin's own autocomplete address, answered by a view that names each news item with its
    # week (items/admin.py); it comes first, so the admin's widgets reach it.
    path(
        "admin/autocomplete/",
        admin.site.admin_view(ItemAutocompleteJsonView.as_view(admin_site=admin.site)),
        name="admin_autocomplete",
    ),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/signup/done/", accounts.signup_done, name="signup_done"),
    path("accounts/activate/<uidb64>/<token>/", accounts.signup_activate, name="signup_activate"),
    path("accounts/password_reset/", accounts.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/settings/", accounts.account_settings, name="account_settings"),
    path("accounts/verify-email/send/", accounts.send_verification_link, name="send_verification_link"),
    path("accounts/", include("newsletter.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("items.urls")),
    path("favicon.ico", webapp.favicon, name="favicon"),
    path("manifest.webmanifest", webapp.manifest, name="manifest"),
    path("sitemap.xml", shows_board(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        shows_board(TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
        name="robots",
    ),
]

if settings.NEWSBOARD_SERVE_MEDIA:
    # static() adds nothing when DEBUG is off, so the demo's route is written out.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

if settings.NEWSBOARD_BENCH:
    urlpatterns += [path("__bench__/", include("bench.urls"))]
