"""NewsItem.listed_media: each item's copy of its media, which cards show, follows every change
to the Media rows, however it is made (items/listed_media.py)."""

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse

from items import listed_media
from items.models import Media, NewsItem, WeeklyIssue
from newsboard.jinja2 import macro
from tests.admin_forms import item_form, media_row
from tests.factories import MediaFactory, NewsItemFactory, WeeklyIssueFactory, png_upload

pytestmark = pytest.mark.django_db


def shown(item):
    """What the pages show: the copy, as media_list builds it from the item's row."""
    return [
        (m.pk, m.position, m.caption, m.credit, m.image.name, m.external_url)
        for m in NewsItem.objects.get(pk=item.pk).media_list
    ]


def truth(item):
    """The Media rows themselves, in position order."""
    return [
        (m.pk, m.position, m.caption, m.credit, m.image.name, m.external_url)
        for m in Media.objects.filter(item=item).order_by("position")
    ]


def drawn(media):
    return str(macro("items/_listing.html", "media")(media))


def test_adding_editing_reordering_moving_and_deleting_media_keep_the_copy():
    item, other = NewsItemFactory(), NewsItemFactory()
    assert shown(item) == [] and item.media_list == []

    photo = MediaFactory(item=item, position=2, caption="A photo", credit="stevekc")
    link = MediaFactory(
        item=item, position=1, image="", external_url="https://example.org/v.mp4", kind="video"
    )
    assert shown(item) == truth(item) and [m[2] for m in shown(item)] == ["A caption", "A photo"]

    photo.caption, photo.position = "Renamed", 3
    photo.save()
    link.position = 4
    link.save()
    assert shown(item) == truth(item) and [m[1:3] for m in shown(item)] == [(3, "Renamed"), (4, "A caption")]

    link.item = other
    link.save()
    assert shown(item) == truth(item) and len(shown(item)) == 1
    assert shown(other) == truth(other) and len(shown(other)) == 1

    photo.delete()
    assert shown(item) == truth(item) == []


def test_a_card_draws_the_copy_exactly_as_it_drew_the_rows():
    item = NewsItemFactory()
    MediaFactory(
        item=item, position=1, caption="RTX 3080", subfigure_label="(a)", credit="stevekc", licence="CC-BY-NC"
    )
    MediaFactory(
        item=item,
        position=2,
        image="",
        external_url="https://example.org/chart.png",
        kind="chart",
        alt_text='A chart of "GPU" prices & sales',
        licence_url="https://creativecommons.org/licenses/by/2.0/",
        licence="CC-BY",
        credit="example.org",
    )
    copied = NewsItem.objects.get(pk=item.pk).media_list
    html = drawn(copied)
    assert html == drawn(list(Media.objects.filter(item=item).order_by("position")))
    assert "/media/thumbs/" in html and 'srcset="' in html  # the thumbnails, not the upload
    assert "A chart of &#34;GPU&#34; prices &amp; sales" in html
    assert copied[0].get_kind_display() == "Photo" and copied[0].width == 64


def test_items_come_with_their_media_in_one_query(django_assert_num_queries):
    for item in NewsItemFactory.create_batch(3):
        MediaFactory.create_batch(2, item=item)
    with django_assert_num_queries(1):
        items = list(NewsItem.objects.order_by("pk"))
        assert [len(item.media_list) for item in items] == [2, 2, 2]


def test_saving_an_item_loaded_before_a_change_does_not_bring_back_its_old_media():
    item = NewsItemFactory()
    loaded_earlier = NewsItem.objects.get(pk=item.pk)
    MediaFactory(item=item, caption="New picture")
    loaded_earlier.summary = "New words"
    loaded_earlier.save()
    assert [m[2] for m in shown(item)] == ["New picture"]
    assert [m.caption for m in loaded_earlier.media_list] == ["New picture"]


def test_a_rolled_back_medium_leaves_the_copy_as_it_was():
    item = NewsItemFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        MediaFactory(item=item)
        raise RuntimeError
    assert shown(item) == []


def test_media_added_and_removed_in_the_admin_show_on_the_issue_page(instructor_client):
    reader = Client()
    issue = WeeklyIssueFactory(status=WeeklyIssue.Status.PUBLISHED)
    item = NewsItemFactory(issue=issue, position=1)
    picture = media_row(
        png_upload(),
        alt_text="A graphics card",
        caption="RTX 3080",
        subfigure_label="(a)",
        credit="stevekc",
        licence="CC-BY-NC",
    )
    data = item_form(issue, item.category, title=item.title, link=item.link, media=[picture])
    change = reverse("admin:items_newsitem_change", args=[item.pk])
    assert instructor_client.post(change, data).status_code == 302

    page = reader.get(issue.get_absolute_url()).content.decode()
    medium = Media.objects.get()
    assert 'alt="A graphics card"' in page and "RTX 3080" in page
    assert medium.thumbnail.url in page and medium.image.url in page

    removal = dict(picture, id=str(medium.pk), item=str(item.pk), DELETE="on", image="")
    data = item_form(issue, item.category, title=item.title, link=item.link, media=[removal], initial_media=1)
    assert instructor_client.post(change, data).status_code == 302
    assert not Media.objects.exists()
    page = reader.get(issue.get_absolute_url()).content.decode()
    assert "RTX 3080" not in page and "A graphics card" not in page


def test_refresh_all_and_the_migration_rebuild_copies_from_the_media():
    items = NewsItemFactory.create_batch(3)
    for n, item in enumerate(items):
        MediaFactory.create_batch(n, item=item)
    expected = [shown(item) for item in items]
    assert [len(found) for found in expected] == [0, 1, 2]

    NewsItem.objects.update(listed_media=[])
    listed_media.refresh_all(batch=2)
    assert [shown(item) for item in items] == expected

    NewsItem.objects.update(listed_media=[])
    migration = __import__("items.migrations.0008_item_listed_media", fromlist=["copy_media"])
    migration.copy_media(apps, None)
    assert [shown(item) for item in items] == expected
    assert migration.FIELDS == listed_media.FIELDS
