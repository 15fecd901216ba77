"""The Jinja2 environment of the templates in templates/jinja2/ (see TEMPLATES in settings).

It offers what those templates use from Django: ``url()`` (``reverse``, as ``items.links``
keeps it) and the date filters of ``items.dates`` (``moment``, ``iso``, and ``naturaltime`` as
humanize writes it), which take the page's ``Clock``: ``{{ created|naturaltime(clock) }}``.
Undefined names are errors, so a misspelt field fails a test rather than showing an empty string.
"""

from django.template.defaultfilters import linebreaks_filter, urlencode
from django.template.loader import get_template
from jinja2 import Environment, StrictUndefined

from items import dates, links


def environment(**options):
    options["undefined"] = StrictUndefined
    # Keep a template's last newline, as Django's engine does.
    options.setdefault("keep_trailing_newline", True)
    env = Environment(**options)
    env.globals["url"] = links.url
    env.filters.update(
        moment=dates.moment,
        iso=dates.iso,
        naturaltime=dates.naturaltime,
        day=dates.day_tag,
        urlencode=urlencode,
        linebreaks=linebreaks_filter,
    )
    return env


def macro(template_name, name):
    """The macro ``name`` of a template in templates/jinja2/, to call from Python.

    A macro call skips a template's per-render setup: what a page repeats per row (comments,
    item cards and rows) is a macro called from Python or from a ``{% load board %}`` tag.
    """
    return getattr(get_template(template_name, using="jinja2").template.module, name)
