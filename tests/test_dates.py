"""items.dates writes exactly what Django's date filter writes, in the reader's time zone and language."""

import datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.utils import timezone, translation

from items import dates
from tests.factories import CommentFactory, DiscussionFactory

UTC = datetime.UTC
# A year of moments every 7 h 13 min: every weekday, month, both DST changes in Toronto, midnight.
START = datetime.datetime(2020, 1, 1, 0, 30, tzinfo=UTC)
MOMENTS = [START + datetime.timedelta(minutes=433 * n) for n in range(1250)]
MOMENTS += [
    datetime.datetime(2020, 3, 8, 6, 59, tzinfo=UTC),  # 01:59 EST, the minute before clocks go forward
    datetime.datetime(2020, 3, 8, 7, 0, tzinfo=UTC),
    datetime.datetime(2020, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT, then the same hour again in EST
    datetime.datetime(2020, 11, 1, 6, 30, tzinfo=UTC),
    datetime.datetime(2020, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
]


@pytest.mark.parametrize("zone", ["America/Toronto", "UTC", "Asia/Kolkata"])
def test_moment_and_iso_equal_the_date_filter_in_every_zone(zone):
    with timezone.override(zone):
        for moment in MOMENTS:
            local = timezone.localtime(moment)  # what Django's engine hands the filter
            assert dates.moment(moment) == date_filter(local, "D j M Y, H:i")
            assert dates.iso(moment) == date_filter(local, "c")


@pytest.mark.parametrize("language", ["en-ca", "fr", "de"])
def test_day_and_month_names_follow_the_language(language):
    with translation.override(language):
        for moment in MOMENTS[:60]:
            assert dates.moment(moment) == date_filter(timezone.localtime(moment), "D j M Y, H:i")


@pytest.mark.django_db
def test_a_comment_shows_its_time_in_the_course_time_zone(settings):
    settings.TIME_ZONE = "America/Toronto"
    discussion = DiscussionFactory()
    comment = CommentFactory(discussion=discussion)
    moment = datetime.datetime(2020, 12, 4, 15, 5, tzinfo=UTC)
    type(comment).objects.filter(pk=comment.pk).update(created_at=moment)

    html = Client().get(discussion.get_absolute_url()).content.decode()

    assert '<time datetime="2020-12-04T10:05:00-05:00" title="Fri 4 Dec 2020, 10:05">' in html
    assert "(Fri 4 Dec 2020, 10:05)" in html


# Ages from a second to years, either side of now, across month ends and a leap day.
NOW = datetime.datetime(2024, 3, 1, 12, 0, 30, tzinfo=UTC)
AGES = [datetime.timedelta(seconds=s) for s in (0, 1, 59, 60, 61, 3599, 3600, 3661, 86399, 86400)]
AGES += [datetime.timedelta(minutes=397 * n + 7, seconds=n % 60) for n in range(1, 400)]
DAYS = (1, 6, 7, 13, 29, 30, 31, 59, 365, 366, 800)
AGES += [datetime.timedelta(days=d, hours=h) for d in DAYS for h in (0, 5)]


class FrozenDatetime(datetime.datetime):
    """``datetime.now()`` answers NOW, in both modules, so both filters see the same moment."""

    @classmethod
    def now(cls, tz=None):
        return NOW if tz else NOW.replace(tzinfo=None)


@pytest.mark.parametrize("language", ["en-ca", "fr", "de"])
def test_naturaltime_equals_humanize_in_the_past_and_future(language, monkeypatch):
    from django.contrib.humanize.templatetags import humanize

    monkeypatch.setattr(humanize, "datetime", FrozenDatetime)
    monkeypatch.setattr(dates, "datetime", FrozenDatetime)
    with translation.override(language):
        for age in AGES:
            for moment in (NOW - age, NOW + age, (NOW - age).replace(tzinfo=None)):
                assert dates.naturaltime(moment) == humanize.naturaltime(moment), (language, moment)
    assert dates.naturaltime("not a date") == "not a date"


def test_naturaltime_follows_the_language_after_formatting_once(monkeypatch):
    monkeypatch.setattr(dates, "datetime", FrozenDatetime)
    moment = NOW - datetime.timedelta(minutes=5)
    with translation.override("en"):
        english = dates.naturaltime(moment)
    with translation.override("fr"):
        french = dates.naturaltime(moment)
    assert english == "5\xa0minutes ago"
    assert french != english and "5" in french


def test_a_clock_keeps_the_moment_zone_and_language_it_was_made_in():
    with timezone.override("America/Toronto"), translation.override("fr"):
        clock = dates.Clock()
        shown = date_filter(timezone.localtime(NOW), "D j M Y, H:i")
    clock.now = NOW
    moment = NOW - datetime.timedelta(days=40)
    with timezone.override("UTC"), translation.override("en"):
        assert dates.naturaltime(moment, clock) == "il y a 1\xa0mois, 1\xa0semaine"
        assert dates.moment(NOW, clock) == shown == "ven 1 Mar 2024, 07:00"
        assert dates.iso(NOW, clock) == "2024-03-01T07:00:30-05:00"
        assert dates.naturaltime(moment) != dates.naturaltime(moment, clock)


@pytest.mark.parametrize("language", ["en-ca", "fr", "de"])
def test_the_day_filters_write_what_the_date_filter_wrote(language):
    from items.templatetags.board import day, day_text

    with translation.override(language):
        for moment in MOMENTS[::5]:
            value = moment.date()
            shown = date_filter(value, "D j M Y")
            assert day(value) == f'<time datetime="{date_filter(value, "Y-m-d")}">{shown}</time>'
            assert day_text(value) == shown
    assert day(None) == day_text(None) == ""
