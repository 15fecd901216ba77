"""Hypothesis fuzzing: every route and every form, with hostile input, never answers ≥ 500.

Routes come from the URL resolver (as in tests/test_routes.py), so a new route is fuzzed
without a change here; its path arguments are drawn from the converter's own pattern or from
real objects. Forms get generated fields (Unicode with NUL, RTL marks and emoji, huge values,
repeated keys, unknown keys); where an invalid submission is recognisable by its answer, the
test checks that nothing was written.

The suite runs a bounded number of examples per test. A longer run (see DEPLOY.md):

    NEWSBOARD_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -p no:warnings tests/test_fuzz.py
"""

import os
import re
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from items.models import Comment, CommentReport, CourseSettings, Discussion, Profile, WeeklyIssue
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    DiscussionFactory,
    NewsItemFactory,
)
from tests.test_rendering import render_cpu_ms

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("NEWSBOARD_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The board is built once per test; each example makes its own clients.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PASSWORD = "correct horse battery staple"

# Text that has broken web apps before: NUL, bidi overrides, zero-width and BOM, joined emoji,
# the last code point, percent and HTML junk, SQL-ish quotes, newlines.
AWKWARD = [
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "\u200f\u200e",
    "\u200b",
    "\ufeff",
    "😀",
    "👩‍👩‍👧‍👦",
    "\U0010ffff",
    "ﷺ",
    "%00",
    "%ff%fe",
    "%",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\r\n\r\n",
    " ",
    "",
    "-1",
    "0",
    "9" * 30,
    "1e999",
    "NaN",
    "2020-02-30",
    "0000-00-00",
    "9999-12-31",
    "00000000-0000-0000-0000-000000000000",
]


def huge(max_size):
    return st.builds(
        lambda char, n: char * n,
        st.sampled_from(["x", "é", "😀", "\x00", " ", "%"]),
        st.integers(1000, max_size),
    )


def texts(max_huge=100_000):
    """Short Unicode (no lone surrogates: they cannot travel as UTF-8), awkward strings, huge ones."""
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(AWKWARD),
        st.integers(-(10**20), 10**20).map(str),
        huge(max_huge),
    )


def fields(known, max_huge=100_000):
    """Form data as (key, value) pairs: known keys and junk ones, each possibly repeated."""
    keys = st.one_of(st.sampled_from(known), st.text(max_size=12)) if known else st.text(max_size=12)
    return st.lists(st.tuples(keys, texts(max_huge)), max_size=12)


def as_multidict(pairs):
    data = {}
    for key, value in pairs:
        data.setdefault(key, []).append(value)
    return data


def raw_query_strings():
    """Query strings as a browser would never send them: bad escapes, invalid UTF-8, no '='."""
    pieces = st.one_of(
        st.sampled_from(["%", "%%", "%zz", "%ff", "%c3%28", "%00", "&&", "==", ";", "+", "a[]=1", "a=1&a=2"]),
        st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20),
    )
    return st.lists(pieces, max_size=10).map("".join)


def latin1_of_utf8(text):
    """A header as WSGI hands it over: the UTF-8 bytes on the wire, decoded as Latin-1 (PEP 3333)."""
    return text.encode("utf-8").decode("latin-1")


def headers():
    """Request headers a client controls, filled with junk (Django sees them as META)."""
    junk = st.one_of(
        st.text(
            alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x10FFFF, exclude_categories=["Cs"])
        ),
        st.sampled_from(AWKWARD),
        # Up to 8,000 bytes: gunicorn refuses a longer header line itself (limit_request_field_size,
        # 8,190 bytes, in gunicorn.conf.py), before Django sees it; the live test checks that 400.
        huge(2_000),
    )
    names = st.sampled_from(
        [
            "HTTP_ACCEPT_LANGUAGE",
            "HTTP_ACCEPT_ENCODING",
            "HTTP_ACCEPT",
            "HTTP_REFERER",
            "HTTP_X_FORWARDED_FOR",
            "HTTP_X_FORWARDED_PROTO",
            "HTTP_COOKIE",
            "HTTP_USER_AGENT",
            "HTTP_IF_MODIFIED_SINCE",
            "HTTP_IF_NONE_MATCH",
            "HTTP_RANGE",
            "CONTENT_TYPE",
        ]
    )
    cookie = st.builds(
        lambda name, value: f"{name}={value}",
        st.sampled_from(["sessionid", "csrftoken", "messages", "x"]),
        st.one_of(junk, st.sampled_from(['"\\000abcdefgh"', '"\\377\\376"', "a" * 40, '"unterminated'])),
    )
    as_wire = latin1_of_utf8
    return st.dictionaries(names, junk.map(as_wire), max_size=5).flatmap(
        lambda meta: st.one_of(st.just(meta), cookie.map(lambda c: {**meta, "HTTP_COOKIE": as_wire(c)}))
    )


@pytest.fixture
def board(student, instructor):
    """One of everything a route can point at, with a signed-in student's own fresh comment."""
    item = NewsItemFactory(category=CategoryFactory(slug="vision", label="Vision"), tags=["shared"])
    discussion = DiscussionFactory()
    own = CommentFactory(discussion=discussion, author=student)
    other = CommentFactory(discussion=discussion)
    Profile.objects.get_or_create(user=student)
    return {
        "item": item,
        "discussion": discussion,
        "own_comment": own,
        "other_comment": other,
        "student": student,
        "instructor": instructor,
    }


def client_as(board, who, **kwargs):
    client = Client(**kwargs)
    if who != "anonymous":
        client.force_login(board[who])
    return client


WHO = st.sampled_from(["anonymous", "student", "instructor"])


def routes(patterns, prefix=""):
    """(name, pattern) for every named route outside the admin."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                found += routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((prefix + pattern.name, pattern))
    return found


def all_routes():
    from newsboard.urls import urlpatterns

    return routes(urlpatterns)


def real_arguments(board):
    """Path arguments that reach real objects, so the fuzz goes past the 404."""
    item, discussion = board["item"], board["discussion"]
    issue_date = item.issue.slug
    return {
        "slug": [issue_date, discussion.slug, item.slug, "vision", "shared"],
        "pk": [str(item.pk), str(board["own_comment"].pk), str(board["other_comment"].pk)],
        "start": [issue_date, "2000-01-01"],
        "end": [issue_date, "2100-01-01"],
        "uidb64": ["MQ", "MA", "Mg"],
        "token": ["set-password", "bad-token"],
    }


@st.composite
def route_urls(draw, board):
    """A URL for some route, each argument real or drawn from the converter's pattern."""
    name, pattern = draw(st.sampled_from(all_routes()))
    samples = real_arguments(board)
    kwargs = {}
    for argument, converter in pattern.pattern.converters.items():
        generated = st.from_regex(converter.regex, fullmatch=True, alphabet=st.characters(codec="utf-8"))
        real = [value for value in samples.get(argument, []) if re.fullmatch(converter.regex, value)]
        choices = st.sampled_from(real or ["x"])
        kwargs[argument] = draw(st.one_of(choices, generated.filter(lambda s: len(s) < 200)))
    return reverse(name, kwargs=kwargs)


def assert_not_server_error(response, what):
    assert response.status_code < 500, (what, response.status_code)


@FUZZ
@given(data=st.data(), who=WHO, query=fields(["page", "reply_to", "next", "q"], 20_000), meta=headers())
def test_every_route_answers_get_without_server_error(board, data, who, query, meta):
    url = data.draw(route_urls(board))
    response = client_as(board, who).get(url, as_multidict(query), **meta)
    assert_not_server_error(response, url)


@FUZZ
@given(data=st.data(), who=WHO, query=raw_query_strings(), method=st.sampled_from(["GET", "HEAD", "OPTIONS"]))
def test_every_route_survives_malformed_query_strings(board, data, who, query, method):
    url = data.draw(route_urls(board))
    response = client_as(board, who).generic(method, url, QUERY_STRING=query)
    assert_not_server_error(response, f"{method} {url}?{query}")


@FUZZ
@given(data=st.data(), who=WHO, form=fields(["body", "action", "next", "reason", "parent"]), meta=headers())
def test_every_route_answers_junk_posts_without_server_error(board, data, who, form, meta):
    url = data.draw(route_urls(board))
    comments_before = Comment.objects.count()
    response = client_as(board, who).post(url, as_multidict(form), **meta)
    assert_not_server_error(response, url)
    if response.status_code >= 400:
        assert Comment.objects.count() == comments_before


FILTER_KEYS = ["q", "category", "tag", "match", "since", "until", "page"]


@FUZZ
@given(
    query=st.lists(
        st.tuples(
            st.sampled_from(FILTER_KEYS),
            st.one_of(texts(20_000), st.sampled_from(["vision", "shared", "any", "all", "2020-09-18"])),
        ),
        max_size=15,
    ),
    meta=headers(),
)
def test_item_filter_never_fails(board, query, meta):
    response = Client().get(reverse("items:item_list"), QUERY_STRING=urlencode(query), **meta)
    assert_not_server_error(response, query)


@FUZZ
@given(form=fields(["username", "email", "password1", "password2", "display_name", "join_code", "next"]))
def test_signup_never_fails_and_writes_only_a_valid_account(board, form):
    users = get_user_model().objects.count()
    response = Client().post(reverse("signup"), as_multidict(form))
    assert_not_server_error(response, form)
    if response.status_code != 302:
        assert get_user_model().objects.count() == users


@FUZZ
@given(form=fields(["username", "email", "password1", "password2", "display_name", "join_code"]))
def test_signup_with_a_join_code_never_fails(board, form):
    CourseSettings.objects.update_or_create(pk=1, defaults={"join_code": "ml-2020"})
    users = get_user_model().objects.count()
    response = Client().post(reverse("signup"), as_multidict(form + [("join_code", "ML-2020")]))
    assert_not_server_error(response, form)
    if response.status_code != 302:
        assert get_user_model().objects.count() == users


@FUZZ
@given(
    form=fields(["username", "password", "next"]),
    meta=headers(),
    admin=st.booleans(),
    proxies=st.integers(0, 2),
)
def test_sign_in_never_fails(board, form, meta, admin, proxies):
    url = reverse("admin:login") if admin else reverse("login")
    # A context manager, not the settings fixture: that one stacks an override per assignment,
    # thousands deep in a long run.
    with override_settings(NEWSBOARD_TRUSTED_PROXY_COUNT=proxies):
        response = Client().post(url, as_multidict(form), **meta)
    assert_not_server_error(response, form)


@FUZZ
@given(form=fields(["email"]), who=WHO)
def test_password_reset_and_change_never_fail(board, form, who):
    for url in (reverse("password_reset"), reverse("password_change")):
        response = client_as(board, who).post(url, as_multidict(form))
        assert_not_server_error(response, (url, form))
    bad_link = reverse("password_reset_confirm", args=["MQ", "set-password"])
    response = client_as(board, who).post(bad_link, as_multidict(form))
    assert_not_server_error(response, form)


@FUZZ
@given(
    form=fields(["body", "parent", "submit_token", "website"]), who=st.sampled_from(["student", "instructor"])
)
@override_settings(NEWSBOARD_COMMENTS_PER_MINUTE=100_000, NEWSBOARD_COMMENTS_PER_DAY=100_000)
def test_comment_create_never_fails_and_writes_only_valid_comments(board, form, who):
    before = Comment.objects.count()
    url = reverse("items:comment_create", args=[board["discussion"].slug])
    response = client_as(board, who).post(url, as_multidict(form))
    assert_not_server_error(response, form)
    if response.status_code != 302:
        assert Comment.objects.count() == before


@FUZZ
@given(form=fields(["body"]))
@override_settings(NEWSBOARD_COMMENTS_PER_MINUTE=100_000, NEWSBOARD_COMMENTS_PER_DAY=100_000)
def test_comment_edit_never_fails_and_keeps_the_text_when_invalid(board, form):
    comment = board["own_comment"]
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now())
    before = Comment.objects.values_list("body", "body_html").get(pk=comment.pk)
    response = client_as(board, "student").post(
        reverse("items:comment_edit", args=[comment.pk]), as_multidict(form)
    )
    assert_not_server_error(response, form)
    if response.status_code != 302:
        assert Comment.objects.values_list("body", "body_html").get(pk=comment.pk) == before


# Markup characters whose runs have made Markdown parsers slow (brackets made Python-Markdown
# quadratic): bodies are runs of short patterns of them, up to the maximum comment length.
MARKUP = "[]()!*_`<>&\\ \n-#:a"


def pathological_bodies():
    def run(unit, length):
        return (unit * (length // len(unit) + 1))[:length]

    runs = st.builds(run, st.text(alphabet=MARKUP, min_size=1, max_size=4), st.integers(1, 5000))
    return st.lists(runs, min_size=1, max_size=4).map(lambda parts: "".join(parts)[:5000])


@FUZZ
@given(body=pathological_bodies())
@override_settings(NEWSBOARD_COMMENTS_PER_MINUTE=100_000, NEWSBOARD_COMMENTS_PER_DAY=100_000)
def test_pathological_comment_bodies_render_fast_and_post(board, body):
    assert render_cpu_ms(body) < 50, repr(body[:40])
    url = reverse("items:comment_create", args=[board["discussion"].slug])
    response = client_as(board, "student").post(url, {"body": body})
    assert response.status_code == (302 if body.strip() else 400), repr(body[:40])


@FUZZ
@given(form=fields(["reason"]), who=st.sampled_from(["student", "instructor"]))
def test_comment_report_never_fails_and_writes_only_valid_reports(board, form, who):
    before = CommentReport.objects.count()
    url = reverse("items:comment_report", args=[board["other_comment"].pk])
    response = client_as(board, who).post(url, as_multidict(form))
    assert_not_server_error(response, form)
    if response.status_code != 302:
        assert CommentReport.objects.count() == before


MODERATION_ACTIONS = ["hide", "restore", "approve", "reject", "pin", "unpin", "lock", "unlock"]


@FUZZ
@given(
    form=st.lists(
        st.tuples(
            st.sampled_from(["action", "next"]),
            st.one_of(st.sampled_from(MODERATION_ACTIONS), texts(20_000)),
        ),
        max_size=6,
    ),
    who=WHO,
)
def test_moderation_actions_never_fail(board, form, who):
    data = as_multidict(form)
    # Like request.POST.get(), the last of repeated values counts.
    action = data.get("action", [""])[-1]
    acted = who == "instructor" and action in MODERATION_ACTIONS
    statuses = dict(Comment.objects.values_list("pk", "status"))
    client = client_as(board, who)
    for url in (
        reverse("items:comment_moderate", args=[board["other_comment"].pk]),
        reverse("items:comment_insight", args=[board["other_comment"].pk]),
        reverse("items:discussion_lock", args=[board["discussion"].slug]),
    ):
        response = client.post(url, data)
        assert_not_server_error(response, (url, form))
    if not acted:
        assert dict(Comment.objects.values_list("pk", "status")) == statuses
    Discussion.objects.filter(pk=board["discussion"].pk).update(is_locked=False)


@FUZZ
@given(form=fields(["display_name", "notify_replies", "credit_by_name"]))
def test_account_settings_never_fail_and_keep_the_profile_when_invalid(board, form):
    before = Profile.objects.values_list("display_name", "notify_replies", "credit_by_name").get(
        user=board["student"]
    )
    response = client_as(board, "student").post(reverse("account_settings"), as_multidict(form))
    assert_not_server_error(response, form)
    if response.status_code != 302:
        assert (
            Profile.objects.values_list("display_name", "notify_replies", "credit_by_name").get(
                user=board["student"]
            )
            == before
        )


RECAP_LINES = st.sampled_from(
    [
        "# ML Weekly (Oct. 9th)",
        "# ML Weekly (Feb. 30th)",
        "# ML Weekly",
        "1. **(Vision)** A title",
        "1. **(NEW!Robots)** A title",
        "2. **()** ",
        "    > an excerpt",
        "https://example.org/story",
        "Tags: a, b, , ",
        "# Insights",
        "1. **Insight** body",
        "",
    ]
)


@FUZZ
@given(
    text=st.one_of(texts(), st.lists(st.one_of(RECAP_LINES, texts(2_000)), max_size=20).map("\n".join)),
    form=fields(["year", "update_existing", "confirm_new_categories", "previewed"]),
    upload=st.one_of(
        st.none(),
        st.binary(max_size=3_000),
        st.lists(st.one_of(RECAP_LINES, texts(2_000)), max_size=10).map(
            lambda lines: "\n".join(lines).encode()
        ),
    ),
)
def test_recap_import_preview_never_fails_and_writes_nothing(board, text, form, upload):
    before = WeeklyIssue.objects.count()
    client = client_as(board, "instructor")
    data = {"text": text, **as_multidict(form)}
    if upload is not None:
        data["file"] = SimpleUploadedFile("recap.md", upload, content_type="text/markdown")
    response = client.post(reverse("admin:items_weeklyissue_import_recap"), data)
    assert_not_server_error(response, (text[:200], form))
    assert WeeklyIssue.objects.count() == before


def admin_changelists():
    from django.contrib import admin

    return [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry
    ]


@FUZZ
@given(
    data=st.data(),
    query=st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from(["q", "o", "p", "e", "status", "all", "_popup", "_to_field"]),
                st.text(max_size=30),
            ),
            texts(5_000),
        ),
        max_size=8,
    ),
)
def test_admin_changelists_never_fail(board, data, query):
    url = data.draw(st.sampled_from(admin_changelists()))
    response = client_as(board, "instructor").get(url, QUERY_STRING=urlencode(query))
    assert_not_server_error(response, (url, query))


def test_the_fuzz_reaches_every_route():
    names = {name for name, _pattern in all_routes()}
    from tests.test_routes import ROUTES

    assert names == set(ROUTES), "a route the permission table lists is missing from the resolver walk"


def test_quote_of_awkward_path_segments_is_a_404_not_a_500(client):
    for segment in ("%00", "%ff", "😀", "\u202e", "9" * 40):
        response = client.get("/items/" + quote(segment) + "/")
        assert response.status_code == 404
