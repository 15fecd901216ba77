"""Every URL pattern of the project, walked as anonymous, student and instructor.

A new route fails ``test_every_route_has_a_row`` until it gets a row here, so no view ships
without its expected statuses written down. GET rows are read pages; POST rows send an
empty form, which must be refused (redirect to sign in, 403, 405) or answered with a form
error (400), never a 500 and never a write.
"""

import pytest
from django.urls import URLResolver, reverse

from items.models import Comment
from tests.factories import CategoryFactory, CommentFactory, DiscussionFactory, NewsItemFactory

pytestmark = pytest.mark.django_db

WHO = ("anonymous", "student", "instructor")
SIGN_IN = "sign in"  # a redirect to the login page

# route name → (method, URL builder, {who: expected status})
ROUTES = {
    "items:home": ("GET", lambda c: reverse("items:home"), (200, 200, 200)),
    "items:issue_list": ("GET", lambda c: reverse("items:issue_list"), (200, 200, 200)),
    "items:issue_detail": ("GET", lambda c: c["item"].issue.get_absolute_url(), (200, 200, 200)),
    "items:item_list": ("GET", lambda c: reverse("items:item_list"), (200, 200, 200)),
    "items:search": ("GET", lambda c: reverse("items:search") + "?q=news", (200, 200, 200)),
    "items:item_detail": ("GET", lambda c: c["item"].get_absolute_url(), (200, 200, 200)),
    "items:category_detail": ("GET", lambda c: c["item"].category.get_absolute_url(), (200, 200, 200)),
    "items:category_feed": (
        "GET",
        lambda c: reverse("items:category_feed", args=["vision"]),
        (200, 200, 200),
    ),
    "items:tag_detail": ("GET", lambda c: reverse("items:tag_detail", args=["shared"]), (200, 200, 200)),
    "items:tag_feed": ("GET", lambda c: reverse("items:tag_feed", args=["shared"]), (200, 200, 200)),
    "items:insight_list": ("GET", lambda c: reverse("items:insight_list"), (200, 200, 200)),
    "items:issues_feed": ("GET", lambda c: reverse("items:issues_feed"), (200, 200, 200)),
    "items:issues_atom_feed": ("GET", lambda c: reverse("items:issues_atom_feed"), (200, 200, 200)),
    "items:issue_present": (
        "GET",
        lambda c: reverse("items:issue_present", args=[c["item"].issue.slug]),
        (200, 200, 200),
    ),
    "items:issue_figures": (
        "GET",
        lambda c: reverse("items:issue_figures", args=[c["item"].issue.slug]),
        (200, 200, 200),
    ),
    "items:issue_recap": (
        "GET",
        lambda c: reverse("items:issue_recap", args=[c["item"].issue.slug]),
        (200, 200, 200),
    ),
    "items:term_present": (
        "GET",
        lambda c: reverse("items:term_present", args=["2000-01-01", "2100-01-01"]),
        (200, 200, 200),
    ),
    "items:discussion_list": ("GET", lambda c: reverse("items:discussion_list"), (200, 200, 200)),
    "items:discussion_detail": ("GET", lambda c: c["discussion"].get_absolute_url(), (200, 200, 200)),
    "items:discussion_live": (
        "GET",
        lambda c: reverse("items:discussion_live", args=[c["discussion"].slug]),
        (200, 200, 200),
    ),
    "items:comments_feed": (
        "GET",
        lambda c: reverse("items:comments_feed", args=[c["discussion"].slug]),
        (200, 200, 200),
    ),
    "items:insights_feed": ("GET", lambda c: reverse("items:insights_feed"), (200, 200, 200)),
    "items:feed_stylesheet": ("GET", lambda c: reverse("items:feed_stylesheet"), (200, 200, 200)),
    "items:issue_discussion": (
        "GET",
        lambda c: reverse("items:issue_discussion", args=[c["item"].issue.slug]),
        (302, 302, 302),
    ),
    "items:item_discussion": (
        "GET",
        lambda c: reverse("items:item_discussion", args=[c["item"].pk, c["item"].slug]),
        (302, 302, 302),
    ),
    "items:moderation_queue": ("GET", lambda c: reverse("items:moderation_queue"), (SIGN_IN, 403, 200)),
    "items:comment_create": (
        "POST",
        lambda c: reverse("items:comment_create", args=[c["discussion"].slug]),
        (SIGN_IN, 400, 400),
    ),
    "items:discussion_lock": (
        "POST",
        lambda c: reverse("items:discussion_lock", args=[c["discussion"].slug]),
        (SIGN_IN, 403, 302),
    ),
    "items:comment_edit": (
        "POST",
        lambda c: reverse("items:comment_edit", args=[c["comment"].pk]),
        (SIGN_IN, 403, 403),
    ),
    "items:comment_delete": (
        "POST",
        lambda c: reverse("items:comment_delete", args=[c["comment"].pk]),
        (SIGN_IN, 403, 403),
    ),
    "items:comment_undo_delete": (
        "POST",
        lambda c: reverse("items:comment_undo_delete"),
        (SIGN_IN, 302, 302),
    ),
    "items:comment_report": (
        "POST",
        lambda c: reverse("items:comment_report", args=[c["comment"].pk]),
        (SIGN_IN, 200, 200),
    ),
    "items:comment_helpful": (
        "POST",
        lambda c: reverse("items:comment_helpful", args=[c["comment"].pk]),
        (SIGN_IN, 400, 400),
    ),
    "items:comment_moderate": (
        "POST",
        lambda c: reverse("items:comment_moderate", args=[c["comment"].pk]),
        (SIGN_IN, 403, 302),
    ),
    # An instructor's POST makes a draft insight from the comment and opens it in the admin.
    "items:comment_insight": (
        "POST",
        lambda c: reverse("items:comment_insight", args=[c["comment"].pk]),
        (SIGN_IN, 403, 302),
    ),
    "items:item_go": ("GET", lambda c: reverse("items:item_go", args=[c["item"].pk]), (302, 302, 302)),
    "items:item_read": (
        "POST",
        lambda c: reverse("items:item_read", args=[c["item"].pk]),
        (SIGN_IN, 400, 400),
    ),
    "items:me": ("GET", lambda c: reverse("items:me"), (SIGN_IN, 200, 200)),
    "items:reach": ("GET", lambda c: reverse("items:reach"), (SIGN_IN, 403, 200)),
    "items:reach_csv": ("GET", lambda c: reverse("items:reach_csv"), (SIGN_IN, 403, 200)),
    "signup": ("GET", lambda c: reverse("signup"), (200, 302, 302)),
    "signup_done": ("GET", lambda c: reverse("signup_done"), (200, 200, 200)),
    "signup_activate": ("GET", lambda c: reverse("signup_activate", args=["MQ", "1-ab"]), (404, 404, 404)),
    "account_settings": ("GET", lambda c: reverse("account_settings"), (SIGN_IN, 200, 200)),
    "send_verification_link": ("POST", lambda c: reverse("send_verification_link"), (SIGN_IN, 302, 302)),
    "newsletter:unsubscribe": (
        "GET",
        lambda c: reverse("newsletter:unsubscribe", args=["MQ:1vX:forged"]),
        (400, 400, 400),
    ),
    "newsletter:verify_email": (
        "GET",
        lambda c: reverse("newsletter:verify_email", args=["MQ:1vX:forged"]),
        (400, 400, 400),
    ),
    "login": ("GET", lambda c: reverse("login"), (200, 200, 200)),
    "logout": ("GET", lambda c: reverse("logout"), (405, 405, 405)),
    "password_change": ("GET", lambda c: reverse("password_change"), (SIGN_IN, 200, 200)),
    "password_change_done": ("GET", lambda c: reverse("password_change_done"), (SIGN_IN, 200, 200)),
    "password_reset": ("GET", lambda c: reverse("password_reset"), (200, 200, 200)),
    "password_reset_done": ("GET", lambda c: reverse("password_reset_done"), (200, 200, 200)),
    "password_reset_confirm": (
        "GET",
        lambda c: reverse("password_reset_confirm", args=["MQ", "bad-token"]),
        (200, 200, 200),
    ),
    "password_reset_complete": ("GET", lambda c: reverse("password_reset_complete"), (200, 200, 200)),
    "healthz": ("GET", lambda c: reverse("healthz"), (200, 200, 200)),
    "sitemap": ("GET", lambda c: reverse("sitemap"), (200, 200, 200)),
    "robots": ("GET", lambda c: reverse("robots"), (200, 200, 200)),
    "favicon": ("GET", lambda c: reverse("favicon"), (301, 301, 301)),
    # The admin's autocomplete (items.admin.ItemAutocompleteJsonView): the admin's sign-in for
    # anyone not staff; a request that names no field is refused.
    "admin_autocomplete": ("GET", lambda c: reverse("admin_autocomplete"), (302, 302, 403)),
    "manifest": ("GET", lambda c: reverse("manifest"), (200, 200, 200)),
}


def route_names(patterns, namespace=""):
    """Every route of the project except the admin's (the admin has its own tests)."""
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names |= route_names(pattern.url_patterns, inner)
        else:
            names.add(namespace + (pattern.name or str(pattern.pattern)))
    return names


def test_every_route_has_a_row():
    from newsboard.urls import urlpatterns

    missing = route_names(urlpatterns) - set(ROUTES)
    assert not missing, f"Routes without a row in ROUTES: {sorted(missing)}"


@pytest.fixture
def content(student):
    item = NewsItemFactory(category=CategoryFactory(slug="vision", label="Vision"), tags=["shared"])
    discussion = DiscussionFactory()
    comment = CommentFactory(discussion=discussion, author=CommentFactory().author)
    return {"item": item, "discussion": discussion, "comment": comment}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_each_role_as_expected(client, student, instructor, content, name, who):
    method, build, expected = ROUTES[name]
    if who != "anonymous":
        client.force_login(student if who == "student" else instructor)
    comments_before = list(Comment.objects.values_list("pk", "status", "body"))
    url = build(content)
    response = client.post(url, {}) if method == "POST" else client.get(url)
    want = expected[WHO.index(who)]
    if want == SIGN_IN:
        assert response.status_code == 302, (name, who, response.status_code)
        assert response["Location"].startswith(reverse("login")), (name, who, response["Location"])
    else:
        assert response.status_code == want, (name, who, response.status_code)
    if name != "items:discussion_lock":
        assert list(Comment.objects.values_list("pk", "status", "body")) == comments_before


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_a_disallowed_host_is_a_400_on_every_route(client, content, name):
    """Asked first without the bad host, so a page the cache now holds cannot answer it either."""
    method, build, _ = ROUTES[name]
    url = build(content)
    if method == "GET":
        client.get(url)
    response = client.generic(method, url, headers={"host": "evil.example"})
    assert response.status_code == 400, (name, response.status_code)
