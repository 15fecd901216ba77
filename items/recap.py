"""Markdown recaps, the way the course writes them: parse and export as pure functions.

The format (what ``export_recap`` writes and ``parse_recap`` reads back)::

    # ML Weekly (Oct. 9th, 2020)

    Title: ML Weekly — reading week edition
    Three papers and a robot this week.

    1. **(ML)** NeurIPS 2020 Accepted Papers
       <https://neurips.cc/Conferences/2020/AcceptedPapersInitial>
       Source: NeurIPS
       Tags: conferences, research
       Summary: 1,900 papers made it in; the list is searchable.
    2. **(Vision)** "Farewell Convolutions": Anonymous ICLR 2021 Paper …
       ![A grid of image patches fed to a transformer](https://example.org/vit.png "Figure 1 of the paper")
         Kind: Figure
         Label: (a)
         Credit: Dosovitskiy et al.
         Licence: CC-BY <https://creativecommons.org/licenses/by/4.0/>

       ### An Image Is Worth 16x16 Words
       While the Transformer architecture has become …

    ## Insights

    1. AI/ML advances **growing exponentially** (~30,000 papers annually published)
       Evidence: 2020-10-09 #1, 2020-12-04 #2

    ## Categories

    - **(Vision)** Computer Vision

    # Open Discussion

    What are your thoughts? Where will ML take you?

The week heading carries the year (without it, the year comes from the term). Before the
first item, a ``Title:`` line names an issue not called "ML Weekly", and text is its
introduction. Under an item, indented lines give its link (``<https://…>``, a bare address or
``Link: https://…``), its source (``Source:``), topic tags (``Tags: a, b``), summary
(``Summary:``) and pictures (``![what it shows](address "caption")``, an uploaded picture by
its ``/media/…`` address, then its ``Kind``, ``Label``, ``Credit`` and ``Licence``), and, after
a blank line, its excerpt (an optional ``###`` heading, then paragraphs). An insight's
``Evidence:`` line cites items by week and number. Publishing is not part of a recap: an
import makes drafts and leaves an insight's "published" tick alone.

The course's own slides are read too: the label may be plain ``(DL)`` or ``**(DL)**`` or bold
with the title, ``(NEW! Ethics!)`` means Ethics, ``## 1. (ML) Title`` is a slide about item 1, a
``## Heading`` after the list starts an excerpt, and repeated "build-up" slides of one week merge
into one issue. The slides' media credit lines (``CC-BY-NC by stevekc``, ``(a)``,
``Figure 1 | …``) are skipped there: their pictures are uploaded in the admin.
"""

import datetime
import re
from dataclasses import dataclass, field

TITLE_MAX = 300
LABEL_MAX = 20
EXCERPT_TITLE_MAX = 200
LINK_MAX = 500
TAG_MAX = 100
INSIGHT_HEADLINE_MAX = 200
ISSUE_TITLE_MAX = 120
DEFAULT_ISSUE_TITLE = "ML Weekly"
CATEGORY_NAME_MAX = 60
# The longest each single-line field may be, as the models allow.
FIELD_MAX = {
    "source": 120,
    "caption": 300,
    "credit": 120,
    "licence": 40,
    "licence_url": 200,
    "alt_text": 1000,
    "subfigure_label": 8,
}
MEDIA_KINDS = ["photo", "screenshot", "figure", "chart", "video"]

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
# How the course abbreviates months on its slides.
MONTH_LABELS = {
    1: "Jan.",
    2: "Feb.",
    3: "March",
    4: "April",
    5: "May",
    6: "June",
    7: "July",
    8: "Aug.",
    9: "Sept.",
    10: "Oct.",
    11: "Nov.",
    12: "Dec.",
}

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
ISSUE_HEADING = re.compile(r"^ML Weekly\s*(?:\((?P<date>[^)]*)\)?)?\s*$", re.IGNORECASE)
DATE = re.compile(
    r"^(?P<month>[A-Za-z]+)\.?\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s*(?P<year>\d{4}))?$",
    re.IGNORECASE,
)
NUMBERED = re.compile(r"^ {0,2}(?P<number>\d+)\.\s+(?P<rest>\S.*?)\s*$")
LABELLED = [
    re.compile(r"^\*\*\((?P<label>[^)]*)\)\*\*\s*(?P<title>.*)$"),
    re.compile(r"^\*\*\((?P<label>[^)]*)\)\s*(?P<title>.*?)\*\*$"),
    re.compile(r"^\((?P<label>[^)]*)\)\s*(?P<title>.*)$"),
]
LABEL_TEXT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 &/+.-]*$")
LINK_LINE = re.compile(
    r"^(?:link:\s*(?P<prefixed>.*)|<(?P<angled>https?://[^>\s]*)>|(?P<bare>https?://\S+))$", re.I
)
URL = re.compile(r"^https?://[^\s<>]+\.[^\s<>]+$|^https?://localhost[^\s<>]*$", re.I)
TAGS_LINE = re.compile(r"^tags:(?P<tags>.*)$", re.IGNORECASE)
KEY_LINE = re.compile(r"^(?P<key>source|summary|kind|label|credit|licen[cs]e):\s*(?P<value>.*)$", re.I)
PICTURE_LINE = re.compile(
    r"^!\[(?P<alt>(?:\\.|[^\]\\])*)\]\(\s*(?:<(?P<angled>[^>]*)>|(?P<src>[^\s()<>]+))"
    r'(?:\s+"(?P<caption>(?:\\.|[^"\\])*)")?\s*\)$'
)
PICTURE_SRC = re.compile(r"^(?:https?://[^\s<>]+|/[^\s<>]*)$", re.I)
LICENCE_VALUE = re.compile(r"^(?P<name>.*?)\s*(?:<(?P<url>[^>\s]*)>)?$")
EVIDENCE_ENTRY = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})\s*#(?P<position>\d{1,3})$")
CATEGORY_LINE = re.compile(r"^[-*+]\s+(?P<rest>\S.*)$")
MEDIA_NOTE = re.compile(
    r"^(?:CC[-\w.]*\s+by\s+\S.*|\([a-z]\)|Figure\s+\d+\b.*|[-–—_*]+|\\?\$?&nbsp;)$", re.IGNORECASE
)
BOLD = re.compile(r"\*\*(.+?)\*\*")


class RecapError(Exception):
    """Everything wrong with a recap, each problem with its line number."""

    def __init__(self, problems):
        self.problems = sorted(problems, key=lambda problem: problem.line)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __iter__(self):
        return iter(self.problems)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


@dataclass
class RecapMedia:
    """A picture: ``src`` is an address elsewhere (https://…) or an upload's own (/media/…)."""

    src: str
    alt_text: str
    caption: str = ""
    kind: str = "photo"
    subfigure_label: str = ""
    credit: str = ""
    licence: str = ""
    licence_url: str = ""


@dataclass
class RecapItem:
    position: int
    category: str
    title: str
    link: str = ""
    excerpt_title: str = ""
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)
    source: str = ""
    summary: str = ""
    media: list[RecapMedia] = field(default_factory=list)
    line: int = field(default=0, compare=False, repr=False)


@dataclass
class RecapIssue:
    date: datetime.date
    items: list[RecapItem] = field(default_factory=list)
    title: str = DEFAULT_ISSUE_TITLE
    introduction: str = ""
    line: int = field(default=0, compare=False, repr=False)

    @property
    def heading(self):
        return f"ML Weekly ({format_date(self.date)}, {self.date.year})"


@dataclass
class RecapInsight:
    number: int
    headline: str
    body: str
    # The items it cites, as (week, item number).
    evidence: list[tuple[datetime.date, int]] = field(default_factory=list)
    line: int = field(default=0, compare=False, repr=False)


@dataclass
class Recap:
    issues: list[RecapIssue] = field(default_factory=list)
    insights: list[RecapInsight] = field(default_factory=list)
    discussion_prompt: str = ""
    # Full names of categories by label ("Vision" → "Computer Vision"), for new categories.
    category_names: dict[str, str] = field(default_factory=dict)

    @property
    def categories(self):
        """Category labels in the order the recap first uses them."""
        return list(dict.fromkeys(item.category for issue in self.issues for item in issue.items))


def ordinal(day):
    if 10 <= day % 100 <= 20:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def format_date(date):
    """``Sept. 18th``: a date as the course's slide headings write it."""
    return f"{MONTH_LABELS[date.month]} {ordinal(date.day)}"


def default_term_start(today=None):
    """The start of the term around ``today``: September for the fall, January otherwise."""
    today = today or datetime.date.today()
    return datetime.date(today.year, 8, 1) if today.month >= 8 else datetime.date(today.year, 1, 1)


def parse_date(text, *, year=None, term_start=None):
    """``Sept. 18th`` → a date; the year is the one given, or the next such day from the term start."""
    match = DATE.match(text.strip())
    month = match and MONTHS.get(match["month"].lower())
    if not month:
        return None
    day = int(match["day"])
    try:
        if match["year"]:
            return datetime.date(int(match["year"]), month, day)
        if year:
            return datetime.date(year, month, day)
        start = term_start or default_term_start()
        candidate = datetime.date(start.year, month, day)
        return candidate if candidate >= start else datetime.date(start.year + 1, month, day)
    except ValueError:
        return None


def clean_inline(text):
    """Slide text without emphasis markers or TeX, spaces collapsed."""
    text = re.sub(r"\(\s*\$\\sim\$\s*", "(~", text)
    text = re.sub(r"\s*\$\\sim\$\s*", " ~", text).replace("\\$", "$").replace("**", "")
    text = re.sub(r"(?<!\w)\*(\S(?:.*?\S)?)\*(?!\w)", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def normalise_label(label):
    """``NEW! Ethics!`` → ``Ethics``: the deck marks a new category on its first slide."""
    label = re.sub(r"^\s*new!\s*", "", label, flags=re.IGNORECASE)
    return label.strip().rstrip("!").strip()


@dataclass
class _Excerpt:
    item: RecapItem
    line: int
    title: str = ""
    lines: list = field(default_factory=list)


class _Parser:
    def __init__(self, year, term_start):
        self.year = year
        self.term_start = term_start
        self.problems = []
        self.issues = {}
        self.insights = {}
        self.prompt_lines = []
        self.section = None
        self.issue = None
        self.slide_numbers = {}
        self.item = None
        self.in_item_head = False
        self.last_item = None
        self.excerpt = None
        self.blank_before = False
        self.picture = None
        self.introduction = []
        self.category_names = {}

    def error(self, line, message):
        self.problems.append(Problem(line, message))

    def parse(self, text):
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.replace("\t", "    ").rstrip()
            if not line.strip():
                self.blank_before = True
                self.in_item_head = False
                if self.excerpt and self.excerpt.lines and self.excerpt.lines[-1] != "":
                    self.excerpt.lines.append("")
                continue
            self.read_line(number, line)
            self.blank_before = False
        self.finish_excerpt()
        return self.result()

    def read_line(self, number, line):
        heading = HEADING.match(line)
        if heading:
            self.read_heading(number, len(heading[1]), heading[2])
            return
        if self.section == "issue":
            self.read_issue_line(number, line)
        elif self.section == "insights":
            self.read_insight_line(number, line)
        elif self.section == "discussion":
            self.prompt_lines.append(line.strip())
        elif self.section == "categories":
            self.read_category_line(number, line.strip())
        else:
            numbered = NUMBERED.match(line)
            if numbered and self.split_label(numbered["rest"]):
                self.error(
                    number,
                    "item is not under a week heading; start the week with a heading such as "
                    "# ML Weekly (Oct. 9th)",
                )

    def start_section(self, section):
        self.finish_excerpt()
        self.section = section
        self.slide_numbers = {}
        self.item = None
        self.last_item = None
        self.in_item_head = False
        self.picture = None
        self.introduction = []

    def read_heading(self, number, level, text):
        issue_heading = ISSUE_HEADING.match(text)
        if issue_heading and level <= 2:
            if issue_heading["date"] is None:
                self.error(number, "the week heading needs its date, e.g. # ML Weekly (Oct. 9th)")
                self.start_rejected_week(number)
                return
            date = parse_date(issue_heading["date"], year=self.year, term_start=self.term_start)
            if date is None:
                self.error(
                    number, f"unknown date '{issue_heading['date'].strip()}' (write it like Sept. 18th)"
                )
                self.start_rejected_week(number)
                return
            self.start_section("issue")
            self.issue = self.issues.setdefault(date, RecapIssue(date=date, line=number))
            return
        name = clean_inline(text).lower().rstrip(":")
        if level <= 2 and name == "insights":
            self.start_section("insights")
            return
        if level <= 2 and name == "open discussion":
            self.start_section("discussion")
            return
        if level <= 2 and name == "categories":
            self.start_section("categories")
            return
        if self.section == "issue":
            numbered = NUMBERED.match(text)
            if numbered and level >= 2:
                # A slide about one item ("## 1. (ML) Introducing the Distill Journal").
                self.finish_excerpt()
                self.slide_numbers = {}
                item = self.read_item(number, numbered, check_order=False)
                if item:
                    self.excerpt = _Excerpt(item=item, line=number)
                return
            if level >= 2:
                self.start_heading_excerpt(number, clean_inline(text))
                return
        if self.section in ("insights", "discussion") and level >= 2:
            return
        self.start_section("other")

    def start_rejected_week(self, number):
        """Keep checking the items of a week whose heading is wrong, without keeping the week."""
        self.start_section("issue")
        self.issue = RecapIssue(date=None, line=number)

    def start_heading_excerpt(self, number, title):
        if self.excerpt and self.excerpt.lines == [] and not self.excerpt.title:
            self.excerpt.title = title[:EXCERPT_TITLE_MAX]
            return
        if self.excerpt and self.excerpt.title:
            # A sub-heading inside a quoted passage (the paper's "ABSTRACT") is part of its text.
            self.excerpt.lines.append(title)
            return
        self.finish_excerpt()
        if self.last_item is None:
            self.error(number, "a passage heading comes before any item of the week")
            return
        target = self.last_item
        for item in self.issue.items:
            if clean_inline(item.title).lower().startswith(title.lower()):
                target = item
                break
        self.excerpt = _Excerpt(item=target, line=number, title=title[:EXCERPT_TITLE_MAX])

    def read_issue_line(self, number, line):
        numbered = NUMBERED.match(line)
        indented = line.startswith(" ") and not numbered
        if numbered:
            self.finish_excerpt()
            self.item = self.read_item(number, numbered, check_order=True)
            self.in_item_head = self.item is not None
            return
        text = line.strip()
        if indented and self.item is not None:
            if self.in_item_head and not self.excerpt and self.read_item_detail(number, text):
                return
            if not self.excerpt:
                self.excerpt = _Excerpt(item=self.item, line=number)
                self.in_item_head = False
                if text.startswith("#"):
                    self.excerpt.title = clean_inline(text.lstrip("#"))
                    return
            self.excerpt.lines.append(text)
            return
        if MEDIA_NOTE.match(text):
            return
        if self.excerpt is None:
            if self.last_item is None:
                self.read_issue_head(number, text)
                return
            self.excerpt = _Excerpt(item=self.last_item, line=number)
        self.item = None
        self.in_item_head = False
        self.excerpt.lines.append(text)

    def read_issue_head(self, number, text):
        """Text before a week's first item: its ``Title:`` line, then its introduction."""
        title = re.match(r"^title:\s*(?P<title>.*)$", text, re.IGNORECASE)
        if title and not self.introduction:
            value = collapse(title["title"])
            if not value:
                self.error(number, "the Title line is empty; leave it out for “ML Weekly”")
            elif len(value) > ISSUE_TITLE_MAX:
                self.error(number, f"the issue title is longer than {ISSUE_TITLE_MAX} characters")
            else:
                self.issue.title = value
            return
        self.introduction.append(text)
        self.issue.introduction = collapse(" ".join(self.introduction))

    def read_category_line(self, number, text):
        line = CATEGORY_LINE.match(text)
        labelled = line and self.split_label(line["rest"])
        if not labelled or not labelled[0] or not labelled[1]:
            self.error(number, "a category line reads like - **(Vision)** Computer Vision")
            return
        label, name = labelled
        if len(name) > CATEGORY_NAME_MAX:
            self.error(number, f"the category name is longer than {CATEGORY_NAME_MAX} characters")
            return
        self.category_names[label] = name

    def read_key_detail(self, number, key, value):
        """``Source:``, ``Summary:`` and a picture's ``Kind``/``Label``/``Credit``/``Licence``."""
        key = key.lower().replace("license", "licence")
        value = collapse(value)
        if key == "summary":
            self.item.summary = value
            return True
        if key == "source":
            return self.set_checked(number, self.item, "source", value)
        if key not in ("kind", "label", "credit", "licence"):
            return False
        if self.picture is None:
            self.error(number, f"a {key.title()} line belongs under a picture line ![what it shows](address)")
            return True
        if key == "kind":
            if value.lower() not in MEDIA_KINDS:
                self.error(number, f"'{value}' is not a kind of picture: {', '.join(MEDIA_KINDS)}")
            else:
                self.picture.kind = value.lower()
            return True
        if key == "label":
            return self.set_checked(number, self.picture, "subfigure_label", value)
        if key == "credit":
            return self.set_checked(number, self.picture, "credit", value)
        licence = LICENCE_VALUE.match(value)
        url = licence["url"] or ""
        if url and not URL.match(url):
            self.error(number, f"the licence address '{url}' is not a web address")
            return True
        if self.set_checked(number, self.picture, "licence", collapse(licence["name"])):
            self.set_checked(number, self.picture, "licence_url", url)
        return True

    def set_checked(self, number, target, name, value):
        if len(value) > FIELD_MAX[name]:
            self.error(number, f"the {name.replace('_', ' ')} is longer than {FIELD_MAX[name]} characters")
            return False
        setattr(target, name, value)
        return True

    def read_picture(self, number, picture):
        src = unescape(picture["angled"] if picture["angled"] is not None else picture["src"]).strip()
        alt = collapse(unescape(picture["alt"]))
        caption = collapse(unescape(picture["caption"] or ""))
        self.picture = None
        if not PICTURE_SRC.match(src) or len(src) > LINK_MAX:
            self.error(number, f"'{src}' is not a picture's address (https://… or an upload's /media/…)")
        elif not alt:
            self.error(
                number, "a picture needs its description for screen readers: ![what it shows](address)"
            )
        elif len(alt) > FIELD_MAX["alt_text"] or len(caption) > FIELD_MAX["caption"]:
            self.error(
                number,
                f"a picture's description is at most {FIELD_MAX['alt_text']} characters "
                f"and its caption {FIELD_MAX['caption']}",
            )
        else:
            self.picture = RecapMedia(src=src, alt_text=alt, caption=caption)
            self.item.media.append(self.picture)

    def read_item_detail(self, number, text):
        """A detail line right under an item; False when the line is something else (an excerpt)."""
        picture = PICTURE_LINE.match(text)
        if picture:
            self.read_picture(number, picture)
            return True
        key = KEY_LINE.match(text)
        if key and self.read_key_detail(number, key["key"], key["value"]):
            return True
        link = LINK_LINE.match(text)
        if link:
            url = (link["prefixed"] or link["angled"] or link["bare"] or "").strip().strip("<>")
            if not URL.match(url):
                self.error(number, f"'{url}' is not a web address (it must start with http:// or https://)")
            elif len(url) > LINK_MAX:
                self.error(number, f"the link is longer than {LINK_MAX} characters")
            else:
                self.item.link = url
            return True
        tags = TAGS_LINE.match(text)
        if tags:
            names = [name.strip() for name in tags["tags"].split(",")]
            if not any(names) or not all(names):
                self.error(
                    number, "a tags line lists tags separated by commas, e.g. Tags: transformers, research"
                )
            elif any(len(name) > TAG_MAX for name in names):
                self.error(number, f"a tag is longer than {TAG_MAX} characters")
            else:
                self.item.tags = list(dict.fromkeys(names))
            return True
        return False

    def split_label(self, rest):
        for pattern in LABELLED:
            match = pattern.match(rest)
            if match:
                return normalise_label(match["label"]), clean_inline(match["title"])
        return None

    def read_item(self, number, numbered, *, check_order):
        position = int(numbered["number"])
        if check_order:
            first = self.slide_numbers.get(position)
            if first:
                self.error(
                    number, f"item number {position} appears twice on this slide (first on line {first})"
                )
                return None
            expected = len(self.slide_numbers) + 1
            if position != expected:
                self.error(number, f"item number {position} should be {expected}: number the items 1, 2, 3…")
            self.slide_numbers[position] = number
        labelled = self.split_label(numbered["rest"])
        if labelled is None:
            self.error(number, "item without a category label such as **(NLP)**")
            return None
        label, title = labelled
        if not label:
            self.error(number, "the category label is empty; write it like **(NLP)**")
            return None
        if len(label) > LABEL_MAX or not LABEL_TEXT.match(label):
            self.error(
                number,
                f"'{label}' is not a category label: use letters and digits, at most {LABEL_MAX} characters",
            )
            return None
        if not title:
            self.error(number, f"item {position} ({label}) has no title")
            return None
        if len(title) > TITLE_MAX:
            self.error(number, f"the title of item {position} is longer than {TITLE_MAX} characters")
            return None
        if position < 1:
            self.error(number, "item numbers start at 1")
            return None
        item = next((item for item in self.issue.items if item.position == position), None)
        if item is None:
            item = RecapItem(position=position, category=label, title=title, line=number)
            self.issue.items.append(item)
        else:
            # A later build-up slide of the same week: its wording wins.
            item.category, item.title, item.line = label, title, number
        self.last_item = item
        self.picture = None
        return item

    def finish_excerpt(self):
        excerpt, self.excerpt = self.excerpt, None
        if excerpt is None:
            return
        paragraphs = "\n".join(clean_excerpt_line(line) for line in excerpt.lines).strip()
        paragraphs = re.sub(r"\n{3,}", "\n\n", paragraphs)
        if excerpt.title:
            excerpt.item.excerpt_title = excerpt.title
        if paragraphs:
            excerpt.item.excerpt = paragraphs

    def read_insight_line(self, number, line):
        numbered = NUMBERED.match(line)
        if not numbered:
            if line.startswith(" ") and self.item is not None:
                evidence = re.match(r"^evidence:(?P<entries>.*)$", line.strip(), re.IGNORECASE)
                if evidence:
                    self.read_evidence(number, evidence["entries"])
                else:
                    self.item.body = f"{self.item.body} {clean_inline(line)}"
            return
        position = int(numbered["number"])
        first = self.slide_numbers.get(position)
        if first:
            self.error(
                number, f"insight number {position} appears twice on this slide (first on line {first})"
            )
            return
        expected = len(self.slide_numbers) + 1
        if position != expected:
            self.error(number, f"insight number {position} should be {expected}: number insights 1, 2, 3…")
        self.slide_numbers[position] = number
        text = numbered["rest"]
        bold = BOLD.search(text)
        body = clean_inline(text)
        headline = clean_inline(bold[1]) if bold else re.split(r"\s\(|[.;:]\s", body)[0]
        if len(headline) > INSIGHT_HEADLINE_MAX:
            self.error(
                number, f"the insight's bold headline is longer than {INSIGHT_HEADLINE_MAX} characters"
            )
            return
        self.item = self.insights[position] = RecapInsight(
            number=position, headline=headline, body=body, line=number
        )

    def read_evidence(self, number, entries):
        cited = []
        for entry in filter(None, (entry.strip() for entry in entries.split(","))):
            match = EVIDENCE_ENTRY.match(entry)
            try:
                date = match and datetime.date.fromisoformat(match["date"])
            except ValueError:
                date = None
            if not date or int(match["position"]) < 1:
                self.error(
                    number, f"'{entry}' is not an item: cite items by week and number, e.g. 2020-10-09 #1"
                )
                return
            cited.append((date, int(match["position"])))
        self.item.evidence = list(dict.fromkeys(cited))

    def result(self):
        if not self.issues and not self.problems:
            self.error(1, "no week found: a recap starts with a heading such as # ML Weekly (Oct. 9th)")
        # Gaps are checked only in an otherwise clean recap: a rejected item is not also "missing".
        for issue in [] if self.problems else self.issues.values():
            issue.items.sort(key=lambda item: item.position)
            positions = [item.position for item in issue.items]
            if positions != list(range(1, len(positions) + 1)):
                missing = sorted(set(range(1, max(positions, default=0) + 1)) - set(positions))
                self.error(issue.line, f"{issue.heading} has no item {', '.join(map(str, missing))}")
            if not positions:
                self.error(issue.line, f"{issue.heading} has no items")
        if self.problems:
            raise RecapError(self.problems)
        insights = [self.insights[number] for number in sorted(self.insights)]
        prompt = re.sub(r"\s+", " ", " ".join(self.prompt_lines)).strip()
        return Recap(
            issues=list(self.issues.values()),
            insights=insights,
            discussion_prompt=prompt,
            category_names=self.category_names,
        )


def clean_excerpt_line(line):
    return clean_inline(line) if line else ""


def parse_recap(text, *, year=None, term_start=None):
    """Read a recap written in the course's Markdown; raise ``RecapError`` listing every problem.

    Dates take ``year`` when given; otherwise the first such day on or after ``term_start``
    (default: the start of the current term), so "Jan. 8th" after a fall term is next year.
    """
    # A byte-order mark from a Windows editor would otherwise hide the first heading.
    return _Parser(year, term_start).parse(text.lstrip("\ufeff"))


def collapse(text):
    """One line: runs of white space (newlines included) as one space."""
    return re.sub(r"\s+", " ", text or "").strip()


def unescape(text):
    return re.sub(r"\\(.)", r"\1", text)


def export_picture(media):
    """A picture line (Markdown's image syntax, escaped), then its details one per line."""
    alt = re.sub(r"([\\\[\]])", r"\\\1", media.alt_text)
    src = f"<{media.src}>" if re.search(r"[\s()<>]", media.src) else media.src
    if media.caption:
        caption = re.sub(r'([\\"])', r"\\\1", media.caption)
        src = f'{src} "{caption}"'
    lines = [f"   ![{alt}]({src})"]
    if media.kind != "photo":
        lines.append(f"     Kind: {media.kind.title()}")
    if media.subfigure_label:
        lines.append(f"     Label: {media.subfigure_label}")
    if media.credit:
        lines.append(f"     Credit: {media.credit}")
    licence = " ".join(filter(None, [media.licence, media.licence_url and f"<{media.licence_url}>"]))
    if licence:
        lines.append(f"     Licence: {licence}")
    return lines


def export_item(item):
    lines = [f"{item.position}. **({item.category})** {item.title}"]
    if item.link:
        lines.append(f"   <{item.link}>")
    if item.source:
        lines.append(f"   Source: {item.source}")
    if item.tags:
        lines.append(f"   Tags: {', '.join(item.tags)}")
    if item.summary:
        lines.append(f"   Summary: {item.summary}")
    for media in item.media:
        lines.extend(export_picture(media))
    excerpt = normalise_text(item.excerpt)
    if item.excerpt_title or excerpt:
        lines.append("")
        if item.excerpt_title:
            lines.append(f"   ### {item.excerpt_title}")
        lines.extend(f"   {line}" if line else "" for line in excerpt.split("\n") if excerpt)
        lines.append("")
    return lines


def normalise_text(text):
    lines = [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def export_insight(insight):
    body = insight.body
    if insight.headline and insight.headline in body:
        body = body.replace(insight.headline, f"**{insight.headline}**", 1)
    elif insight.headline:
        body = f"**{insight.headline}**: {body}"
    lines = [f"{insight.number}. {body}"]
    if insight.evidence:
        cited = ", ".join(f"{date.isoformat()} #{position}" for date, position in insight.evidence)
        lines.append(f"   Evidence: {cited}")
    return lines


def export_recap(recap):
    """The recap as the course's Markdown; ``parse_recap`` reads it back to an equal recap."""
    blocks = []
    for issue in recap.issues:
        lines = [f"# {issue.heading}", ""]
        if issue.title != DEFAULT_ISSUE_TITLE:
            lines.append(f"Title: {issue.title}")
        if issue.introduction:
            lines.append(issue.introduction)
        if lines[-1]:
            lines.append("")
        for item in issue.items:
            lines.extend(export_item(item))
        blocks.append("\n".join(lines).rstrip())
    if recap.insights:
        lines = ["## Insights", ""]
        for insight in recap.insights:
            lines.extend(export_insight(insight))
        blocks.append("\n".join(lines))
    if recap.category_names:
        lines = ["## Categories", ""]
        lines.extend(f"- **({label})** {name}" for label, name in recap.category_names.items())
        blocks.append("\n".join(lines))
    if recap.discussion_prompt:
        blocks.append(f"# Open Discussion\n\n{recap.discussion_prompt}")
    return "\n\n".join(blocks) + "\n"


def recap_media_from(media):
    return RecapMedia(
        src=media.image.url if media.image else media.external_url,
        alt_text=collapse(media.alt_text),
        caption=collapse(media.caption),
        kind=media.kind,
        subfigure_label=collapse(media.subfigure_label),
        credit=collapse(media.credit),
        licence=collapse(media.licence),
        licence_url=media.licence_url,
    )


def recap_from_issues(issues, insights=(), discussion_prompt=""):
    """A ``Recap`` from model instances: issues with ``item_list`` prefetched (``with_items()``),
    insights with ``evidence`` (one more query for the evidence's place in its week)."""
    issues = list(issues)
    categories = {item.category.label: item.category.name for issue in issues for item in issue.item_list}
    return Recap(
        issues=[
            RecapIssue(
                date=issue.issue_date,
                title=issue.title,
                introduction=collapse(issue.introduction),
                items=[
                    RecapItem(
                        position=position,
                        category=item.category.label,
                        title=item.title,
                        link=item.link,
                        source=collapse(item.source),
                        summary=collapse(item.summary),
                        excerpt_title=item.excerpt_title,
                        excerpt=normalise_text(item.excerpt),
                        tags=sorted(tag.name for tag in item.tag_list),
                        media=[recap_media_from(media) for media in item.media_list],
                    )
                    # Numbered as on a slide, so a gap left by a deleted item still imports.
                    for position, item in enumerate(issue.item_list, start=1)
                ],
            )
            for issue in issues
        ],
        insights=recap_insights_from(insights),
        discussion_prompt=discussion_prompt,
        category_names={label: name for label, name in categories.items() if name != label},
    )


def recap_insights_from(insights):
    """Insights with their evidence as (week, number on the slide), as ``export_recap`` cites it."""
    insights = list(insights)
    if not insights:
        return []
    from items.models import NewsItem

    cited = {item for insight in insights for item in insight.evidence.all()}
    rows = NewsItem.objects.filter(issue__in={item.issue_id for item in cited}).order_by("issue", "position")
    places, counts = {}, {}
    for pk, issue_id, issue_date in rows.values_list("pk", "issue_id", "issue__issue_date"):
        counts[issue_id] = counts.get(issue_id, 0) + 1
        places[pk] = (issue_date, counts[issue_id])
    return [
        RecapInsight(
            number=insight.number,
            headline=insight.headline,
            body=insight.body,
            evidence=sorted(places[item.pk] for item in insight.evidence.all()),
        )
        for insight in insights
    ]
