"""newsboard.sessions: session cookies Django could not have issued are no session at all."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGINES = [
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
    "django.contrib.sessions.backends.signed_cookies",
]


@pytest.mark.parametrize(
    "cookie",
    [
        # A quoted cookie value is unescaped: this arrives as a NUL, which PostgreSQL refuses
        # in a query (found by tests/test_fuzz.py, a 500 on every page).
        'sessionid="\\000abcdefgh"',
        "sessionid=" + "x" * 5000,
        "sessionid=ABCDEFGHIJKL",
        "sessionid=abc def ghij",
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_a_forged_session_cookie_reads_as_signed_out(client, settings, engine, cookie):
    settings.SESSION_ENGINE = engine
    response = client.get(reverse("items:discussion_list"), HTTP_COOKIE=cookie)
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_real_session_still_signs_in(client, settings, student, engine):
    settings.SESSION_ENGINE = engine
    client.force_login(student)
    assert client.get(reverse("account_settings")).status_code == 200


@pytest.mark.parametrize("engine", ENGINES)
def test_a_password_change_ends_every_other_session(client, settings, student, engine):
    """Even a signed-cookie session, which the server cannot delete, dies with the password."""
    settings.SESSION_ENGINE = engine
    client.force_login(student)
    student.set_password("a whole new secret")
    student.save()
    assert client.get(reverse("account_settings")).status_code == 302
