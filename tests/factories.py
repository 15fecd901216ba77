"""factory_boy factories for every model the tests build."""

import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from items.models import Category, Comment, Discussion, Insight, Media, NewsItem, WeeklyIssue


def png_upload(name="picture.png", size=(64, 48), color="#3366cc", fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"student{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.edu")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class InstructorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"instructor{n}")
    is_staff = True

    @factory.post_generation
    def instructors_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Instructors"))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["label"]

    label = factory.Sequence(lambda n: f"C{n}")
    name = factory.LazyAttribute(lambda c: f"Category {c.label}")
    slug = factory.LazyAttribute(lambda c: c.label.lower())
    display_order = factory.Sequence(lambda n: n)


class WeeklyIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyIssue

    issue_date = factory.Sequence(lambda n: datetime.date(2020, 9, 18) + datetime.timedelta(weeks=n))
    status = WeeklyIssue.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    class Params:
        draft = factory.Trait(status=WeeklyIssue.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
        )


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem
        skip_postgeneration_save = True

    issue = factory.SubFactory(WeeklyIssueFactory)
    position = factory.Sequence(lambda n: n + 1)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"News item number {n}")
    link = factory.Sequence(lambda n: f"https://example.org/story/{n}")

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class MediaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Media

    item = factory.SubFactory(NewsItemFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = Media.Kind.PHOTO
    image = factory.LazyFunction(png_upload)
    alt_text = "A test picture"
    caption = "A caption"


class InsightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Insight

    number = factory.Sequence(lambda n: n + 1)
    headline = factory.Sequence(lambda n: f"Insight headline {n}")
    body = "Body of the insight."
    is_published = True


class DiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discussion

    title = factory.Sequence(lambda n: f"Discussion {n}")
    slug = factory.Sequence(lambda n: f"discussion-{n}")
    prompt = "What do you think?"


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    discussion = factory.SubFactory(DiscussionFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}")
    body_html = factory.LazyAttribute(lambda c: f"<p>{c.body}</p>")


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "items.Profile"
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Reader {n}")
