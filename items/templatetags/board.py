"""Template filters of the board: ``{% load board %}``."""

from django import template

from items import dates, links
from newsboard.jinja2 import macro

register = template.Library()


# {{ issue.issue_date|day }}: an issue's date as <time datetime="2020-09-18">Fri 18 Sep 2020</time>.
day = register.filter("day", dates.day_tag)
# {{ issue.issue_date|day_text }}: the same date as text alone, "Fri 18 Sep 2020", for titles and
# links (what ``date:"D j M Y"`` writes, without parsing the format on every call).
day_text = register.filter("day_text", dates.day)


@register.simple_tag
def link(name, *args, **kwargs):
    """``{% url %}`` for the board's own pages, as ``items.links`` keeps it: ``{% link "items:home" %}``.

    A page's navigation alone reversed nine names on each request (about a third of the base
    template's cost); ``{% url %}`` stays for pages rendered seldom.
    """
    return links.url(name, *args, **kwargs)


LISTING = "items/_listing.html"


@register.simple_tag
def listing(name, *args):
    """A macro of ``templates/jinja2/items/_listing.html``: ``{% listing "rows" page_obj %}``.

    What pages repeat per item or per issue (cards, rows, tags, media, the filter's checkboxes)
    is drawn there, in Jinja2: as Django includes a card cost ~0.3 ms, and each variable ~4 µs.
    """
    return macro(LISTING, name)(*args)
