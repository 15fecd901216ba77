"""NewsItem.listed_tags: each item's copy of its tags, which pages show, follows every change to
the taggings and the tags, however it is made (items/listed_tags.py)."""

import pytest
from django.apps import apps
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from items import listed_tags
from items.models import NewsItem, WeeklyIssue
from tests.admin_forms import item_form
from tests.factories import NewsItemFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db


def stored(item):
    return NewsItem.objects.get(pk=item.pk).listed_tags


def shown(item):
    return [(tag.slug, tag.name) for tag in NewsItem.objects.get(pk=item.pk).tag_list]


def truth(item):
    """The taggings themselves, in the order added."""
    rows = TaggedItem.objects.filter(object_id=item.pk, content_type__model="newsitem").order_by("pk")
    return [[slug, name] for slug, name in rows.values_list("tag__slug", "tag__name")]


def test_adding_setting_removing_and_clearing_tags_keep_the_copy_in_order():
    item = NewsItemFactory()
    assert stored(item) == [] and item.tag_list == []

    item.tags.add("vision")
    item.tags.add("Robots", "GPUs")
    assert stored(item) == truth(item) == [["vision", "vision"], ["robots", "Robots"], ["gpus", "GPUs"]]
    # The instance in hand follows too, without loading the item again.
    assert [tag.name for tag in item.tag_list] == ["vision", "Robots", "GPUs"]

    item.tags.remove("Robots")
    assert stored(item) == truth(item) == [["vision", "vision"], ["gpus", "GPUs"]]
    item.tags.set(["ethics", "vision"])
    assert stored(item) == truth(item)
    assert sorted(name for _, name in stored(item)) == ["ethics", "vision"]
    item.tags.clear()
    assert stored(item) == truth(item) == []
    assert item.tag_list == []


def test_odd_tag_names_survive_the_copy():
    name = 'Q&A "quotes", [brackets] 🤖'
    item = NewsItemFactory(tags=[name])
    assert shown(item) == [(Tag.objects.get(name=name).slug, name)]


def test_a_renamed_or_deleted_tag_reaches_every_item_that_carries_it():
    first, second = NewsItemFactory(tags=["gpt3", "nlp"]), NewsItemFactory(tags=["gpt3"])
    untouched = NewsItemFactory(tags=["vision"])
    tag = Tag.objects.get(name="gpt3")
    tag.name, tag.slug = "GPT-3", "gpt-3"
    tag.save()
    assert shown(first) == [("gpt-3", "GPT-3"), ("nlp", "nlp")]
    assert shown(second) == [("gpt-3", "GPT-3")]

    tag.delete()
    assert shown(first) == [("nlp", "nlp")]
    assert shown(second) == []
    assert shown(untouched) == [("vision", "vision")]


def test_a_tagging_moved_to_another_item_leaves_the_first():
    first, second = NewsItemFactory(tags=["robots"]), NewsItemFactory()
    tagging = TaggedItem.objects.get(object_id=first.pk)
    tagging.object_id = second.pk
    tagging.save()
    assert shown(first) == []
    assert shown(second) == [("robots", "robots")]


def test_saving_an_instance_loaded_before_a_change_does_not_bring_back_its_old_tags():
    item = NewsItemFactory(tags=["vision"])
    loaded_earlier = NewsItem.objects.get(pk=item.pk)
    item.tags.add("robots")
    loaded_earlier.title = "A new title"
    loaded_earlier.save()
    assert stored(item) == truth(item) == [["vision", "vision"], ["robots", "robots"]]


def test_a_rolled_back_change_leaves_the_copy_as_it_was():
    from django.db import transaction

    item = NewsItemFactory(tags=["vision"])
    with pytest.raises(RuntimeError), transaction.atomic():
        item.tags.add("robots")
        raise RuntimeError
    assert stored(item) == truth(item) == [["vision", "vision"]]


def test_tags_changed_in_the_admin_show_on_the_public_issue_page(instructor_client, client):
    issue = WeeklyIssueFactory()
    item = NewsItemFactory(issue=issue, position=1, tags=["old-tag"])
    data = item_form(issue, item.category, title=item.title, link=item.link, tags="hardware, gpus")
    response = instructor_client.post(reverse("admin:items_newsitem_change", args=[item.pk]), data)
    assert response.status_code == 302
    assert sorted(name for _, name in stored(item)) == ["gpus", "hardware"]

    client.logout()
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "#hardware" in page and "#gpus" in page
    assert "old-tag" not in page


def test_renaming_a_tag_in_the_admin_shows_on_the_item_page(instructor_client):
    item = NewsItemFactory(tags=["gpt3"])
    tag = Tag.objects.get(name="gpt3")
    tagging = TaggedItem.objects.get(tag=tag)
    inline = "taggit_taggeditem_items"
    response = instructor_client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        {
            "name": "GPT-3",
            "slug": "gpt-3",
            f"{inline}-TOTAL_FORMS": "1",
            f"{inline}-INITIAL_FORMS": "1",
            f"{inline}-0-id": str(tagging.pk),
            f"{inline}-0-tag": str(tag.pk),
            f"{inline}-0-content_type": str(tagging.content_type_id),
            f"{inline}-0-object_id": str(item.pk),
        },
    )
    assert response.status_code == 302
    page = instructor_client.get(item.get_absolute_url()).content.decode()
    assert "#GPT-3" in page and "?tag=gpt-3" in page


def test_pages_read_items_with_their_tags_in_one_query(django_assert_num_queries):
    issue = WeeklyIssueFactory()
    for n in (1, 2):
        NewsItemFactory(issue=issue, position=n, tags=[f"tag-{n}", "shared"])
    with django_assert_num_queries(2):  # the issue, its items (with their tags and media)
        items = WeeklyIssue.objects.with_items().get(pk=issue.pk).item_list
        slugs = [[tag.slug for tag in item.tag_list] for item in items]
    assert slugs == [["tag-1", "shared"], ["tag-2", "shared"]]


def test_refresh_all_and_the_migration_rebuild_copies_from_the_taggings():
    items = [NewsItemFactory(tags=["vision", f"only-{n}"]) for n in range(3)]
    expected = [truth(item) for item in items]

    NewsItem.objects.update(listed_tags=[])
    listed_tags.refresh_all(batch=2)
    assert [stored(item) for item in items] == expected

    NewsItem.objects.update(listed_tags=[])
    migration = __import__("items.migrations.0005_item_listed_tags", fromlist=["copy_tags"])
    migration.copy_tags(apps, None)
    assert [stored(item) for item in items] == expected
