"""Importing a Markdown recap through the service and the management commands."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from items import services
from items.models import Category, Insight, NewsItem, WeeklyIssue
from items.recap import parse_recap
from tests.factories import CategoryFactory, DiscussionFactory, NewsItemFactory, WeeklyIssueFactory

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
    assert out.getvalue().startswith("# ML Weekly (Dec. 4th)\n") and "Insights" not in out.getvalue()
