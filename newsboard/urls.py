"""The project's URLs: the board, the admin, and static media in development."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from newsboard import health, outage, throttle

admin.site.site_header = "ML Weekly — instructor admin"
admin.site.site_title = "ML Weekly admin"
admin.site.index_title = "Curate the board"
admin.site.login_form = throttle.ThrottledAdminAuthenticationForm

handler500 = outage.server_error

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("", include("items.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
