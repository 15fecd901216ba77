"""The Jinja2 environment of the templates in templates/jinja2/ (see TEMPLATES in settings).

It offers what those templates use from Django: ``url()`` (``reverse``), the ``naturaltime``
filter, and the dates of ``items.dates``. Undefined names are errors, so a misspelt field
fails a test rather than showing an empty string.
"""

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.urls import reverse
from jinja2 import Environment, StrictUndefined

from items import dates


def url(name, *args):
    return reverse(name, args=args)


def environment(**options):
    options["undefined"] = StrictUndefined
    # Keep a template's last newline, as Django's engine does.
    options.setdefault("keep_trailing_newline", True)
    env = Environment(**options)
    env.globals["url"] = url
    env.filters.update(moment=dates.moment, iso=dates.iso, naturaltime=naturaltime)
    return env
