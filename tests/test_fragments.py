"""A thread's shared HTML: drawn once per version for every classmate, never stale, never a token or
button of one reader shown to another."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from items import caching, services
from items.fragments import draw_shared_thread, thread_rows
from tests.factories import CommentFactory, DiscussionFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_for(user, discussion):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(discussion.get_absolute_url()).content.decode()


def version(discussion):
    key = caching.discussion_key(discussion.pk)
    return caching.read_versions([key])[key]


def test_the_first_reader_draws_the_thread_for_every_classmate(django_assert_max_num_queries):
    discussion = DiscussionFactory()
    CommentFactory.create_batch(3, discussion=discussion)
    page_for(UserFactory(), discussion)
    rows = thread_rows(discussion, version(discussion))
    url = discussion.get_absolute_url()
    shared = cache.get(f"thread:{discussion.pk}:{version(discussion)}:time:member")
    drawn_shared, own, _ = draw_shared_thread(discussion, rows, version(discussion), True, url)
    assert shared == drawn_shared
    for author, places in own.items():
        assert cache.get(f"thread-own:{discussion.pk}:{version(discussion)}:time:member:{author}") == places
    authors, whole, count, parts = shared
    assert authors == {row.author_id for row in rows} and not whole and count == 3
    assert len(parts) == 3 and all(f'id="c{row.pk}"' in "".join(parts) for row in rows)
    assert {entry.comment.pk for places in own.values() for _, entry in places} == {row.pk for row in rows}

    # The next classmate reads it from the cache: no comment is drawn again (their own helpful
    # marks and last visit are read, and their visit recorded).
    other = UserFactory()
    client = Client()
    client.force_login(other)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_an_edit_shows_at_once_to_signed_in_readers():
    author = UserFactory()
    discussion = DiscussionFactory()
    comment = services.comment_create(discussion=discussion, author=author, body="First words")
    reader = UserFactory()
    assert "First words" in page_for(reader, discussion)

    services.comment_edit(comment=comment, by=author, body="Second thoughts")

    page = page_for(reader, discussion)
    assert "Second thoughts" in page and "First words" not in page


def test_hiding_shows_at_once_to_signed_in_readers():
    discussion = DiscussionFactory()
    comment = CommentFactory(discussion=discussion, body="Rude words", body_html="<p>Rude words</p>")
    reader = UserFactory()
    assert "Rude words" in page_for(reader, discussion)

    services.comment_hide(comment=comment)

    assert "Rude words" not in page_for(reader, discussion)


def tokens(page):
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))


def test_two_students_and_an_instructor_never_see_each_other_s_buttons_or_tokens(instructor):
    ada, bo = UserFactory(), UserFactory()
    discussion = DiscussionFactory()
    own = services.comment_create(discussion=discussion, author=ada, body="Ada's comment")
    other = services.comment_create(discussion=discussion, author=bo, body="Bo's comment")

    for _ in range(2):  # drawn, then from the cache
        pages = {
            name: page_for(user, discussion) for name, user in (("ada", ada), ("bo", bo), ("i", instructor))
        }
        guest = page_for(None, discussion)

        assert f"/comments/{own.pk}/delete/" in pages["ada"]
        assert f"/comments/{own.pk}/delete/" not in pages["bo"]
        assert f"/comments/{other.pk}/delete/" in pages["bo"]
        assert f"/comments/{other.pk}/delete/" not in pages["ada"]
        assert (
            f"/comments/{own.pk}/report/" in pages["bo"] and f"/comments/{own.pk}/report/" not in pages["ada"]
        )
        assert 'value="hide"' in pages["i"]
        assert (
            all('value="hide"' not in pages[name] for name in ("ada", "bo")) and 'value="hide"' not in guest
        )
        assert "/delete/" not in guest and "/report/" not in guest and "csrfmiddlewaretoken" not in guest
        # Every token on a page is its own reader's: no page carries another's.
        assert not tokens(pages["ada"]) & tokens(pages["bo"])
        assert not tokens(pages["ada"]) & tokens(pages["i"])
        assert not tokens(pages["bo"]) & tokens(pages["i"])


def test_shared_html_holds_no_form_and_no_one_s_own_buttons():
    discussion = DiscussionFactory()
    CommentFactory.create_batch(3, discussion=discussion)
    page_for(UserFactory(), discussion)
    page_for(None, discussion)
    for reader in ("member", "guest"):
        _, _, _, parts = cache.get(f"thread:{discussion.pk}:{version(discussion)}:time:{reader}")
        html = "".join(parts)
        assert "<form" not in html and "/edit/" not in html and "/delete/" not in html


def test_an_own_pending_comment_shows_to_its_author_alone():
    discussion = DiscussionFactory(is_premoderated=True)
    author = UserFactory()
    services.comment_create(discussion=discussion, author=author, body="Waiting words")
    assert "Waiting words" in page_for(author, discussion)
    assert "Waiting words" not in page_for(UserFactory(), discussion)
    assert "Waiting words" not in page_for(None, discussion)


def test_a_classmate_who_wrote_nothing_is_offered_reply_and_report_on_every_comment():
    discussion = DiscussionFactory()
    comments = CommentFactory.create_batch(2, discussion=discussion)
    for _ in range(2):  # drawn, then from the cache
        page = page_for(UserFactory(), discussion)
        for comment in comments:
            assert f"?reply_to={comment.pk}#comment-form" in page
            assert f"/comments/{comment.pk}/report/" in page
        assert "/delete/" not in page and "/edit/" not in page


def test_a_new_comment_draws_itself_not_the_whole_thread(monkeypatch):
    from items import fragments

    discussion = DiscussionFactory()
    CommentFactory.create_batch(5, discussion=discussion)
    page_for(UserFactory(), discussion)
    drawn = []
    template = fragments.get_template(fragments.COMMENT_TEMPLATE)
    original = type(template).render

    def counting(self, context=None, request=None):
        if isinstance(context, dict) and "entry" in context:
            drawn.append(context["entry"].comment.pk)
        return original(self, context, request)

    monkeypatch.setattr(type(template), "render", counting)
    new = services.comment_create(discussion=discussion, author=UserFactory(), body="Just in")

    page = page_for(UserFactory(), discussion)

    assert "Just in" in page and page.count('class="comment ') == 6
    assert drawn == [new.pk]


def test_comments_new_to_many_readers_are_drawn_once_for_all_of_them(monkeypatch):
    """A lecture: 30 posts land while the class reads. Each reader sees them marked new, and
    the marked comments are drawn once, for everyone with the same marks, not once per reader."""
    from datetime import timedelta

    from items import fragments
    from items.models import DiscussionVisit

    discussion = DiscussionFactory()
    readers = [UserFactory() for _ in range(4)]
    for reader in readers:
        page_for(reader, discussion)
    DiscussionVisit.objects.update(
        last_seen_at=DiscussionVisit.objects.get(student=readers[0]).last_seen_at - timedelta(minutes=1)
    )
    posted = [
        services.comment_create(discussion=discussion, author=UserFactory(), body=f"Post {n}")
        for n in range(30)
    ]
    drawn = []
    template = fragments.get_template(fragments.COMMENT_TEMPLATE)
    original = type(template).render

    def counting(self, context=None, request=None):
        if isinstance(context, dict) and "entry" in context:
            drawn.append((context["entry"].comment.pk, context["entry"].is_new))
        return original(self, context, request)

    monkeypatch.setattr(type(template), "render", counting)
    pages = [page_for(reader, discussion) for reader in readers]

    assert all("30 new comments since your last visit" in page for page in pages)
    assert all(page.count("badge-new") == 30 for page in pages)
    # The plain thread once, and once more each comment as it is marked new: 60 in all, not 150.
    assert sorted(drawn) == sorted([(c.pk, False) for c in posted] + [(c.pk, True) for c in posted])


def test_the_comment_form_s_fields_are_drawn_once_and_never_carry_what_someone_typed(monkeypatch):
    """An empty comment form looks the same to every reader: its fields are kept as a fragment.
    A form sent back with an error is drawn for its writer alone, with what they typed."""
    from django.urls import reverse

    discussion = DiscussionFactory()
    alice, bob = UserFactory(), UserFactory()
    alice_client, bob_client = Client(), Client()
    alice_client.force_login(alice)
    bob_client.force_login(bob)
    first = alice_client.get(discussion.get_absolute_url()).content.decode()
    assert 'name="body"' in first and "Post anonymously to classmates" in first

    drawn = []
    from django.forms import boundfield

    original = boundfield.BoundField.as_widget

    def counting(self, *args, **kwargs):
        drawn.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(boundfield.BoundField, "as_widget", counting)
    second = bob_client.get(discussion.get_absolute_url()).content.decode()
    # Only the hidden fields (the reply target and the one-time submit token) are drawn again.
    assert sorted(drawn) == ["parent", "submit_token"]
    tokens = [re.search(r'name="submit_token" value="([^"]+)"', page).group(1) for page in (first, second)]
    assert tokens[0] != tokens[1]

    too_long = "secret draft " * 1000
    url = reverse("items:comment_create", args=[discussion.slug])
    refused = alice_client.post(url, {"body": too_long, "submit_token": tokens[0]})
    assert refused.status_code == 400 and "secret draft" in refused.content.decode()
    assert "secret draft" not in bob_client.get(discussion.get_absolute_url()).content.decode()
