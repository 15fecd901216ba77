"""items.links keeps reverse()'s answers, and keys them by everything reverse() depends on."""

from django.urls import reverse, set_script_prefix
from django.urls.base import get_script_prefix

from items import links


def test_links_equal_reverse_for_names_args_and_kwargs():
    assert links.url("items:home") == reverse("items:home")
    assert links.url("items:item_detail", pk=7, slug="a-b") == reverse(
        "items:item_detail", kwargs={"pk": 7, "slug": "a-b"}
    )
    assert links.url("items:comment_edit", 12) == reverse("items:comment_edit", args=[12])


def test_a_script_prefix_is_honoured_after_the_plain_url_was_kept():
    plain = links.url("items:insight_list")
    previous = get_script_prefix()
    set_script_prefix("/course/")
    try:
        assert links.url("items:insight_list") == "/course" + plain == reverse("items:insight_list")
    finally:
        set_script_prefix(previous)
    assert links.url("items:insight_list") == plain


def test_another_urlconf_is_honoured(settings):
    before = links.url("items:home")
    settings.ROOT_URLCONF = "tests.urls_prefixed"
    assert links.url("items:home") == reverse("items:home") == "/board" + before


def test_the_link_tag_writes_what_the_url_tag_writes():
    from django.template import engines

    django_engine = engines["django"]
    tags = '{% TAG "items:item_detail" pk=3 slug="a-b" %} {% TAG "items:home" as home %}[{{ home }}]'
    by_link = django_engine.from_string("{% load board %}" + tags.replace("TAG", "link")).render({})
    by_url = django_engine.from_string(tags.replace("TAG", "url")).render({})
    assert by_link == by_url == "/items/3-a-b/ [/]"
