"""The instructor's admin, driven through its forms the way a browser posts them."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from items import services
from items.models import Comment, Media, ModerationAction, NewsItem, WeeklyIssue
from tests.admin_forms import issue_form, item_form, media_row
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    InsightFactory,
    MediaFactory,
    NewsItemFactory,
    WeeklyIssueFactory,
    png_upload,
)

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_instructor_creates_an_issue_with_three_items_then_adds_media(instructor_client):
    dl, nlp = CategoryFactory(label="DL"), CategoryFactory(label="NLP")
    rows = [
        {
            "position": "1",
            "category": str(dl.pk),
            "title": "NVIDIA apologizes",
            "link": "https://example.org/a",
        },
        {"position": "2", "category": str(nlp.pk), "title": "GPT-3 fake blog posts", "link": ""},
        {"position": "3", "category": str(nlp.pk), "title": "Sneak bad words past AI filters", "link": ""},
    ]
    response = instructor_client.post(reverse("admin:items_weeklyissue_add"), issue_form(items=rows))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    issue = WeeklyIssue.objects.get()
    assert [i.title for i in issue.items.order_by("position")] == [r["title"] for r in rows]
    assert issue.status == "draft"

    item = issue.items.get(position=1)
    data = item_form(
        issue,
        dl,
        title=item.title,
        position=1,
        link=item.link,
        tags="hardware, gpus",
        media=[
            media_row(
                png_upload(),
                alt_text="A graphics card",
                caption="RTX 3080",
                subfigure_label="(a)",
                credit="stevekc",
                licence="CC-BY-NC",
            )
        ],
    )
    response = instructor_client.post(reverse("admin:items_newsitem_change", args=[item.pk]), data)
    assert response.status_code == 302
    media = Media.objects.get()
    assert (media.item, media.credit, media.subfigure_label) == (item, "stevekc", "(a)")
    assert media.thumbnail
    assert sorted(item.tags.names()) == ["gpus", "hardware"]


def test_instructor_reorders_items_by_swapping_numbers(instructor_client):
    issue = WeeklyIssueFactory(draft=True)
    first = NewsItemFactory(issue=issue, position=1, title="First")
    second = NewsItemFactory(issue=issue, position=2, title="Second")
    third = NewsItemFactory(issue=issue, position=3, title="Third")
    rows = [
        {
            "id": str(item.pk),
            "issue": str(issue.pk),
            "position": str(pos),
            "category": str(item.category.pk),
            "title": item.title,
            "link": item.link,
            "source": "",
        }
        for item, pos in [(first, 3), (second, 1), (third, 2)]
    ]
    data = issue_form(issue_date=issue.issue_date.isoformat(), items=rows, initial=3)
    response = instructor_client.post(reverse("admin:items_weeklyissue_change", args=[issue.pk]), data)
    assert response.status_code == 302
    assert list(issue.items.order_by("position").values_list("title", flat=True)) == [
        "Second",
        "Third",
        "First",
    ]


def test_duplicate_number_in_an_issue_is_a_form_error_and_loses_nothing(instructor_client):
    issue = WeeklyIssueFactory(draft=True)
    a = NewsItemFactory(issue=issue, position=1, title="Kept A")
    b = NewsItemFactory(issue=issue, position=2, title="Kept B")
    rows = [
        {
            "id": str(item.pk),
            "issue": str(issue.pk),
            "position": "1",
            "category": str(item.category.pk),
            "title": item.title + " edited",
            "link": item.link,
            "source": "",
        }
        for item in (a, b)
    ]
    data = issue_form(issue_date=issue.issue_date.isoformat(), items=rows, initial=2)
    response = instructor_client.post(reverse("admin:items_weeklyissue_change", args=[issue.pk]), data)
    assert response.status_code == 200
    assert "Two items have the same number." in response.content.decode()
    assert "Kept A edited" in response.content.decode()  # what was typed is still in the form
    assert set(NewsItem.objects.values_list("title", "position")) == {("Kept A", 1), ("Kept B", 2)}


def test_standalone_item_taking_a_used_number_gets_a_clear_error(instructor_client):
    issue = WeeklyIssueFactory()
    NewsItemFactory(issue=issue, position=1)
    other = NewsItemFactory(issue=issue, position=2)
    data = item_form(issue, other.category, title=other.title, position=1)
    response = instructor_client.post(reverse("admin:items_newsitem_change", args=[other.pk]), data)
    assert response.status_code == 200
    assert "Another item in this issue already has this number." in response.content.decode()


def test_blank_title_is_a_form_error(instructor_client):
    category = CategoryFactory()
    data = issue_form(items=[{"position": "1", "category": str(category.pk), "title": "   ", "link": ""}])
    response = instructor_client.post(reverse("admin:items_weeklyissue_add"), data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not WeeklyIssue.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("notes.png", b"this is not a picture", content_type="image/png"),
            "Upload a valid image",
        ),
        (
            SimpleUploadedFile("script.jpg", b"<script>alert(1)</script>", content_type="image/jpeg"),
            "Upload a valid image",
        ),
    ],
)
def test_non_image_upload_is_refused_and_item_kept(instructor_client, upload, message):
    item = NewsItemFactory(title="Original title")
    data = item_form(
        item.issue,
        item.category,
        title="Changed title",
        position=item.position,
        media=[{"kind": "photo", "position": "1", "image": upload, "alt_text": "x", "external_url": ""}],
    )
    response = instructor_client.post(reverse("admin:items_newsitem_change", args=[item.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Original title" and not Media.objects.exists()


def test_oversized_image_is_refused(instructor_client, settings):
    settings.NEWSBOARD_MAX_UPLOAD_BYTES = 1000
    item = NewsItemFactory()
    data = item_form(
        item.issue,
        item.category,
        title=item.title,
        position=item.position,
        media=[
            {
                "kind": "photo",
                "position": "1",
                "image": png_upload(size=(800, 800), color="#123456"),
                "alt_text": "x",
                "external_url": "",
            }
        ],
    )
    # A flat colour compresses well; add noise so the file is really over the limit.
    response = instructor_client.post(reverse("admin:items_newsitem_change", args=[item.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "the limit is" in body
    assert not Media.objects.exists()


def test_too_many_pixels_is_refused(instructor_client, settings):
    settings.NEWSBOARD_MAX_IMAGE_PIXELS = 100
    item = NewsItemFactory()
    data = item_form(
        item.issue,
        item.category,
        title=item.title,
        position=item.position,
        media=[
            {
                "kind": "photo",
                "position": "1",
                "image": png_upload(size=(20, 20)),
                "alt_text": "x",
                "external_url": "",
            }
        ],
    )
    response = instructor_client.post(reverse("admin:items_newsitem_change", args=[item.pk]), data)
    assert response.status_code == 200
    assert "pixels allowed" in response.content.decode()


def test_media_needs_alt_text(instructor_client):
    item = NewsItemFactory()
    data = item_form(
        item.issue,
        item.category,
        title=item.title,
        position=item.position,
        media=[{"kind": "photo", "position": "1", "image": png_upload(), "alt_text": "", "external_url": ""}],
    )
    response = instructor_client.post(reverse("admin:items_newsitem_change", args=[item.pk]), data)
    assert response.status_code == 200
    assert not Media.objects.exists()


def test_deleting_a_category_in_use_is_refused_naming_the_items(instructor_client):
    item = NewsItemFactory(title="PlaNet: Photo Geolocation")
    url = reverse("admin:items_category_delete", args=[item.category.pk])
    page = instructor_client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    assert "PlaNet: Photo Geolocation" in page
    instructor_client.post(url, {"post": "yes"})
    assert NewsItem.objects.filter(pk=item.pk).exists()


def test_reused_link_warns_the_instructor(instructor_client):
    earlier = NewsItemFactory(link="https://example.org/same-story")
    later = NewsItemFactory(link="")
    data = item_form(
        later.issue,
        later.category,
        title=later.title,
        position=later.position,
        link="https://example.org/same-story",
    )
    response = instructor_client.post(
        reverse("admin:items_newsitem_change", args=[later.pk]), data, follow=True
    )
    assert any("already used in" in m and str(earlier.issue) in m for m in messages_of(response))


def test_publish_and_unpublish_actions(instructor_client):
    issue = WeeklyIssueFactory(draft=True)
    url = reverse("admin:items_weeklyissue_changelist")
    instructor_client.post(url, {"action": "publish", "_selected_action": [issue.pk]})
    assert WeeklyIssue.objects.published().get() == issue
    instructor_client.post(url, {"action": "unpublish", "_selected_action": [issue.pk]})
    assert not WeeklyIssue.objects.published().exists()


def test_hide_and_restore_comments_from_the_admin(instructor_client):
    comment = CommentFactory()
    url = reverse("admin:items_comment_changelist")
    instructor_client.post(url, {"action": "hide", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    instructor_client.post(url, {"action": "restore", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    assert instructor_client.get(url + "?status__exact=visible").status_code == 200


def test_instructor_autocomplete_finds_evidence_items(instructor_client):
    NewsItemFactory(title="Curling robots")
    response = instructor_client.get(
        "/admin/autocomplete/",
        {"term": "curling", "app_label": "items", "model_name": "insight", "field_name": "evidence"},
    )
    assert response.status_code == 200
    assert "Curling robots" in response.json()["results"][0]["text"]


@pytest.mark.parametrize(
    "url",
    [
        "admin:items_weeklyissue_changelist",
        "admin:items_weeklyissue_add",
        "admin:items_newsitem_changelist",
        "admin:items_category_changelist",
        "admin:items_insight_changelist",
        "admin:items_comment_changelist",
        "admin:items_discussion_changelist",
        "admin:taggit_tag_changelist",
    ],
)
def test_instructors_can_curate_and_moderate(instructor_client, url):
    assert instructor_client.get(reverse(url)).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "admin:auth_user_changelist",
        "admin:auth_user_add",
        "admin:auth_group_changelist",
        "admin:auth_group_add",
    ],
)
def test_instructors_cannot_manage_users_or_groups(instructor_client, url):
    assert instructor_client.get(reverse(url)).status_code == 403


def test_instructor_admin_index_does_not_offer_users(instructor_client):
    page = instructor_client.get(reverse("admin:index")).content.decode()
    assert "Weekly issues" in page and "Users" not in page


def test_students_cannot_reach_the_admin(student_client):
    response = student_client.get(reverse("admin:items_weeklyissue_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_every_changelist_and_change_page_renders(instructor_client):
    item = NewsItemFactory()
    MediaFactory(item=item)
    comment = CommentFactory()
    for name, obj in [
        ("weeklyissue", item.issue),
        ("newsitem", item),
        ("category", item.category),
        ("comment", comment),
        ("discussion", comment.discussion),
    ]:
        assert instructor_client.get(reverse(f"admin:items_{name}_change", args=[obj.pk])).status_code == 200


def test_approve_and_reject_pending_comments_from_the_admin(instructor_client):
    approved = CommentFactory(status=Comment.Status.PENDING)
    rejected = CommentFactory(status=Comment.Status.PENDING)
    visible = CommentFactory()
    url = reverse("admin:items_comment_changelist")
    instructor_client.post(url, {"action": "approve", "_selected_action": [approved.pk, visible.pk]})
    instructor_client.post(url, {"action": "reject", "_selected_action": [rejected.pk, visible.pk]})
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {
        approved.pk: Comment.Status.VISIBLE,
        rejected.pk: Comment.Status.HIDDEN,
        visible.pk: Comment.Status.VISIBLE,
    }


def test_the_moderation_history_shows_in_the_admin(instructor_client, instructor):
    comment = CommentFactory(body="Rude words")
    services.comment_hide(comment=comment, by=instructor)
    page = instructor_client.get(reverse("admin:items_comment_change", args=[comment.pk])).content.decode()
    assert "Moderation history" in page and "Hidden" in page and "instructor" in page
    listing = instructor_client.get(reverse("admin:items_moderationaction_changelist"))
    assert listing.status_code == 200 and f"comment {comment.pk}" in listing.content.decode().lower()
    # A record: nobody edits or deletes it in the admin.
    action = ModerationAction.objects.get()
    delete = reverse("admin:items_moderationaction_delete", args=[action.pk])
    assert instructor_client.post(delete, {"post": "yes"}).status_code == 403
    assert ModerationAction.objects.exists()


def item_row(item, **fields):
    row = {
        "id": str(item.pk),
        "issue": str(item.issue.pk),
        "position": str(item.position),
        "category": str(item.category.pk),
        "title": item.title,
        "link": item.link,
        "source": item.source,
        "tags": ", ".join(item.tags.names()),
        "summary": item.summary,
    }
    return row | fields


def test_instructor_adds_tags_and_a_summary_without_leaving_the_issue(instructor_client):
    vision = CategoryFactory(label="Vision")
    issue = WeeklyIssueFactory(draft=True)
    item = NewsItemFactory(issue=issue, position=1, category=vision, tags=["cnn"])
    new_row = {"position": "2", "category": str(vision.pk), "title": "PlaNet", "link": "", "source": "Google"}
    rows = [
        item_row(item, tags="cnn, geolocation", summary="Where was this photo taken?"),
        new_row | {"tags": "geolocation, datasets", "summary": "A CNN guesses the place."},
    ]
    url = reverse("admin:items_weeklyissue_change", args=[issue.pk])
    response = instructor_client.post(url, issue_form(issue.issue_date.isoformat(), items=rows, initial=1))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    first, second = issue.items.order_by("position")
    assert (sorted(first.tags.names()), first.summary) == (
        ["cnn", "geolocation"],
        "Where was this photo taken?",
    )
    assert (sorted(second.tags.names()), second.summary) == (
        ["datasets", "geolocation"],
        "A CNN guesses the place.",
    )
    page = instructor_client.get(url).content.decode()
    assert "Where was this photo taken?</textarea>" in page and 'value="cnn, geolocation"' in page


@pytest.mark.parametrize("page", ["weeklyissue", "newsitem"])
def test_tag_fields_suggest_the_boards_existing_tags(instructor_client, page):
    item = NewsItemFactory(tags=["reinforcement-learning", "robots"])
    target = item.issue if page == "weeklyissue" else item
    html = instructor_client.get(reverse(f"admin:items_{page}_change", args=[target.pk])).content.decode()
    assert (
        '<datalist id="tag-names"><option value="reinforcement-learning"></option>'
        '<option value="robots"></option></datalist>'
    ) in html
    assert 'list="tag-names"' in html and "/static/js/admin-tags.js" in html


def test_the_evidence_picker_names_each_items_week(instructor_client):
    issue = WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 25))
    robots = NewsItemFactory(
        issue=issue, position=2, category=CategoryFactory(label="Robotics"), title="Curling robots"
    )
    found = instructor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "items", "model_name": "insight", "field_name": "evidence", "term": "curling"},
    ).json()["results"]
    assert found == [{"id": str(robots.pk), "text": "Fri 25 Sep 2020 · 2. (Robotics) Curling robots"}]
    insight = InsightFactory()
    insight.evidence.set([robots])
    page = instructor_client.get(reverse("admin:items_insight_change", args=[insight.pk])).content.decode()
    assert (
        f'<option value="{robots.pk}" selected>Fri 25 Sep 2020 · 2. (Robotics) Curling robots</option>'
        in page
    )


def test_published_at_explains_itself_and_empty_publishes_a_draft_now(instructor_client):
    page = instructor_client.get(reverse("admin:items_weeklyissue_add")).content.decode()
    assert "leave empty to publish when you save" in page
    response = instructor_client.post(reverse("admin:items_weeklyissue_add"), issue_form(status="published"))
    assert response.status_code == 302
    assert WeeklyIssue.objects.get().is_public


def test_an_already_published_issue_keeps_its_publish_time_with_the_error_at_the_field(instructor_client):
    issue = WeeklyIssueFactory()
    url = reverse("admin:items_weeklyissue_change", args=[issue.pk])
    page = instructor_client.get(url).content.decode()
    assert "Students have seen it since this time" in page and "Leave empty to publish now" not in page
    response = instructor_client.post(url, issue_form(issue.issue_date.isoformat(), status="published"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["published_at"]
    assert "keep its publish time" in form.errors["published_at"][0]
    issue.refresh_from_db()
    assert issue.is_public


def test_clearing_a_scheduled_issues_time_publishes_it_now(instructor_client):
    issue = WeeklyIssueFactory(scheduled=True)
    url = reverse("admin:items_weeklyissue_change", args=[issue.pk])
    assert "leave empty to publish when you save" in instructor_client.get(url).content.decode()
    response = instructor_client.post(url, issue_form(issue.issue_date.isoformat(), status="published"))
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.is_public
