from django.urls import path

from newsletter import views

app_name = "newsletter"

# Under /accounts/: never kept by the page cache (NEWSBOARD_PAGE_CACHE_EXCLUDE). The argument is
# named ``token`` so the request log redacts it (newsboard.logging.redacted_path).
urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
]
