"""The Jinja2 environment of the templates in templates/jinja2/ (see TEMPLATES in settings).

It offers what those templates use from Django: ``url()`` (``reverse``, as ``items.links``
keeps it) and the date filters of ``items.dates`` (``moment``, ``iso``, and ``naturaltime`` as
humanize writes it), which take the page's ``Clock``: ``{{ created|naturaltime(clock) }}``.
Undefined names are errors, so a misspelt field fails a test rather than showing an empty string.
"""

from jinja2 import Environment, StrictUndefined

from items import dates, links


def environment(**options):
    options["undefined"] = StrictUndefined
    # Keep a template's last newline, as Django's engine does.
    options.setdefault("keep_trailing_newline", True)
    env = Environment(**options)
    env.globals["url"] = links.url
    env.filters.update(moment=dates.moment, iso=dates.iso, naturaltime=dates.naturaltime)
    return env
