"""Importing a Markdown recap through the service and the management commands."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from items import services
from items.models import Category, Insight, Media, NewsItem, WeeklyIssue
from items.recap import export_recap, parse_recap, recap_from_issues
from tests.factories import (
    CategoryFactory,
    DiscussionFactory,
    InsightFactory,
    MediaFactory,
    NewsItemFactory,
    WeeklyIssueFactory,
)

pytestmark = pytest.mark.django_db

DECK = Path(__file__).resolve().parent.parent / "items" / "demo" / "deck.md"
WEEK = """# ML Weekly (Oct. 9th)

1. **(ML)** NeurIPS 2020 Accepted Papers
   Tags: conferences, research
2. **(Quantum)** A new category
"""


def test_import_creates_draft_issues_new_categories_items_and_tags():
    CategoryFactory(label="ML", name="Machine Learning", slug="ml")
    recap = parse_recap(WEEK, year=2020)
    assert services.recap_plan(recap).new_categories == ["Quantum"]
    counts = services.recap_import(recap)
    assert counts == {"categories": 1, "issues": 1, "issues_updated": 0, "items": 2, "insights": 0}
    issue = WeeklyIssue.objects.get()
    assert issue.issue_date == datetime.date(2020, 10, 9) and issue.status == WeeklyIssue.Status.DRAFT
    first = issue.items.get(position=1)
    assert first.category.name == "Machine Learning"
    assert sorted(tag.name for tag in first.tags.all()) == ["conferences", "research"]
    assert Category.objects.get(label="Quantum").slug == "quantum"


def test_reimport_is_a_conflict_unless_updating_and_never_duplicates():
    services.recap_import(parse_recap(WEEK, year=2020))
    changed = parse_recap(WEEK.replace("A new category", "A better title"), year=2020)
    with pytest.raises(services.RecapConflict):
        services.recap_import(changed)
    services.recap_import(changed, update_existing=True)
    assert WeeklyIssue.objects.count() == 1
    assert list(NewsItem.objects.values_list("title", flat=True)) == [
        "NeurIPS 2020 Accepted Papers",
        "A better title",
    ]


def test_update_keeps_an_item_with_a_discussion_and_rolls_back():
    issue = WeeklyIssueFactory(issue_date=datetime.date(2020, 10, 9))
    NewsItemFactory(issue=issue, position=1)
    DiscussionFactory(item=NewsItemFactory(issue=issue, position=2))
    with pytest.raises(services.ValidationError, match="has a discussion"):
        services.recap_import(
            parse_recap("# ML Weekly (Oct. 9th)\n1. (ML) Only one", year=2020), update_existing=True
        )
    assert issue.items.count() == 2 and issue.items.get(position=1).title != "Only one"


def test_import_recap_command_imports_the_deck_like_load_demo():
    out = StringIO()
    call_command("import_recap", str(DECK), "--year", "2020", stdout=out)
    assert "Imported: 8 categories, 8 issues, 0 issues updated, 25 items, 4 insights." in out.getvalue()
    assert WeeklyIssue.objects.filter(status=WeeklyIssue.Status.DRAFT).count() == 8
    assert Insight.objects.count() == 4
    with pytest.raises(CommandError, match="use --update"):
        call_command("import_recap", str(DECK), "--year", "2020", stdout=StringIO())
    call_command("import_recap", str(DECK), "--year", "2020", "--update", stdout=StringIO())
    assert NewsItem.objects.count() == 25


def test_dry_run_writes_nothing_and_errors_name_the_line(tmp_path):
    out = StringIO()
    call_command("import_recap", str(DECK), "--year", "2020", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and "[new category]" in out.getvalue()
    assert not WeeklyIssue.objects.exists() and not Category.objects.exists()
    bad = tmp_path / "bad.md"
    bad.write_text("# ML Weekly (Sept. 31st)\n1. (DL) A\n")
    with pytest.raises(CommandError, match="line 1: unknown date 'Sept. 31st'"):
        call_command("import_recap", str(bad), "--year", "2020")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_recap", str(tmp_path / "missing.md"))


def test_export_recap_round_trips_the_loaded_course():
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("export_recap", "--from", "2020-09-01", "--to", "2020-12-31", "--with-insights", stdout=out)
    recap = parse_recap(out.getvalue(), year=2020)
    assert len(recap.issues) == 8 and sum(len(issue.items) for issue in recap.issues) == 25
    vit = recap.issues[3].items[1]
    assert "transformers" in vit.tags and vit.excerpt.startswith("While the Transformer")
    assert recap.discussion_prompt == "What are your thoughts? Where will ML take you?"
    assert [insight.number for insight in recap.insights] == [1, 2, 3, 4]
    out = StringIO()
    call_command("export_recap", "--from", "2020-12-01", stdout=out)
    assert out.getvalue().startswith("# ML Weekly (Dec. 4th, 2020)\n") and "Insights" not in out.getvalue()


def edited_week():
    """A week with every field an instructor edits filled in, as the admin would save it."""
    vision = CategoryFactory(label="Vision", name="Computer Vision", slug="vision")
    ml = CategoryFactory(label="ML", name="ML", slug="ml")
    earlier = WeeklyIssueFactory(issue_date=datetime.date(2020, 9, 25), title="ML Weekly")
    dynabench = NewsItemFactory(issue=earlier, position=1, category=ml, title="Dynabench")
    issue = WeeklyIssueFactory(
        issue_date=datetime.date(2020, 10, 9),
        title="ML Weekly — reading week",
        introduction="Three papers and a robot.",
    )
    vit = NewsItemFactory(
        issue=issue,
        position=1,
        category=vision,
        title="An Image Is Worth 16x16 Words",
        link="https://example.org/vit",
        source="OpenReview",
        summary="Transformers read images as patches.",
        excerpt_title="Abstract",
        excerpt="While the Transformer…\n\nIt works.",
    )
    vit.tags.set(["transformers", "vision"])
    MediaFactory(
        item=vit,
        position=1,
        kind=Media.Kind.FIGURE,
        alt_text='Patches [in a grid] fed to a "transformer"',
        caption="Figure 1",
        subfigure_label="(a)",
        credit="The authors",
        licence="CC-BY",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
    )
    MediaFactory(
        item=vit,
        position=2,
        image="",
        external_url="https://example.org/robot_(1).jpg",
        kind=Media.Kind.VIDEO,
        alt_text="A curling robot",
        caption="",
    )
    robot = NewsItemFactory(issue=issue, position=2, category=ml, title="Curling robots", source="Science")
    insight = InsightFactory(
        number=1, headline="growing exponentially", body="AI/ML advances growing exponentially"
    )
    insight.evidence.set([robot, vit, dynabench])
    return issue


def pixels(field):
    with field.open("rb"), Image.open(field) as image:
        return image.size, image.tobytes()


def board_state():
    """Everything an instructor edits on the board's issues, items, pictures and insights."""
    issues = [
        (
            issue.issue_date,
            issue.title,
            issue.introduction,
            [
                (
                    item.position,
                    item.category.label,
                    item.category.name,
                    item.title,
                    item.link,
                    item.source,
                    item.summary,
                    item.excerpt_title,
                    item.excerpt,
                    [tag.name for tag in item.tag_list],
                    [
                        (
                            media.position,
                            media.kind,
                            media.external_url,
                            pixels(media.image) if media.image else None,
                            bool(media.thumbnail),
                            media.caption,
                            media.subfigure_label,
                            media.credit,
                            media.licence,
                            media.licence_url,
                            media.alt_text,
                        )
                        for media in item.media_list
                    ],
                )
                for item in issue.item_list
            ],
        )
        for issue in WeeklyIssue.objects.with_items().order_by("issue_date")
    ]
    insights = [
        (
            insight.number,
            insight.headline,
            insight.body,
            sorted((item.issue.issue_date, item.position) for item in insight.evidence.all()),
        )
        for insight in Insight.objects.all()
    ]
    return issues, insights


def export_board():
    issues = WeeklyIssue.objects.with_items().order_by("issue_date")
    return export_recap(recap_from_issues(issues, Insight.objects.all()))


def test_import_of_the_export_gives_back_every_field_on_an_empty_board():
    edited_week()
    before, text = board_state(), export_board()
    Insight.objects.all().delete()
    WeeklyIssue.objects.all().delete()
    Category.objects.all().delete()
    services.recap_import(parse_recap(text))
    assert board_state() == before
    assert export_board() == text


def test_updating_from_the_export_restores_every_field_in_place():
    issue = edited_week()
    before, text = board_state(), export_board()
    picture = Media.objects.get(position=1)
    WeeklyIssue.objects.filter(pk=issue.pk).update(title="Renamed", introduction="")
    NewsItem.objects.update(summary="", source="", excerpt="")
    Media.objects.filter(position=1).update(caption="", credit="", kind=Media.Kind.PHOTO)
    Media.objects.filter(position=2).delete()
    Insight.objects.get().evidence.clear()
    services.recap_import(parse_recap(text), update_existing=True)
    assert board_state() == before
    assert Media.objects.get(position=1).image.name == picture.image.name, "the upload is kept, not copied"


def test_a_picture_that_is_not_on_the_board_is_refused_and_nothing_is_written():
    text = WEEK + "   ![A chart](/media/uploads/2020/10/missing.png)\n"
    with pytest.raises(services.ValidationError, match="is not on this board"):
        services.recap_import(parse_recap(text, year=2020))
    assert not WeeklyIssue.objects.exists() and not Category.objects.exists()


def test_evidence_must_be_an_item_of_the_board_or_the_recap():
    text = WEEK + "\n## Insights\n\n1. **Growing**\n   Evidence: 2020-10-09 #3\n"
    with pytest.raises(services.ValidationError, match="cites item 3 of the week of 2020-10-09"):
        services.recap_import(parse_recap(text, year=2020))
    assert not Insight.objects.exists()


def test_a_picture_uploaded_for_another_item_is_copied_with_its_own_thumbnails():
    other = MediaFactory(alt_text="The original")
    text = WEEK + f"   ![A copy]({other.image.url})\n"
    services.recap_import(parse_recap(text, year=2020))
    copy = Media.objects.get(alt_text="A copy")
    assert copy.image.name != other.image.name and copy.thumbnail.name != other.thumbnail.name
    assert pixels(copy.image) == pixels(other.image)
