"""Promote a comment to an insight (issue 19, point 7): an instructor makes a draft insight from a
student's comment, which credits the student (or "a student"), links back to the comment once
published, and tells the student once."""

import re

import feedparser
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from items import services
from items.models import Comment, Insight
from tests.factories import (
    DiscussionFactory,
    InsightFactory,
    NewsItemFactory,
    ProfileFactory,
    UserFactory,
    WeeklyIssueFactory,
)
from tests.newsletter_support import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def alex():
    user = UserFactory(username="alex", email="alex@example.edu")
    ProfileFactory(user=user, display_name="Alex Chen")
    return user


@pytest.fixture
def item_thread(alex):
    item = NewsItemFactory(title="Robots fold laundry")
    discussion = services.discussion_for_item(item)
    comment = services.comment_create(
        discussion=discussion,
        author=alex,
        body="Robots learn faster from video than from trial. The lab showed it twice.\n\nSecond paragraph.",
    )
    return {"item": item, "discussion": discussion, "comment": comment}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def admin_form(insight, **changes):
    """What the insight's admin change form posts, with ``changes``."""
    data = {
        "number": insight.number,
        "headline": insight.headline,
        "body": insight.body,
        "evidence": [item.pk for item in insight.evidence.all()],
        "credit": insight.credit,
    }
    if insight.is_published:
        data["is_published"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def publish_in_admin(client, insight, **changes):
    url = reverse("admin:items_insight_change", args=[insight.pk])
    response = client.post(url, admin_form(insight, is_published="on", **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


# The service.


def test_a_draft_is_made_from_the_comment_with_the_next_number(item_thread, instructor):
    InsightFactory(number=4)
    insight, created = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    assert created
    assert insight.number == 5
    assert not insight.is_published
    assert insight.headline == "Robots learn faster from video than from trial."
    assert insight.body == item_thread["comment"].body
    assert insight.source_comment == item_thread["comment"]
    assert insight.credit == "Alex Chen"
    assert list(insight.evidence.all()) == [item_thread["item"]]


def test_a_week_s_discussion_gives_the_week_s_items_and_the_open_discussion_none(alex, instructor):
    issue = WeeklyIssueFactory()
    items = [NewsItemFactory(issue=issue, position=position) for position in (2, 1, 3)]
    week = services.discussion_for_issue(issue)
    comment = services.comment_create(discussion=week, author=alex, body="A theme this week")
    insight, _ = services.insight_from_comment(comment=comment, by=instructor)
    assert list(insight.evidence.order_by("position")) == sorted(items, key=lambda item: item.position)

    open_discussion = DiscussionFactory(slug="open-discussion")
    comment = services.comment_create(discussion=open_discussion, author=alex, body="Anything goes")
    insight, _ = services.insight_from_comment(comment=comment, by=instructor)
    assert insight.number == 2 and not insight.evidence.exists()
    assert Insight.objects.count() == 2


def test_only_instructors_promote(item_thread, alex):
    for who in (alex, UserFactory(), None):
        with pytest.raises(PermissionDenied):
            services.insight_from_comment(comment=item_thread["comment"], by=who)
    assert not Insight.objects.exists()


@pytest.mark.parametrize("status", [Comment.Status.HIDDEN, Comment.Status.PENDING, Comment.Status.DELETED])
def test_only_a_visible_comment_becomes_an_insight(item_thread, instructor, status):
    Comment.objects.filter(pk=item_thread["comment"].pk).update(status=status)
    comment = Comment.objects.get(pk=item_thread["comment"].pk)
    with pytest.raises(ValidationError):
        services.insight_from_comment(comment=comment, by=instructor)
    assert not Insight.objects.exists()


def test_promoting_again_opens_the_same_draft(item_thread, instructor):
    first, created = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    again, created_again = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    assert created and not created_again
    assert again == first and Insight.objects.count() == 1


def test_the_database_keeps_one_insight_per_comment(item_thread, instructor):
    from django.db import IntegrityError, transaction

    services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Insight.objects.create(number=99, headline="x", body="y", source_comment=item_thread["comment"])
    # Insights written in the admin or imported have no comment, as many as they like.
    InsightFactory.create_batch(2)


def test_an_anonymous_comment_credits_a_student(item_thread, alex, instructor):
    comment = services.comment_create(
        discussion=item_thread["discussion"], author=alex, body="Quietly: it is the data.", anonymous=True
    )
    insight, _ = services.insight_from_comment(comment=comment, by=instructor)
    assert insight.credit == "a student"


def test_a_student_who_opted_out_is_credited_as_a_student(item_thread, alex, instructor):
    alex.profile.credit_by_name = False
    alex.profile.save()
    insight, _ = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    assert insight.credit == "a student"


def test_a_student_without_a_display_name_is_credited_by_username(instructor):
    author = UserFactory(username="sam")
    comment = services.comment_create(discussion=DiscussionFactory(), author=author, body="Yes.")
    assert services.insight_from_comment(comment=comment, by=instructor)[0].credit == "sam"


@pytest.mark.parametrize(
    ("body", "headline"),
    [
        ("# Scale wins\nMore text", "Scale wins"),
        ("> quoted first line? And then more", "quoted first line?"),
        ("\n\n   \n- a list item", "a list item"),
        ("---\n***\nWords at last", "Words at last"),
        ("*" * 5, services.FALLBACK_HEADLINE),
        ("word " * 100, ("word " * 100)[:199].rstrip() + "…"),
    ],
)
def test_the_headline_is_the_first_sentence_never_blank_nor_too_long(body, headline):
    made = services.insight_headline(body)
    assert made.strip() and len(made) <= 200
    if headline.endswith("…"):
        assert made.endswith("…") and made.startswith("word word")
    else:
        assert made == headline


def test_a_credit_naming_a_hidden_author_is_refused(item_thread, alex, instructor):
    comment = services.comment_create(
        discussion=item_thread["discussion"], author=alex, body="Anonymous idea", anonymous=True
    )
    insight, _ = services.insight_from_comment(comment=comment, by=instructor)
    for credit in ("Alex Chen", "alex", "student ALEX, class of 2020"):
        insight.credit = credit
        with pytest.raises(ValidationError) as error:
            insight.full_clean()
        assert "credit" in error.value.message_dict
    # "a student", a blank credit and other words pass; a named comment may be credited by name.
    for credit in ("a student", "", "Alexandra's table"):
        insight.credit = credit
        insight.full_clean()
    named, _ = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    named.full_clean()


# The discussion page and the view.


def test_the_button_is_drawn_for_instructors_only(item_thread, instructor, alex):
    url = item_thread["discussion"].get_absolute_url()
    action = reverse("items:comment_insight", args=[item_thread["comment"].pk])
    # Students first, so the shared thread is cached before the instructor's visit.
    for who in (Client(), signed_in(UserFactory()), signed_in(alex)):
        page = who.get(url).content.decode()
        assert action not in page and "Make an insight" not in page
    page = signed_in(instructor).get(url).content.decode()
    assert f'formaction="{action}">Make an insight</button>' in page
    for who in (Client(), signed_in(UserFactory()), signed_in(alex)):
        assert "Make an insight" not in who.get(url).content.decode()


def test_the_button_makes_a_draft_and_opens_it_in_the_admin(item_thread, instructor):
    client = signed_in(instructor)
    url = reverse("items:comment_insight", args=[item_thread["comment"].pk])
    response = client.post(url, {"next": "/elsewhere/"}, follow=True)
    insight = Insight.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:items_insight_change", args=[insight.pk])
    html = response.content.decode()
    assert f"Draft Insight {insight.number} is made from the comment" in html
    assert 'value="Alex Chen"' in html and "Robots learn faster" in html
    # The draft is not public.
    assert "Robots learn faster" not in Client().get(reverse("items:insight_list")).content.decode()

    again = client.post(url, follow=True)
    assert "already became Insight 1" in again.content.decode()
    assert Insight.objects.count() == 1


def test_students_are_refused_and_nothing_is_made(item_thread, alex):
    url = reverse("items:comment_insight", args=[item_thread["comment"].pk])
    for client in (signed_in(alex), signed_in(UserFactory())):
        assert client.post(url).status_code == 403
        assert client.get(url).status_code == 405
    response = Client().post(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Insight.objects.exists()


def test_a_hidden_comment_leads_back_with_a_message(item_thread, instructor):
    services.comment_hide(comment=item_thread["comment"], by=instructor)
    client = signed_in(instructor)
    url = reverse("items:comment_insight", args=[item_thread["comment"].pk])
    response = client.post(url, follow=True)
    assert "Only a visible comment can become an insight." in response.content.decode()
    assert not Insight.objects.exists()
    assert client.post(reverse("items:comment_insight", args=[987654])).status_code == 404


# The admin.


def test_the_comment_admin_action_and_button(item_thread, alex, instructor):
    client = signed_in(instructor)
    change = reverse("admin:items_comment_change", args=[item_thread["comment"].pk])
    page = client.get(change).content.decode()
    action = reverse("items:comment_insight", args=[item_thread["comment"].pk])
    assert f'action="{action}"' in page and "Make an insight" in page

    other = services.comment_create(discussion=item_thread["discussion"], author=alex, body="Another idea")
    changelist = reverse("admin:items_comment_changelist")
    response = client.post(changelist, {"action": "make_insight", "_selected_action": [other.pk]})
    insight = Insight.objects.get(source_comment=other)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:items_insight_change", args=[insight.pk])

    hidden = services.comment_create(discussion=item_thread["discussion"], author=alex, body="Rude")
    services.comment_hide(comment=hidden, by=instructor)
    selected = [item_thread["comment"].pk, other.pk, hidden.pk]
    response = client.post(changelist, {"action": "make_insight", "_selected_action": selected}, follow=True)
    html = response.content.decode()
    assert "Draft insights" in html and f"comment {hidden.pk}: Only a visible comment" in html
    assert Insight.objects.count() == 2
    # A hidden comment's page offers no button.
    hidden_page = client.get(reverse("admin:items_comment_change", args=[hidden.pk])).content.decode()
    assert "Make an insight" not in hidden_page


def test_the_insight_admin_shows_where_it_came_from_and_refuses_a_naming_credit(alex, instructor):
    discussion = DiscussionFactory()
    comment = services.comment_create(discussion=discussion, author=alex, body="Shh", anonymous=True)
    insight, _ = services.insight_from_comment(comment=comment, by=instructor)
    client = signed_in(instructor)
    url = reverse("admin:items_insight_change", args=[insight.pk])
    page = client.get(url).content.decode()
    assert f'href="{comment.get_absolute_url()}"' in page and 'value="a student"' in page
    response = client.post(url, admin_form(insight, credit="Alex Chen", is_published="on"))
    assert response.status_code == 200 and "credit them as “a student”" in response.content.decode()
    insight.refresh_from_db()
    assert not insight.is_published and insight.credit == "a student"


# Published: the insights page, its feed and the term's slides.


def test_a_published_insight_shows_its_credit_and_links_to_the_comment(item_thread, instructor):
    insight, _ = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    publish_in_admin(signed_in(instructor), insight)
    link = f"{item_thread['discussion'].get_absolute_url()}#c{item_thread['comment'].pk}"

    page = Client().get(reverse("items:insight_list")).content.decode()
    assert f'Suggested by Alex Chen, <a href="{link}">from the discussion</a>' in page

    feed = feedparser.parse(Client().get(reverse("items:insights_feed")).content)
    summary = feed.entries[0].summary
    assert "Suggested by Alex Chen" in summary and f'href="http://testserver{link}"' in summary

    issue = item_thread["item"].issue
    term = reverse("items:term_present", args=[issue.slug, issue.slug])
    slides = Client().get(term).content.decode()
    assert f'Suggested by Alex Chen, <a href="{link}">from the discussion</a>' in slides


def test_a_hidden_or_deleted_comment_leaves_the_credit_without_a_link(item_thread, instructor, alex):
    insight, _ = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    publish_in_admin(signed_in(instructor), insight)
    url = reverse("items:insight_list")
    assert "from the discussion" in Client().get(url).content.decode()  # cached for everyone

    services.comment_hide(comment=item_thread["comment"], by=instructor)
    page = Client().get(url).content.decode()
    assert "Suggested by Alex Chen" in page and "from the discussion" not in page
    assert f"#c{item_thread['comment'].pk}" not in page

    services.comment_restore(comment=item_thread["comment"], by=instructor)
    assert "from the discussion" in Client().get(url).content.decode()
    services.comment_delete(comment=item_thread["comment"], by=alex)
    assert "from the discussion" not in Client().get(url).content.decode()

    # The comment's row removed in the admin: the insight stays, without a source.
    Comment.objects.filter(pk=item_thread["comment"].pk).delete()
    insight.refresh_from_db()
    assert insight.source_comment is None and insight.is_published
    page = Client().get(url).content.decode()
    assert "Suggested by Alex Chen" in page and "from the discussion" not in page


def test_a_hidden_discussion_gives_no_link(item_thread, instructor):
    insight, _ = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    publish_in_admin(signed_in(instructor), insight)
    item_thread["discussion"].is_hidden = True
    item_thread["discussion"].save()
    assert "from the discussion" not in Client().get(reverse("items:insight_list")).content.decode()


# Telling the student.


def test_the_student_is_told_once_when_it_is_published(
    item_thread, alex, instructor, django_capture_on_commit_callbacks
):
    verify(alex)
    insight, _ = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    client = signed_in(instructor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # Saved as a draft: nobody is told yet.
        client.post(reverse("admin:items_insight_change", args=[insight.pk]), admin_form(insight))
    assert mail.outbox == []
    assert "became Insight" not in signed_in(alex).get(reverse("items:me")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publish_in_admin(client, insight, headline="Video beats trial")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alex@example.edu"]
    assert message.subject == "Your comment became Insight 1: Video beats trial"
    assert "Suggested by Alex Chen" in message.body and "/insights/#insight-1" in message.body
    insight.refresh_from_db()
    assert insight.notified_at is not None

    me = signed_in(alex).get(reverse("items:me")).content.decode()
    assert '<a href="/insights/#insight-1">Your comment became Insight 1</a>' in me

    # Saved again, unpublished and published again: never a second email.
    with django_capture_on_commit_callbacks(execute=True):
        publish_in_admin(client, insight, body="Edited")
        client.post(reverse("admin:items_insight_change", args=[insight.pk]), admin_form(insight))
        publish_in_admin(client, insight)
    assert len(mail.outbox) == 1


def test_publishing_from_the_changelist_tells_the_student_too(
    item_thread, alex, instructor, django_capture_on_commit_callbacks
):
    verify(alex)
    insight, _ = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    mail.outbox.clear()
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": insight.pk,
        "form-0-is_published": "on",
        "_save": "Save",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(instructor).post(reverse("admin:items_insight_changelist"), data)
    assert response.status_code == 302
    assert Insight.objects.get().is_published and len(mail.outbox) == 1


def test_an_unverified_address_gets_no_email_but_my_week_says_it(
    item_thread, alex, instructor, django_capture_on_commit_callbacks
):
    insight, _ = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_in_admin(signed_in(instructor), insight)
    assert mail.outbox == []
    insight.refresh_from_db()
    assert insight.notified_at is not None
    me = signed_in(alex).get(reverse("items:me")).content.decode()
    assert "Your comment became Insight 1" in me
    # Nobody else's "My week" says so.
    assert "became Insight" not in signed_in(UserFactory()).get(reverse("items:me")).content.decode()


def test_an_insight_without_a_comment_tells_nobody(instructor, django_capture_on_commit_callbacks):
    insight = InsightFactory(is_published=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_in_admin(signed_in(instructor), insight)
    assert callbacks == [] and mail.outbox == []


# The student's choice.


def test_opting_out_in_settings_uncredits_published_insights(item_thread, alex, instructor):
    insight, _ = services.insight_from_comment(comment=item_thread["comment"], by=instructor)
    publish_in_admin(signed_in(instructor), insight)
    url = reverse("items:insight_list")
    assert "Suggested by Alex Chen" in Client().get(url).content.decode()

    client = signed_in(alex)
    page = client.get(reverse("account_settings")).content.decode()
    assert 'name="credit_by_name"' in page and "Credit me by name" in page
    data = {"display_name": "Alex Chen", "email": "alex@example.edu", "notify_replies": "on"}
    assert client.post(reverse("account_settings"), data).status_code == 302
    alex.profile.refresh_from_db()
    assert not alex.profile.credit_by_name
    insight.refresh_from_db()
    assert insight.credit == "a student"
    page = Client().get(url).content.decode()
    assert "Suggested by a student" in page and "Alex Chen" not in page


def test_the_sign_up_page_says_what_an_insight_credits(client):
    page = client.get(reverse("signup")).content.decode()
    assert re.search(r"turns into one of the course's insights.*“a student”", page)
