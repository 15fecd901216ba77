"""Sign-in throttling, driven through the admin login form as a guesser would."""

import os
import time
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings
from django.urls import reverse

from newsboard.throttle import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
THROTTLED = "Too many failed sign-in attempts. Try again in 15 minutes."


def sign_in(client, username="instructor", password="wrong guess", ip="203.0.113.7", **headers):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(client, instructor):
    for _ in range(4):
        response = sign_in(client)
        assert "Please enter the correct username and password" in response.content.decode()
    fifth = sign_in(client)
    assert fifth.status_code == 200
    assert THROTTLED in fifth.content.decode()
    # Even the right password is refused while locked, from any address.
    locked = sign_in(client, password=PASSWORD, ip="198.51.100.9")
    assert locked.status_code == 200
    assert THROTTLED in locked.content.decode()
    assert "_auth_user_id" not in client.session


# Local memory, whose expiry follows the mocked clock (Redis keeps real time).
@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_the_lock_lifts_after_the_window(client, instructor):
    for _ in range(5):
        sign_in(client)
    later = time.time() + 16 * 60
    with mock.patch("time.time", return_value=later):
        response = sign_in(client, password=PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == instructor.pk


def test_a_correct_password_resets_the_count_for_that_user(client, instructor):
    for _ in range(4):
        sign_in(client)
    assert sign_in(client, password=PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        response = sign_in(client)
        assert THROTTLED not in response.content.decode()


@override_settings(NEWSBOARD_LOGIN_FAILURES_PER_IP=3)
def test_one_address_guessing_many_user_names_is_locked(client, instructor):
    for name in ["alice", "bob", "carol"]:
        sign_in(client, username=name)
    response = sign_in(client, username="instructor", password=PASSWORD)
    assert THROTTLED in response.content.decode()
    # Another address is not affected.
    assert sign_in(client, username="instructor", password=PASSWORD, ip="198.51.100.9").status_code == 302


@override_settings(NEWSBOARD_LOGIN_FAILURES_PER_IP=3)
def test_a_forged_forwarded_for_header_does_not_reset_the_address_count(client, instructor):
    for n in range(3):
        sign_in(client, username=f"user{n}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = sign_in(client, username="someone", HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert THROTTLED in response.content.decode()


def test_every_login_path_is_throttled_not_only_the_form(rf, instructor):
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert authenticate(request, username="instructor", password="wrong") is None
    assert authenticate(request, username="instructor", password=PASSWORD) is None


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "203.0.113.7"),
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.2", "1.1.1.1"),
        (2, "1.1.1.1", "203.0.113.7"),
    ],
)
def test_client_address_trusts_only_our_own_proxies(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(NEWSBOARD_TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="set REDIS_URL to check against a real Redis")
def test_the_lock_holds_on_a_shared_redis_cache(client, instructor, real_redis_caches):
    """Several app servers share one Redis: the counters must add up there too."""
    # A prefix of its own; the keys expire with the window (clear() would flush the whole database).
    with override_settings(CACHES=real_redis_caches):
        for _ in range(5):
            sign_in(client)
        response = sign_in(client, password=PASSWORD)
    assert THROTTLED in response.content.decode()
