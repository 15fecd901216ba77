"""404, 403 and 500 pages in the site's style, rendered with DEBUG off."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.template import engines
from django.test import override_settings
from django.urls import path

from newsboard.urls import urlpatterns as project_urls

pytestmark = pytest.mark.django_db


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*project_urls, path("forbidden/", forbidden), path("broken/", broken)]


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_404_page_is_in_the_site_style(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content and 'class="skip-link"' in content


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_403_page_is_in_the_site_style(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_500_page_renders_without_the_database(client, monkeypatch):
    client.raise_request_exception = False

    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page must not touch the database")

    monkeypatch.setattr(connection, "cursor", no_database)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_500_template_needs_no_context():
    html = engines["django"].get_template("500.html").render({})
    assert "Something went wrong" in html and "/static/css/board.css" in html


def test_bad_request_page_is_in_the_site_style(client):
    response = client.get("/admin/items/comment/?status=%00")
    assert response.status_code == 400
    page = response.content.decode()
    assert "We could not read that request" in page and "Nothing was changed." in page
