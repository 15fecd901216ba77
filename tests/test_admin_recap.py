"""Importing a Markdown recap in the admin: paste or upload, preview, confirm; and exporting."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from items.models import Category, NewsItem, WeeklyIssue
from tests.factories import CategoryFactory, NewsItemFactory, UserFactory, WeeklyIssueFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:items_weeklyissue_import_recap")
WEEK = """# ML Weekly (Oct. 9th)

1. **(ML)** NeurIPS 2020 Accepted Papers
   Tags: conferences, research
2. **(Vision)** "Farewell Convolutions": Anonymous ICLR 2021 Paper

   ### An Image Is Worth 16x16 Words
   While the Transformer architecture has become the de-facto standard.
"""


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def preview(client, **data):
    """Post the preview; return the response and the token a confirmation must carry."""
    response = client.post(URL, {**data, "preview": "1"})
    return response, response.context["form"].initial.get("previewed", "")


def confirm(client, token, **data):
    return client.post(URL, {**data, "previewed": token, "confirm": "1"})


def test_the_changelist_links_to_the_import_page(instructor_client):
    page = instructor_client.get(reverse("admin:items_weeklyissue_changelist")).content.decode()
    assert URL in page and "Import a Markdown recap" in page


def test_students_cannot_reach_the_import_page(student_client):
    assert student_client.get(URL).status_code == 302


def test_staff_without_the_add_permission_are_refused(client):
    client.force_login(UserFactory(username="helper", is_staff=True))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"text": WEEK, "year": "2020", "confirm": "1"}).status_code == 403
    assert not WeeklyIssue.objects.exists()


def test_paste_preview_confirm_creates_a_draft(instructor_client):
    CategoryFactory(label="ML")
    shown, token = preview(instructor_client, text=WEEK, year="2020")
    page = shown.content.decode()
    assert shown.status_code == 200 and "Preview: what will be created" in page
    assert "Friday 9 October 2020" in page and "(new draft issue)" in page
    assert "Vision" in page and "(new)" in page and "conferences, research" in page
    assert "An Image Is Worth 16x16 Words" in page
    assert not WeeklyIssue.objects.exists()

    refused = confirm(instructor_client, token, text=WEEK, year="2020")
    assert refused.status_code == 200 and not WeeklyIssue.objects.exists()
    assert any("new categories" in message for message in messages_of(refused))

    done = confirm(instructor_client, token, text=WEEK, year="2020", confirm_new_categories="on")
    assert done.status_code == 302
    issue = WeeklyIssue.objects.get()
    assert issue.issue_date == datetime.date(2020, 10, 9) and issue.status == WeeklyIssue.Status.DRAFT
    assert [item.category.label for item in issue.items.all()] == ["ML", "Vision"]
    assert Category.objects.filter(label="Vision").exists()
    change_url = reverse("admin:items_weeklyissue_change", args=[issue.pk])
    assert messages_of(done) == [
        "Imported 1 new draft issue(s), updated 0, 2 item(s), 1 new categories, 0 insight(s): "
        f'<a href="{change_url}">ML Weekly (Fri 9 Oct 2020)</a>.'
    ]
    changelist = instructor_client.get(done["Location"]).content.decode()
    assert f'<a href="{change_url}">ML Weekly (Fri 9 Oct 2020)</a>' in changelist, (
        "the link is a link, not text"
    )


def test_a_recap_changed_after_its_preview_is_previewed_again(instructor_client):
    CategoryFactory(label="ML")
    CategoryFactory(label="Vision")
    _, token = preview(instructor_client, text=WEEK, year="2020")
    for changed in [{"text": WEEK + "3. (ML) Sneaked in\n", "year": "2020"}, {"text": WEEK, "year": "2021"}]:
        response = confirm(instructor_client, token, **changed)
        assert response.status_code == 200 and "Preview: what will be created" in response.content.decode()
        assert any("changed since the preview" in message for message in messages_of(response))
    assert not WeeklyIssue.objects.exists()
    assert confirm(instructor_client, token, text=WEEK, year="2020").status_code == 302


def test_an_uploaded_file_is_previewed_and_carried_to_the_confirmation(instructor_client):
    upload = SimpleUploadedFile("week.md", WEEK.encode(), content_type="text/markdown")
    shown, token = preview(instructor_client, file=upload, year="2020", confirm_new_categories="on")
    page = shown.content.decode()
    assert "NeurIPS 2020 Accepted Papers" in page and "# ML Weekly (Oct. 9th)" in page
    # The browser sends the carried text back with CRLF line ends: still the previewed recap.
    as_sent = WEEK.replace("\n", "\r\n")
    response = confirm(instructor_client, token, text=as_sent, year="2020", confirm_new_categories="on")
    assert response.status_code == 302 and WeeklyIssue.objects.get().items.count() == 2


def test_errors_show_line_numbers_and_create_nothing(instructor_client):
    bad = "# ML Weekly (Sept. 31st)\n1. (DL) A\n# ML Weekly (Oct. 9th)\n1. No label\n"
    for step in ("preview", "confirm"):
        response = instructor_client.post(URL, {"text": bad, "year": "2020", step: "1"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "<strong>Line 1:</strong> unknown date &#x27;Sept. 31st&#x27;" in page
        assert "<strong>Line 4:</strong> item without a category label" in page
        assert "nothing was created" in page
    assert not WeeklyIssue.objects.exists() and not Category.objects.exists()


@pytest.mark.parametrize("data", [{}, {"text": "   "}, {"text": WEEK, "year": "20"}])
def test_empty_or_invalid_forms_explain_themselves(instructor_client, data):
    response = instructor_client.post(URL, {**data, "preview": "1"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_reimport_offers_to_update_instead_of_duplicating(instructor_client):
    issue = WeeklyIssueFactory(issue_date=datetime.date(2020, 10, 9))
    NewsItemFactory(issue=issue, position=1, title="Old title", category=CategoryFactory(label="ML"))
    CategoryFactory(label="Vision")
    shown, token = preview(instructor_client, text=WEEK, year="2020")
    page = shown.content.decode()
    assert "already on the board" in page and "Update weeks and insights already on the board" in page
    refused = confirm(instructor_client, token, text=WEEK, year="2020")
    assert any("Already on the board" in message for message in messages_of(refused))
    assert NewsItem.objects.get().title == "Old title"
    confirm(instructor_client, token, text=WEEK, year="2020", update_existing="on")
    assert WeeklyIssue.objects.count() == 1
    assert list(issue.items.values_list("title", flat=True)) == [
        "NeurIPS 2020 Accepted Papers",
        '"Farewell Convolutions": Anonymous ICLR 2021 Paper',
    ]
    issue.refresh_from_db()
    assert issue.status == WeeklyIssue.Status.PUBLISHED


def test_export_action_downloads_markdown(instructor_client):
    item = NewsItemFactory(title="Exported item", category=CategoryFactory(label="NLP"), tags=["b", "a"])
    response = instructor_client.post(
        reverse("admin:items_weeklyissue_changelist"),
        {"action": "export_markdown", "_selected_action": [item.issue.pk]},
    )
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert text.startswith("# ML Weekly (") and "1. **(NLP)** Exported item" in text and "Tags: a, b" in text


def test_the_preview_shows_every_field_the_import_will_write(instructor_client):
    text = (
        "# ML Weekly (Oct. 9th, 2020)\n\nTitle: Reading week\nA quiet week.\n\n"
        "1. **(ML)** NeurIPS papers\n   Source: NeurIPS\n   Summary: Accepted papers are out.\n"
        "   ![A poster hall](https://example.org/hall.jpg)\n     Credit: stevekc\n     Licence: CC-BY-NC\n"
    )
    page = preview(instructor_client, text=text)[0].content.decode()
    for shown in ("Reading week", "A quiet week.", "Source: NeurIPS", "Accepted papers are out."):
        assert shown in page
    assert "A poster hall <code>https://example.org/hall.jpg</code> (stevekc, CC-BY-NC)" in page
