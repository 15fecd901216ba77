import pytest
from django.core.management import call_command

from items.models import Category, Discussion, Insight, Media, NewsItem, WeeklyIssue

pytestmark = pytest.mark.django_db


def counts():
    return {
        "issues": WeeklyIssue.objects.published().count(),
        "items": NewsItem.objects.published().count(),
        "categories": Category.objects.count(),
        "insights": Insight.objects.published().count(),
        "discussions": Discussion.objects.count(),
        "media": Media.objects.count(),
    }


def test_load_demo_loads_the_deck_and_is_idempotent(capsys):
    call_command("load_demo")
    first = counts()
    assert first == {"issues": 8, "items": 25, "categories": 8, "insights": 4, "discussions": 1, "media": 6}
    call_command("load_demo")
    assert counts() == first
    assert "nothing changed" in capsys.readouterr().out


def test_demo_is_faithful_to_the_deck():
    call_command("load_demo")
    dates = [issue.issue_date.isoformat() for issue in WeeklyIssue.objects.order_by("issue_date")]
    assert dates == [
        "2020-09-18",
        "2020-09-25",
        "2020-10-02",
        "2020-10-09",
        "2020-10-16",
        "2020-11-06",
        "2020-11-13",
        "2020-12-04",
    ]
    labels = list(Category.objects.values_list("label", flat=True))
    assert labels == ["DL", "NLP", "Robotics", "Vision", "ML", "DS", "RL", "Ethics"]
    gebru = NewsItem.objects.get(issue__issue_date="2020-12-04", position=2)
    assert (gebru.category.label, gebru.title) == ("Ethics", 'Timnit Gebru "Leaves" Google')
    planet = NewsItem.objects.get(title__startswith="PlaNet")
    photos = [(m.subfigure_label, m.credit, m.licence) for m in planet.media.all()]
    assert photos == [
        ("(a)", "stevekc", "CC-BY-NC"),
        ("(b)", "edwin.11", "CC-BY-NC"),
        ("(c)", "jonathanfh", "CC-BY-NC"),
    ]
    assert all(m.thumbnail for m in Media.objects.all())
    assert NewsItem.objects.get(title__startswith="Go Ahead").excerpt.startswith(
        "Dynabench is a research platform"
    )
    assert "Vision Transformer" in NewsItem.objects.get(title__contains="Farewell Convolutions").excerpt
    chart = Media.objects.get(kind="chart")
    assert "Fashion-MNIST - Training Time (seconds) Comparison" in chart.caption
    assert Media.objects.get(kind="figure").caption == "Figure 1 | “Running With Scissors” screenshot."
    curling = Insight.objects.get(number=3).evidence.get()
    assert "curling robots" in curling.title
    assert Discussion.objects.get().prompt == "What are your thoughts? Where will ML take you?"


def test_demo_does_not_undo_an_instructors_edits():
    call_command("load_demo")
    item = NewsItem.objects.get(title__startswith="Plotly")
    item.summary = "Edited in class"
    item.save()
    call_command("load_demo")
    item.refresh_from_db()
    assert item.summary == "Edited in class"


def test_demo_students_are_marked_read_and_comment_and_reach_shows_them(client):
    from django.contrib.auth import get_user_model

    from items.models import Comment, HelpfulMark, ReadMark
    from tests.factories import InstructorFactory

    call_command("load_demo")
    call_command("load_demo")  # once only
    demo = get_user_model().objects.filter(username__startswith="demo-")
    assert demo.count() == 6
    assert all(student.profile.display_name.endswith("(demo)") for student in demo)
    assert not any(student.has_usable_password() for student in demo)
    assert ReadMark.objects.filter(student__in=demo).count() > 50
    assert Comment.objects.filter(author__in=demo).count() == 5
    assert Comment.objects.filter(author__in=demo, is_anonymous=True).count() == 1
    assert HelpfulMark.objects.count() == 4

    client.force_login(InstructorFactory())
    html = client.get("/instructor/reach/").content.decode()
    assert "6 students" in html
    assert "Ada (demo)" in html  # participation is per student
    assert "Weeks the class fell behind" in html and "% read it" in html
