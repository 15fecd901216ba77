"""Two students posting at the same moment both get their comments saved (real HTTP, live server)."""

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request
import uuid

import pytest

from items.models import Comment, Discussion
from tests.factories import DiscussionFactory, UserFactory

PASSWORD = "correct horse battery staple"
STUDENTS = 6


class Browser:
    """A minimal cookie-keeping HTTP client on the standard library."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path, data):
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        request = urllib.request.Request(
            self.base_url + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"X-CSRFToken": token, "Referer": self.base_url + path},
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()

    def sign_in(self, username):
        status, html = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        credentials = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        self.post("/accounts/login/", credentials)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_comments_are_all_saved(live_server):
    discussion = DiscussionFactory()
    users = [UserFactory(username=f"concurrent{n}") for n in range(STUDENTS)]
    browsers = []
    for user in users:
        browser = Browser(live_server.url)
        browser.sign_in(user.username)
        browser.get(discussion.get_absolute_url())
        browsers.append(browser)

    barrier = threading.Barrier(STUDENTS)
    results = [None] * STUDENTS

    def post(n):
        barrier.wait()
        try:
            results[n] = browsers[n].post(
                f"/discussion/{discussion.slug}/comment/",
                {"body": f"Comment from student {n}", "submit_token": str(uuid.uuid4()), "website": ""},
            )[0]
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            results[n] = repr(error)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(STUDENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results == [200] * STUDENTS  # each followed the redirect to its comment
    assert Comment.objects.filter(discussion=discussion).count() == STUDENTS
    assert Discussion.objects.get(pk=discussion.pk).comment_count == STUDENTS
    status, html = Browser(live_server.url).get(discussion.get_absolute_url())
    for n in range(STUDENTS):
        assert f"Comment from student {n}" in html
