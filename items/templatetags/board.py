"""Template filters of the board: ``{% load board %}``."""

from django import template
from django.utils.safestring import mark_safe

from items import dates, links
from newsboard.jinja2 import macro

register = template.Library()


@register.filter
def day(value):
    """An issue's date as ``<time datetime="2020-09-18">Fri 18 Sep 2020</time>``.

    The same text as ``date:"Y-m-d"`` and ``date:"D j M Y"``, which with the include that held
    them cost about 70 µs a date; a listing shows one a row.
    """
    if not value:
        return ""
    # Digits and the language's day and month names: nothing to escape.
    return mark_safe(f'<time datetime="{value.isoformat()}">{dates.day(value)}</time>')  # noqa: S308


@register.simple_tag
def link(name, *args, **kwargs):
    """``{% url %}`` for the board's own pages, as ``items.links`` keeps it: ``{% link "items:home" %}``.

    A page's navigation alone reversed nine names on each request (about a third of the base
    template's cost); ``{% url %}`` stays for pages rendered seldom.
    """
    return links.url(name, *args, **kwargs)


LISTING = "items/_listing.html"  # Jinja2 (templates/jinja2/): a card as Django includes cost ~0.3 ms


@register.simple_tag
def item_cards(items):
    """An issue's items as numbered cards: the ``<li>`` of an ``<ol class="items">``."""
    return macro(LISTING, "cards")(items)


@register.simple_tag
def item_rows(items):
    """Items as one-line rows: the ``<li>`` of a ``<ul class="item-rows">``."""
    return macro(LISTING, "rows")(items)


@register.simple_tag
def issue_rows(issues):
    """Issues as rows (see ``attach_listing`` for what each needs)."""
    return macro(LISTING, "issue_rows")(issues)


@register.simple_tag
def item_excerpt(item):
    return macro(LISTING, "excerpt")(item)


@register.simple_tag
def item_media(media_list):
    return macro(LISTING, "media")(media_list)


@register.simple_tag
def item_tags(tags):
    return macro(LISTING, "tags")(tags)


@register.simple_tag
def category_choices(categories, selected):
    """/items/' category checkboxes, ``selected`` (slugs) checked: the ``<li>`` of a list."""
    return macro(LISTING, "category_choices")(categories, selected)


@register.simple_tag
def tag_choices(tags, selected):
    """/items/' tag checkboxes, as ``category_choices``."""
    return macro(LISTING, "tag_choices")(tags, selected)
