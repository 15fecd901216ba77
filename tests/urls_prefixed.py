"""The board mounted under /board/, for tests/test_links.py."""

from django.urls import include, path

urlpatterns = [path("board/", include("newsboard.urls"))]
