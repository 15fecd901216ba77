"""Dates as comments show them, fast: the same text as Django's ``date`` filter, a tenth of the work.

A thread shows two or three dates for each of its comments. Django's ``date`` filter parses
its format string and looks up translated day and month names on every call (about 24 µs for
"D j M Y, H:i"); these functions produce exactly the same text, in the current time zone and
language (``tests/test_dates.py`` compares them with the filter).
"""

from datetime import UTC, date, datetime
from functools import lru_cache

from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.timesince import timesince, timeuntil
from django.utils.timezone import is_aware


@lru_cache(maxsize=16)
def _names(language):
    """Abbreviated day names (Monday first) and month names in ``language``, as the filter writes them."""
    with translation.override(language):
        days = [str(WEEKDAYS_ABBR[d]) for d in range(7)]
        months = [""] + [str(MONTHS_3[m]).title() for m in range(1, 13)]
    return days, months


def day(value):
    """``value|date:"D j M Y"`` for a date: "Fri 18 Sep 2020"."""
    days, months = _names(translation.get_language())
    return f"{days[value.weekday()]} {value.day} {months[value.month]} {value.year}"


def moment(value):
    """``value|date:"D j M Y, H:i"``: "Fri 18 Sep 2020, 14:05", in the current time zone."""
    value = timezone.localtime(value)
    return f"{day(value)}, {value:%H:%M}"


def iso(value):
    """``value|date:"c"``: ISO 8601 in the current time zone, for ``<time datetime>``."""
    return timezone.localtime(value).isoformat()


class _Phrase:
    """One of humanize's phrases; ``%`` formats it once per language and value, then remembers."""

    def __init__(self, group, name):
        self.group, self.name = group, name

    def __mod__(self, params):
        ((key, value),) = params.items()
        return _formatted(self.group, self.name, translation.get_language(), key, value)


_GROUPS = {
    "time": NaturalTimeFormatter.time_strings,
    "past": NaturalTimeFormatter.past_substrings,
    "future": NaturalTimeFormatter.future_substrings,
}
_TIME, _PAST, _FUTURE = ({name: _Phrase(group, name) for name in _GROUPS[group]} for group in _GROUPS)


@lru_cache(maxsize=4096)
def _formatted(group, name, language, key=None, value=None):
    # ``language`` is the active language: it is part of the key, not an argument to use.
    phrase = _GROUPS[group][name]
    return str(phrase % {key: value} if key else phrase)


def naturaltime(value):
    """``value|naturaltime``: "5 minutes ago", "1 month, 2 weeks ago", exactly as humanize writes it.

    The same arithmetic as ``NaturalTimeFormatter.string_for`` (humanize's filter), with each
    translated phrase formatted once per language and number instead of on every call, which was
    about half of a comment's rendering (``tests/test_dates.py`` compares the two).
    """
    if not isinstance(value, date):
        return value
    now = datetime.now(UTC if is_aware(value) else None)
    past = value < now
    delta = now - value if past else value - now
    direction, strings = ("past", _PAST) if past else ("future", _FUTURE)
    if delta.days != 0:
        span = (timesince if past else timeuntil)(value, now, time_strings=strings)
        return _TIME[f"{direction}-day"] % {"delta": span}
    if delta.seconds == 0:
        return _formatted("time", "now", translation.get_language())
    if delta.seconds < 60:
        return _TIME[f"{direction}-second"] % {"count": delta.seconds}
    if delta.seconds // 60 < 60:
        return _TIME[f"{direction}-minute"] % {"count": delta.seconds // 60}
    return _TIME[f"{direction}-hour"] % {"count": delta.seconds // 60 // 60}
