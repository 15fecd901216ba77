"""The Markdown recap: parsing the course's format, exporting it, and reading back what we write."""

import datetime
import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from items.demo import course
from items.recap import (
    Recap,
    RecapError,
    RecapInsight,
    RecapIssue,
    RecapItem,
    RecapMedia,
    export_recap,
    format_date,
    parse_date,
    parse_recap,
)

DECK = Path(__file__).resolve().parent.parent / "items" / "demo" / "deck.md"
FALL_2020 = datetime.date(2020, 8, 1)


def test_the_course_deck_yields_the_same_issues_and_items_as_load_demo():
    recap = parse_recap(DECK.read_text(), year=2020)
    expected = [
        (date, [(item["category"], item["title"]) for item in items]) for date, items in course.ISSUES
    ]
    got = [(issue.date, [(item.category, item.title) for item in issue.items]) for issue in recap.issues]
    assert got == expected
    assert sum(len(issue.items) for issue in recap.issues) == 25
    assert recap.categories == [label for label, _ in course.CATEGORIES]
    assert [insight.number for insight in recap.insights] == [1, 2, 3, 4]
    assert [insight.headline for insight in recap.insights[:3]] == [
        headline for _, headline, _, _ in course.INSIGHTS[:3]
    ]
    assert recap.insights[0].body == course.INSIGHTS[0][2]
    assert recap.discussion_prompt == course.OPEN_DISCUSSION["prompt"]


def test_the_deck_keeps_its_quoted_passages():
    recap = parse_recap(DECK.read_text(), year=2020)
    dynabench = recap.issues[1].items[0]
    assert dynabench.excerpt_title == "Rethinking AI Benchmarking"
    assert dynabench.excerpt == course.DYNABENCH
    feature_visualization = recap.issues[5].items[1]
    assert feature_visualization.excerpt_title == "Feature Visualization"
    assert "GoogLeNet" in feature_visualization.excerpt


def test_the_deck_year_is_inferred_from_the_term():
    recap = parse_recap(DECK.read_text(), term_start=FALL_2020)
    assert [issue.date for issue in recap.issues] == [date for date, _ in course.ISSUES]


def test_a_week_in_the_documented_format():
    text = """# ML Weekly (Oct. 9th)

1. **(ML)** NeurIPS 2020 Accepted Papers
   <https://neurips.cc/Conferences/2020/AcceptedPapersInitial>
   Tags: conferences, research
2. **(Vision)** "Farewell Convolutions": Anonymous ICLR 2021 Paper
   Link: https://openreview.net/forum?id=YicbFdNTTy
   While the Transformer architecture has become the de-facto standard.

   It works.
3. (DS) Plotly Visualization

A following paragraph is the last item's excerpt.

## Insights

1. AI/ML advances **growing exponentially**
"""
    recap = parse_recap(text, year=2020)
    (issue,) = recap.issues
    assert issue.date == datetime.date(2020, 10, 9)
    first, second, third = issue.items
    assert first.link == "https://neurips.cc/Conferences/2020/AcceptedPapersInitial"
    assert first.tags == ["conferences", "research"]
    assert second.title == '"Farewell Convolutions": Anonymous ICLR 2021 Paper'
    assert second.link == "https://openreview.net/forum?id=YicbFdNTTy"
    assert (
        second.excerpt == "While the Transformer architecture has become the de-facto standard.\n\nIt works."
    )
    assert third.excerpt == "A following paragraph is the last item's excerpt."
    assert recap.insights == [
        RecapInsight(1, "growing exponentially", "AI/ML advances growing exponentially")
    ]


def test_build_up_slides_merge_and_the_last_wording_wins():
    text = """# ML Weekly (Sept. 18th)
1. (DL) First draft title
# ML Weekly (Sept. 18th)
1. **(DL)** Final title
2. **(NLP)** Second
"""
    (issue,) = parse_recap(text, year=2020).issues
    assert [(item.position, item.category, item.title) for item in issue.items] == [
        (1, "DL", "Final title"),
        (2, "NLP", "Second"),
    ]


def test_windows_line_endings_and_a_byte_order_mark_are_read():
    (issue,) = parse_recap("\ufeff# ML Weekly (Oct. 2nd)\r\n1. **(ML)** Distill\r\n", year=2020).issues
    assert issue.date == datetime.date(2020, 10, 2) and issue.items[0].title == "Distill"


@pytest.mark.parametrize("label", ["NEW0", "News", "New Tech"])
def test_labels_that_merely_start_with_new_are_kept(label):
    recap = parse_recap(f"# ML Weekly (Oct. 9th)\n1. **({label})** A story\n", year=2020)
    assert recap.issues[0].items[0].category == label


def test_new_category_label_on_the_slide_means_the_category():
    (issue,) = parse_recap("# ML Weekly (Dec. 4th)\n1. **(NEW! Ethics!)** Timnit Gebru", year=2020).issues
    assert issue.items[0].category == "Ethics"


@pytest.mark.parametrize(
    ("text", "day"),
    [("Sept. 18th", datetime.date(2020, 9, 18)), ("Dec. 4th", datetime.date(2020, 12, 4))],
)
def test_dates_in_the_fall_term(text, day):
    assert parse_date(text, term_start=FALL_2020) == day
    assert format_date(day) == text


def test_a_january_date_after_a_fall_term_is_next_year():
    assert parse_date("Jan. 8th", term_start=FALL_2020) == datetime.date(2021, 1, 8)
    assert parse_date("Jan. 8th", year=2020) == datetime.date(2020, 1, 8)
    assert parse_date("Oct. 2nd, 2019", term_start=FALL_2020) == datetime.date(2019, 10, 2)


def test_export_writes_the_course_format():
    recap = Recap(
        issues=[
            RecapIssue(
                date=datetime.date(2020, 10, 9),
                items=[
                    RecapItem(
                        1,
                        "Vision",
                        '"Farewell Convolutions": Anonymous ICLR 2021 Paper',
                        link="https://example.org/vit",
                        excerpt_title="An Image Is Worth 16x16 Words",
                        excerpt="While the Transformer…",
                        tags=["transformers", "research"],
                    )
                ],
            )
        ],
        insights=[RecapInsight(1, "growing exponentially", "AI/ML advances growing exponentially")],
    )
    assert export_recap(recap) == (
        "# ML Weekly (Oct. 9th, 2020)\n\n"
        '1. **(Vision)** "Farewell Convolutions": Anonymous ICLR 2021 Paper\n'
        "   <https://example.org/vit>\n"
        "   Tags: transformers, research\n\n"
        "   ### An Image Is Worth 16x16 Words\n"
        "   While the Transformer…\n\n"
        "## Insights\n\n"
        "1. AI/ML advances **growing exponentially**\n"
    )


FULL_WEEK = """# ML Weekly (Oct. 9th, 2020)

Title: ML Weekly — reading week
Three papers and a robot.

1. **(Vision)** An Image Is Worth 16x16 Words
   <https://example.org/vit>
   Source: OpenReview
   Tags: transformers
   Summary: Transformers read images as patches.
   ![Patches \\[in a grid\\] fed to a \\\\ transformer](/media/uploads/vit.png "Figure 1, \\"the\\" model")
     Kind: Figure
     Label: (a)
     Credit: The authors
     Licence: CC-BY <https://creativecommons.org/licenses/by/4.0/>
   ![A robot](<https://example.org/robot_(1).jpg>)
     Licence: <https://example.org/terms>

   ### Abstract
   While the Transformer…

## Insights

1. AI/ML advances **growing exponentially**
   Evidence: 2020-10-09 #1, 2020-09-25 #2

## Categories

- **(Vision)** Computer Vision
"""


def test_every_field_an_instructor_edits_is_written_and_read():
    recap = parse_recap(FULL_WEEK, year=2019)
    (issue,) = recap.issues
    assert issue.date == datetime.date(2020, 10, 9), "the heading's year wins"
    assert issue.title == "ML Weekly — reading week"
    assert issue.introduction == "Three papers and a robot."
    (item,) = issue.items
    assert (item.source, item.summary) == ("OpenReview", "Transformers read images as patches.")
    assert item.excerpt_title == "Abstract" and item.excerpt == "While the Transformer…"
    figure, robot = item.media
    assert figure == RecapMedia(
        src="/media/uploads/vit.png",
        alt_text="Patches [in a grid] fed to a \\ transformer",
        caption='Figure 1, "the" model',
        kind="figure",
        subfigure_label="(a)",
        credit="The authors",
        licence="CC-BY",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
    )
    assert robot == RecapMedia(
        src="https://example.org/robot_(1).jpg", alt_text="A robot", licence_url="https://example.org/terms"
    )
    assert recap.insights[0].evidence == [(datetime.date(2020, 10, 9), 1), (datetime.date(2020, 9, 25), 2)]
    assert recap.category_names == {"Vision": "Computer Vision"}
    assert export_recap(recap) == FULL_WEEK


MALFORMED = [
    ("# ML Weekly (Sept. 31st)\n1. (DL) A", 1, "unknown date 'Sept. 31st'"),
    ("# ML Weekly (Septober 3rd)\n1. (DL) A", 1, "unknown date 'Septober 3rd'"),
    ("# ML Weekly\n1. (DL) A", 1, "needs its date"),
    (
        "# ML Weekly (Oct. 9th)\n\n1. (DL) A\n2. No label here",
        4,
        "item without a category label such as **(NLP)**",
    ),
    (
        "# ML Weekly (Oct. 9th)\n1. (DL) A\n1. (ML) B",
        3,
        "item number 1 appears twice on this slide (first on line 2)",
    ),
    ("# ML Weekly (Oct. 9th)\n1. (DL) A\n3. (ML) B", 3, "item number 3 should be 2"),
    ("# ML Weekly (Oct. 9th)\n1. **(DL)**", 2, "has no title"),
    ("# ML Weekly (Oct. 9th)\n1. (Deep learning, mostly!) A", 2, "is not a category label"),
    ("# ML Weekly (Oct. 9th)\n1. ()  A", 2, "the category label is empty"),
    ("Some notes\n\n1. (NLP) A stray item", 3, "item is not under a week heading"),
    ("Just some text.", 1, "no week found"),
    ("# ML Weekly (Oct. 9th)\n1. (DL) A\n   Link: ftp//nowhere", 3, "'ftp//nowhere' is not a web address"),
    ("# ML Weekly (Oct. 9th)\n1. (DL) A\n   Tags: gpus, , chips", 3, "tags separated by commas"),
    ("# ML Weekly (Oct. 9th)\n1. (DL) " + "x" * 301, 2, "longer than 300 characters"),
    ("# ML Weekly (Oct. 9th)\n## 2. (DL) Only the second", 1, "has no item 1"),
    ("# ML Weekly (Oct. 9th)\n## A passage before any item\ntext", 2, "before any item"),
    ("# ML Weekly (Oct. 9th)\n1. (DL) A\n# Insights\n1. One\n1. Again", 5, "insight number 1 appears twice"),
    (
        "# ML Weekly (Oct. 9th)\n1. (DL) A\n   ![](https://example.org/a.png)",
        3,
        "description for screen readers",
    ),
    ("# ML Weekly (Oct. 9th)\n1. (DL) A\n   ![A](ftp://example.org/a.png)", 3, "not a picture's address"),
    ("# ML Weekly (Oct. 9th)\n1. (DL) A\n   Credit: me", 3, "belongs under a picture line"),
    ("# ML Weekly (Oct. 9th)\n1. (DL) A\n   ![A](/a.png)\n     Kind: Painting", 4, "not a kind of picture"),
    ("# ML Weekly (Oct. 9th)\n1. (DL) A\n   ![A](/a.png)\n     Licence: x <nowhere>", 4, "not a web address"),
    ("# ML Weekly (Oct. 9th)\n1. (DL) A\n   Source: " + "x" * 121, 3, "source is longer than 120"),
    ("# ML Weekly (Oct. 9th)\nTitle: \n1. (DL) A", 2, "the Title line is empty"),
    (
        "# ML Weekly (Oct. 9th)\n1. (DL) A\n# Insights\n1. One\n   Evidence: 2020-10-32 #1",
        5,
        "is not an item",
    ),
    ("# ML Weekly (Oct. 9th)\n1. (DL) A\n## Categories\n- Vision", 4, "a category line reads like"),
]


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED)
def test_errors_name_the_line_and_what_is_wrong(text, line, message):
    with pytest.raises(RecapError) as caught:
        parse_recap(text, year=2020)
    problems = [str(problem) for problem in caught.value]
    assert any(problem.startswith(f"line {line}: ") and message in problem for problem in problems), problems


def test_every_problem_is_reported_at_once_in_line_order():
    text = "# ML Weekly (Oct. 9th)\n1. No label\n2. (DL) B\n# ML Weekly (Sept. 31st)\n1. (DL) A\n2. oops\n"
    with pytest.raises(RecapError) as caught:
        parse_recap(text, year=2020)
    # The items under a rejected heading are still checked, and not reported as homeless.
    assert [problem.line for problem in caught.value] == [2, 4, 6]
    assert str(caught.value).startswith("line 2: item without a category label")


# Generated recaps stick to what the format can say: no emphasis markers, no leading markup.
WORD = st.text(alphabet=string.ascii_letters + string.digits + "'\"?!-–—:;,&", min_size=1, max_size=12)
PHRASE = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
SAFE_START = re.compile(r"^[A-Za-z]")
KEYS = (
    "tags:",
    "link:",
    "source:",
    "summary:",
    "kind:",
    "label:",
    "credit:",
    "licence:",
    "license:",
    "title:",
)
TEXT = PHRASE.filter(lambda text: bool(SAFE_START.match(text)) and not text.lower().startswith(KEYS))
# Free text in a detail line or a picture: anything printable, on one line.
LINE = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85\xa0"
        ),
        min_size=1,
        max_size=40,
    )
    .map(lambda text: re.sub(r"\s+", " ", text).strip())
    .filter(bool)
)
LABEL = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=20).filter(
    lambda label: label.lower() != "new"
)
TAG = st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=15).filter(
    lambda tag: tag.strip("-")
)
LINK = st.one_of(st.just(""), st.from_regex(r"https://example\.org/[a-z0-9/-]{0,20}", fullmatch=True))
EXCERPT = st.one_of(st.just(""), st.lists(TEXT, min_size=1, max_size=3).map("\n\n".join))
OPTIONAL_LINE = st.one_of(st.just(""), LINE)
PICTURE_SRC = st.one_of(
    st.from_regex(r"https://example\.org/[a-z0-9/()-]{0,20}\.png", fullmatch=True),
    st.from_regex(r"/media/uploads/2020/10/[a-z0-9_-]{1,12}\.(png|jpg|webp)", fullmatch=True),
)
MEDIA = st.builds(
    RecapMedia,
    src=PICTURE_SRC,
    alt_text=LINE,
    caption=OPTIONAL_LINE,
    kind=st.sampled_from(["photo", "screenshot", "figure", "chart", "video"]),
    subfigure_label=st.one_of(st.just(""), st.from_regex(r"\([a-z]\)", fullmatch=True)),
    credit=OPTIONAL_LINE,
    licence=st.one_of(st.just(""), st.from_regex(r"CC-[A-Z-]{2,8}", fullmatch=True)),
    licence_url=LINK,
)


@st.composite
def recaps(draw):
    dates = draw(
        st.lists(
            st.dates(min_value=FALL_2020, max_value=FALL_2020 + datetime.timedelta(days=300)),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    issues = []
    for date in sorted(dates):
        count = draw(st.integers(min_value=1, max_value=4))
        items = [
            RecapItem(
                position=position,
                category=draw(LABEL),
                title=draw(PHRASE),
                link=draw(LINK),
                excerpt_title=draw(st.one_of(st.just(""), TEXT)),
                excerpt=draw(EXCERPT),
                tags=draw(st.lists(TAG, max_size=3, unique=True)),
                source=draw(OPTIONAL_LINE),
                summary=draw(OPTIONAL_LINE),
                media=draw(st.lists(MEDIA, max_size=3)),
            )
            for position in range(1, count + 1)
        ]
        title = draw(st.one_of(st.just("ML Weekly"), LINE))
        introduction = draw(st.one_of(st.just(""), TEXT))
        issues.append(RecapIssue(date=date, items=items, title=title, introduction=introduction))
    insights = []
    for number in range(1, draw(st.integers(min_value=0, max_value=3)) + 1):
        words = draw(st.lists(WORD, min_size=2, max_size=8))
        start = draw(st.integers(min_value=0, max_value=len(words) - 1))
        end = draw(st.integers(min_value=start + 1, max_value=len(words)))
        places = [(issue.date, item.position) for issue in issues for item in issue.items]
        evidence = sorted(draw(st.sets(st.sampled_from(places), max_size=3)))
        insights.append(RecapInsight(number, " ".join(words[start:end]), " ".join(words), evidence=evidence))
    prompt = draw(st.one_of(st.just(""), TEXT))
    labels = list(dict.fromkeys(item.category for issue in issues for item in issue.items))
    named = draw(st.lists(st.sampled_from(labels), unique=True, max_size=len(labels)))
    names = {
        label: draw(PHRASE.filter(lambda name, label=label: name != label and len(name) <= 60))
        for label in named
    }
    return Recap(issues=issues, insights=insights, discussion_prompt=prompt, category_names=names)


@settings(max_examples=80, deadline=None)
@given(recaps())
def test_parse_reads_back_what_export_writes(recap):
    """Every field of every week, item, picture, insight and category survives (the year too)."""
    assert parse_recap(export_recap(recap), year=1999) == recap
