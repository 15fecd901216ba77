import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from PIL import Image

from items.models import Discussion, Media, NewsItem, WeeklyIssue
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    DiscussionFactory,
    InsightFactory,
    MediaFactory,
    NewsItemFactory,
    WeeklyIssueFactory,
    png_upload,
)

pytestmark = pytest.mark.django_db


def test_issue_slug_comes_from_its_date():
    issue = WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 18))
    assert issue.slug == "2020-09-18"
    assert issue.get_absolute_url() == "/issues/2020-09-18/"
    assert str(issue) == "ML Weekly (Fri 18 Sep 2020)"


def test_published_is_the_one_door():
    public = WeeklyIssueFactory()
    WeeklyIssueFactory(draft=True)
    WeeklyIssueFactory(scheduled=True)
    assert list(WeeklyIssue.objects.published()) == [public]


def test_items_of_unpublished_issues_are_not_published():
    visible = NewsItemFactory()
    NewsItemFactory(issue=WeeklyIssueFactory(draft=True))
    NewsItemFactory(issue=WeeklyIssueFactory(scheduled=True))
    assert list(NewsItem.objects.published()) == [visible]


def test_scheduled_issue_becomes_public_when_its_time_comes():
    issue = WeeklyIssueFactory(published_at=timezone.now() + datetime.timedelta(minutes=5))
    assert issue.is_scheduled and not WeeklyIssue.objects.published().exists()
    WeeklyIssue.objects.filter(pk=issue.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert WeeklyIssue.objects.published().get() == issue


def test_database_refuses_two_items_with_one_number():
    item = NewsItemFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        NewsItem.objects.create(issue=item.issue, position=1, category=item.category, title="Again")


def test_database_refuses_blank_titles():
    item = NewsItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        NewsItem.objects.filter(pk=item.pk).update(title="   ")


def test_published_issue_needs_a_publish_time_in_the_database():
    issue = WeeklyIssueFactory(draft=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyIssue.objects.filter(pk=issue.pk).update(status="published", published_at=None)


def test_media_is_an_upload_or_a_url_never_both_or_neither():
    item = NewsItemFactory()
    with pytest.raises(ValidationError):
        Media(item=item, alt_text="x", position=1).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Media.objects.create(item=item, alt_text="x", position=1)


def test_uploads_are_thumbnailed_for_readers():
    media = MediaFactory(image=png_upload(size=(1600, 1000)))
    with Image.open(media.thumbnail.path) as small, Image.open(media.thumbnail_large.path) as large:
        assert (small.format, small.size) == ("WEBP", (480, 300))
        assert large.size == (960, 600)
    assert (media.width, media.height) == (960, 600)


def test_uploads_lose_their_exif_location_data():
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("holiday.jpg", buffer.getvalue(), content_type="image/jpeg")
    media = MediaFactory(image=upload)
    with Image.open(media.image.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
    assert b"SecretCameraMaker" not in media.image.open("rb").read()


def test_deleting_a_category_in_use_is_refused():
    item = NewsItemFactory()
    with pytest.raises(ProtectedError):
        item.category.delete()


def test_deleting_an_issue_never_silently_erases_its_discussion():
    issue = WeeklyIssueFactory()
    discussion = DiscussionFactory(issue=issue)
    CommentFactory(discussion=discussion)
    with pytest.raises(ProtectedError):
        issue.delete()
    with pytest.raises(ProtectedError):
        discussion.delete()
    assert Discussion.objects.filter(pk=discussion.pk).exists()


def test_deleting_a_user_keeps_their_comments():
    comment = CommentFactory()
    comment.author.delete()
    comment.refresh_from_db()
    assert comment.author is None
    assert "[deleted user]" in str(comment)


def test_discussion_about_unpublished_issue_is_not_public():
    DiscussionFactory(issue=WeeklyIssueFactory(draft=True))
    public = DiscussionFactory(issue=WeeklyIssueFactory())
    general = DiscussionFactory()
    assert set(Discussion.objects.published()) == {public, general}


def test_every_model_has_a_readable_string_and_address():
    item = NewsItemFactory(title="Hello", position=3, category=CategoryFactory(label="NLP", name="NLP"))
    media = MediaFactory(item=item, subfigure_label="(a)", caption="Cap")
    insight = InsightFactory(number=2, headline="growing exponentially")
    discussion = DiscussionFactory(title="Open Discussion", slug="open-discussion")
    assert str(item) == "3. (NLP) Hello"
    assert str(media) == "(a) Photo: Cap"
    assert str(insight) == "Insight 2: growing exponentially"
    assert str(discussion) == "Open Discussion"
    assert item.get_absolute_url() == f"/items/{item.pk}-hello/"
    assert item.category.get_absolute_url() == "/categories/nlp/"
    assert insight.get_absolute_url() == "/insights/#insight-2"
    assert discussion.get_absolute_url() == "/discussion/open-discussion/"
