"""newsboard.badinput: a NUL in an admin query string is a 400; the board's pages explain it."""

import pytest
from django.urls import reverse

from tests.factories import NewsItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        # Found by probing the admin on PostgreSQL: the changelist filtered status = NUL, a 500.
        "status=%00",
        "q=a%00b",
        "%00=1",
    ],
)
@pytest.mark.parametrize(
    "url",
    ["admin:items_weeklyissue_changelist", "admin:items_comment_changelist", "admin:auth_user_changelist"],
)
def test_a_nul_in_the_query_string_is_a_400(instructor_client, url, query):
    NewsItemFactory()
    response = instructor_client.get(reverse(url), QUERY_STRING=query)
    assert response.status_code == 400
    assert response["Content-Security-Policy"]


def test_ordinary_query_strings_pass(instructor_client):
    NewsItemFactory()
    response = instructor_client.get(reverse("admin:items_weeklyissue_changelist"), {"q": "ML"})
    assert response.status_code == 200


def test_the_board_s_own_filter_explains_a_nul_instead(client):
    NewsItemFactory()
    response = client.get(reverse("items:item_list"), QUERY_STRING="q=a%00b")
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
