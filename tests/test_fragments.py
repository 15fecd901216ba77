"""Cached comment fragments: shared where readers see a comment alike, never stale, never a CSRF leak."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from items import services
from items.fragments import bundle_key, fragment_key, row_digest
from items.threads import build_thread
from tests.factories import CommentFactory, DiscussionFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_for(user, discussion):
    client = Client()
    client.force_login(user)
    return client.get(discussion.get_absolute_url()).content.decode()


def test_the_first_reader_fills_the_cache_for_the_next():
    discussion = DiscussionFactory()
    CommentFactory.create_batch(3, discussion=discussion)
    reader = UserFactory()
    page_for(reader, discussion)

    entries = build_thread(discussion, discussion.comments.for_thread(), UserFactory())
    keys = [fragment_key(entry, row_digest(entry.comment)) for entry in entries]
    assert set(cache.get(bundle_key(discussion))) == set(keys)


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


def test_comments_with_a_form_are_rendered_for_their_reader_only():
    author, other = UserFactory(), UserFactory()
    discussion = DiscussionFactory()
    services.comment_create(discussion=discussion, author=author, body="My own comment")

    own_page = page_for(author, discussion)
    other_page = page_for(other, discussion)

    assert "/delete/" in own_page
    assert "/delete/" not in other_page


def test_entries_offering_a_form_have_no_shared_key():
    discussion = DiscussionFactory()
    comment = CommentFactory(discussion=discussion)
    [own] = build_thread(discussion, discussion.comments.for_thread(), comment.author)
    [other] = build_thread(discussion, discussion.comments.for_thread(), UserFactory())

    assert own.can_delete and fragment_key(own, row_digest(own.comment)) is None
    assert fragment_key(other, row_digest(other.comment)) is not None


def test_fragments_are_re_rendered_one_by_one_within_their_lifetime(monkeypatch):
    discussion = DiscussionFactory()
    CommentFactory.create_batch(20, discussion=discussion)
    reader = UserFactory()
    clock = [1_000_000.0]
    monkeypatch.setattr("items.fragments.time", SimpleNamespace(time=lambda: clock[0]))
    page_for(reader, discussion)
    first = {key: fresh_until for key, (fresh_until, _) in cache.get(bundle_key(discussion)).items()}

    # Each fragment is fresh for half to all of FRAGMENT_SECONDS, not all until the same moment.
    assert all(clock[0] + 30 <= until <= clock[0] + 60 for until in first.values())
    assert len(set(first.values())) > 1

    clock[0] = min(first.values()) + 0.001
    page_for(reader, discussion)
    second = {key: fresh_until for key, (fresh_until, _) in cache.get(bundle_key(discussion)).items()}
    renewed = [key for key in first if second[key] != first[key]]
    assert renewed and len(renewed) < len(first)


def test_a_bundle_drops_fragments_nobody_reads_any_more(monkeypatch):
    monkeypatch.setattr("items.fragments.BUNDLE_SLACK", 2)
    author = UserFactory()
    discussion = DiscussionFactory()
    comment = services.comment_create(discussion=discussion, author=author, body="Version 0")
    reader = UserFactory()
    for n in range(1, 6):
        services.comment_edit(comment=comment, by=author, body=f"Version {n}")
        assert f"Version {n}" in page_for(reader, discussion)

    assert len(cache.get(bundle_key(discussion))) <= 1 + 2


def test_a_row_digest_changes_with_any_field_of_the_row():
    discussion = DiscussionFactory()
    CommentFactory(discussion=discussion, body="Some words", body_html="<p>Some words</p>")
    [row] = discussion.comments.for_thread()
    changed = {
        field: row._replace(**{field: "x" if isinstance(value, str) or value is None else not value})
        for field, value in row._asdict().items()
        if isinstance(value, (str, bool)) or value is None
    }
    changed["created_at"] = row._replace(created_at=row.created_at.replace(microsecond=1))
    assert {"body_html", "author_username", "status", "is_pinned", "edited_at"} <= set(changed)

    digests = {field: row_digest(other) for field, other in changed.items()}
    assert row_digest(row) not in digests.values()
    assert len(set(digests.values())) == len(digests)


def test_keys_keep_the_reader_s_names_apart():
    discussion = DiscussionFactory()
    CommentFactory(discussion=discussion)
    [entry] = build_thread(discussion, discussion.comments.for_thread(), UserFactory())
    digest = row_digest(entry.comment)
    entry.author_name, entry.reply_to_name = "Ada', 'Bo", ""
    first = fragment_key(entry, digest)
    entry.author_name, entry.reply_to_name = "Ada", "Bo"
    assert fragment_key(entry, digest) != first


def test_rows_cached_by_an_earlier_release_are_not_read(client):
    """Through a deploy a shared cache may hold the old rows-only entry under the old key."""
    from items.pagecache import current_content_version

    discussion = DiscussionFactory()
    CommentFactory(discussion=discussion, body="Still here", body_html="<p>Still here</p>")
    version = current_content_version()
    cache.set(f"thread-rows:{discussion.pk}:{version}", list(discussion.comments.for_thread()), 60)

    response = client.get(discussion.get_absolute_url())

    assert response.status_code == 200
    assert "Still here" in response.content.decode()
