"""The database going away mid-request: a friendly 503, then normal pages once it is back."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from tests.factories import WeeklyIssueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_failure_in_a_view_is_a_503_page_and_the_board_recovers(client, error):
    WeeklyIssueFactory()
    failure = error("server closed the connection unexpectedly at db-secret-host")
    with mock.patch("items.querysets.WeeklyIssueQuerySet.published", side_effect=failure):
        response = client.get(reverse("items:home"))
    assert response.status_code == 503
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "Traceback" not in page and "secret" not in page
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response

    assert client.get(reverse("items:home")).status_code == 200


def test_a_database_failure_in_a_middleware_is_a_503_too():
    client = Client(raise_request_exception=False)
    failure = OperationalError("connection refused")
    with mock.patch("django.middleware.common.CommonMiddleware.process_request", side_effect=failure):
        response = client.get(reverse("items:home"))
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_other_errors_stay_500():
    client = Client(raise_request_exception=False)
    with mock.patch("items.querysets.WeeklyIssueQuerySet.published", side_effect=RuntimeError("bug")):
        response = client.get(reverse("items:home"))
    assert response.status_code == 500
    assert "Back in a moment" not in response.content.decode()
