"""The project's URLs: the board, the admin, and static media in development."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "ML Weekly — instructor admin"
admin.site.site_title = "ML Weekly admin"
admin.site.index_title = "Curate the board"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("items.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.NEWSBOARD_BENCH:
    urlpatterns += [path("__bench__/", include("bench.urls"))]
