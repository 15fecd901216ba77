"""Dates as comments show them, fast: the same text as Django's filters, a fraction of the work.

A thread shows two or three dates for each of its comments. Django's ``date`` filter parses
its format string and looks up translated day and month names on every call (about 24 µs for
"D j M Y, H:i"); humanize's ``naturaltime`` formats translated phrases on every call. A
``Clock`` reads the time, the time zone and the language once and writes exactly the same text
(``tests/test_dates.py`` compares it with the filters). The module's functions, Jinja2 filters
too (``{{ created|moment(clock) }}``), ask a given clock or a new one.
"""

from datetime import UTC, date, datetime
from functools import lru_cache

from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import avoid_wrapping
from django.utils.safestring import mark_safe
from django.utils.timesince import MONTHS_DAYS, TIME_CHUNKS, TIME_STRINGS_KEYS
from django.utils.timezone import is_aware
from django.utils.translation import gettext


@lru_cache(maxsize=16)
def _names(language):
    """Abbreviated day names (Monday first) and month names in ``language``, as the filter writes them."""
    with translation.override(language):
        days = [str(WEEKDAYS_ABBR[d]) for d in range(7)]
        months = [""] + [str(MONTHS_3[m]).title() for m in range(1, 13)]
    return days, months


class Clock:
    """The current time, time zone and language, read once for many dates (a thread's).

    Reading the time zone and the language is a context-local lookup each; a comment's three
    dates read them seven times. The comments of one page also share one "now", so two posted
    together never read "1 minute ago" and "2 minutes ago".
    """

    def __init__(self):
        self.now = datetime.now(UTC)
        self.zone = timezone.get_current_timezone()
        self.language = translation.get_language()
        self.days, self.months = _names(self.language)

    def moment(self, value):
        """``value|date:"D j M Y, H:i"``: "Fri 18 Sep 2020, 14:05", in the current time zone."""
        value = timezone.localtime(value, self.zone)
        return f"{_day(value, self.days, self.months)}, {value.hour:02}:{value.minute:02}"

    def iso(self, value):
        """``value|date:"c"``: ISO 8601 in the current time zone, for ``<time datetime>``."""
        return timezone.localtime(value, self.zone).isoformat()

    def naturaltime(self, value):
        """``value|naturaltime``: "5 minutes ago", "1 month, 2 weeks ago", as humanize writes it.

        ``NaturalTimeFormatter.string_for``'s arithmetic, and ``timesince``'s for more than a
        day, with each translated phrase formatted once per language and number.
        """
        if not isinstance(value, date):
            return value
        now = self.now if is_aware(value) else datetime.now()
        past = value < now
        delta = now - value if past else value - now
        direction = "past" if past else "future"
        if delta.days != 0:
            span = _span(value, now, reverse=not past, group=direction, language=self.language)
            return _formatted("time", f"{direction}-day", self.language, "delta", span)
        if delta.seconds == 0:
            return _formatted("time", "now", self.language)
        if delta.seconds < 60:
            return _formatted("time", f"{direction}-second", self.language, "count", delta.seconds)
        if delta.seconds // 60 < 60:
            return _formatted("time", f"{direction}-minute", self.language, "count", delta.seconds // 60)
        return _formatted("time", f"{direction}-hour", self.language, "count", delta.seconds // 60 // 60)


def day(value):
    """``value|date:"D j M Y"`` for a date: "Fri 18 Sep 2020" ("" for none)."""
    if not value:
        return ""
    return _day(value, *_names(translation.get_language()))


def day_tag(value):
    """An issue's date as ``<time datetime="2020-09-18">Fri 18 Sep 2020</time>`` (the ``day`` filter).

    The same text as ``date:"Y-m-d"`` and ``date:"D j M Y"``, which with the include that held
    them cost about 70 µs a date; a listing shows one a row.
    """
    if not value:
        return ""
    # Digits and the language's day and month names: nothing to escape.
    return mark_safe(f'<time datetime="{value.isoformat()}">{day(value)}</time>')  # noqa: S308


def _day(value, days, months):
    return f"{days[value.weekday()]} {value.day} {months[value.month]} {value.year}"


def moment(value, clock=None):
    """``value|date:"D j M Y, H:i"`` (see ``Clock.moment``), by ``clock`` or a new one."""
    return (clock or Clock()).moment(value)


def iso(value, clock=None):
    """``value|date:"c"`` (see ``Clock.iso``), by ``clock`` or a new one."""
    return (clock or Clock()).iso(value)


def naturaltime(value, clock=None):
    """``value|naturaltime`` (see ``Clock.naturaltime``), by ``clock`` or a new one."""
    return (clock or Clock()).naturaltime(value)


_GROUPS = {
    "time": NaturalTimeFormatter.time_strings,
    "past": NaturalTimeFormatter.past_substrings,
    "future": NaturalTimeFormatter.future_substrings,
}


@lru_cache(maxsize=4096)
def _formatted(group, name, language, key=None, value=None):
    """One of humanize's phrases, translated and formatted, once per language and value."""
    # ``language`` is the active language: it is part of the key, not an argument to use.
    phrase = _GROUPS[group][name]
    return str(phrase % {key: value} if key else phrase)


@lru_cache(maxsize=4096)
def _joined(group, language, parts):
    """``timesince``'s text for ``parts`` ((unit, count), ...), e.g. "1 month, 2 weeks"."""
    phrases = (_formatted(group, unit, language, "num", n) for unit, n in parts)
    return gettext(", ").join(avoid_wrapping(phrase) for phrase in phrases)


def _span(d, now, *, reverse, group, language, depth=2):
    """``timesince(d, now)`` (``timeuntil`` with ``reverse``): the same arithmetic, phrases formatted once."""
    if is_aware(now) and is_aware(d):
        now = now.astimezone(d.tzinfo)
    if reverse:
        d, now = now, d
    delta = now - d
    if delta.days * 24 * 60 * 60 + delta.seconds <= 0:
        return _joined(group, language, (("minute", 0),))
    # Whole months between the two, then what remains after a pivot that many months on.
    total_months = (now.year - d.year) * 12 + (now.month - d.month)
    if d.day > now.day or (d.day == now.day and d.time() > now.time()):
        total_months -= 1
    years, months = divmod(total_months, 12)
    pivot = d
    if years or months:
        pivot_year, pivot_month = d.year + years, d.month + months
        if pivot_month > 12:
            pivot_year, pivot_month = pivot_year + 1, pivot_month - 12
        day_ = min(MONTHS_DAYS[pivot_month - 1], d.day)
        pivot = datetime(pivot_year, pivot_month, day_, d.hour, d.minute, d.second, tzinfo=d.tzinfo)
    remaining = (now - pivot).total_seconds()
    partials = [years, months]
    for chunk in TIME_CHUNKS:
        count = int(remaining // chunk)
        partials.append(count)
        remaining -= chunk * count
    first = next((i for i, n in enumerate(partials) if n != 0), None)
    if first is None:
        return _joined(group, language, (("minute", 0),))
    parts = []
    shown = slice(first, first + depth)
    for unit, n in zip(TIME_STRINGS_KEYS[shown], partials[shown], strict=True):
        if n == 0:
            break
        parts.append((unit, n))
    return _joined(group, language, tuple(parts))
