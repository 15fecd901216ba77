"""startproject's admin route, and the two pages the benchmark loads."""

from django.contrib import admin
from django.urls import path

from bench.bare import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.page, name="page"),
    path("signed-in/", views.signed_in_page, name="signed_in_page"),
]
