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
