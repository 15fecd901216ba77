"""newsboard.sessions: session cookies Django could not have issued are no session at all."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
def test_a_forged_session_cookie_reads_as_signed_out(client, cookie):
    response = client.get(reverse("items:discussion_list"), HTTP_COOKIE=cookie)
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


def test_a_real_session_still_signs_in(client, student):
    client.force_login(student)
    assert client.get(reverse("account_settings")).status_code == 200
