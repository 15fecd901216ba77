"""GET /healthz: 200 when the database and the cache answer, 503 otherwise, never detailed."""

import os
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_healthy_board_answers_ok_and_is_never_cached(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_unreachable_cache_is_503_without_details(client):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "no-store" in response["Cache-Control"]


def test_unreachable_database_is_503_without_details(client):
    failure = OperationalError('could not connect to server at "db-secret-host"')
    with mock.patch("newsboard.health.connection.cursor", side_effect=failure):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert b"secret" not in response.content


def test_healthz_answers_plain_http_even_when_https_is_enforced(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get(reverse("healthz")).status_code == 200
        assert client.get(reverse("items:home")).status_code == 301


def test_healthz_only_reads(client):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="set REDIS_URL to check against a real Redis")
def test_a_real_redis_cache_is_healthy(client, real_redis_caches):
    with override_settings(CACHES=real_redis_caches):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
