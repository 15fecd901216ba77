"""Markdown recaps, the way the course writes them: parse and export as pure functions.

The format (what ``export_recap`` writes and ``parse_recap`` reads back)::

    # ML Weekly (Oct. 9th)

    1. **(ML)** NeurIPS 2020 Accepted Papers
       <https://neurips.cc/Conferences/2020/AcceptedPapersInitial>
       Tags: conferences, research
    2. **(Vision)** "Farewell Convolutions": Anonymous ICLR 2021 Paper …

       ### An Image Is Worth 16x16 Words
       While the Transformer architecture has become …

    ## Insights

    1. AI/ML advances **growing exponentially** (~30,000 papers annually published)

    # Open Discussion

    What are your thoughts? Where will ML take you?

Under an item, indented lines give its link (``<https://…>``, a bare address or
``Link: https://…``), its topic tags (``Tags: a, b``) and, after them, its excerpt (an
optional ``###`` heading, then paragraphs). The course's own slides are read too: the
label may be plain ``(DL)`` or ``**(DL)**`` or bold with the title, ``(NEW! Ethics!)``
means Ethics, ``## 1. (ML) Title`` is a slide about item 1, a ``## Heading`` after the
list starts an excerpt, and repeated "build-up" slides of one week merge into one issue.
Media credit lines (``CC-BY-NC by stevekc``, ``(a)``, ``Figure 1 | …``) are skipped:
pictures are uploaded in the admin.
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
class RecapItem:
    position: int
    category: str
    title: str
    link: str = ""
    excerpt_title: str = ""
    excerpt: str = ""
    tags: list[str] = field(default_factory=list)
    line: int = field(default=0, compare=False, repr=False)


@dataclass
class RecapIssue:
    date: datetime.date
    items: list[RecapItem] = field(default_factory=list)
    line: int = field(default=0, compare=False, repr=False)

    @property
    def heading(self):
        return f"ML Weekly ({format_date(self.date)})"


@dataclass
class RecapInsight:
    number: int
    headline: str
    body: str
    line: int = field(default=0, compare=False, repr=False)


@dataclass
class Recap:
    issues: list[RecapIssue] = field(default_factory=list)
    insights: list[RecapInsight] = field(default_factory=list)
    discussion_prompt: str = ""

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
                return
            self.excerpt = _Excerpt(item=self.last_item, line=number)
        self.item = None
        self.in_item_head = False
        self.excerpt.lines.append(text)

    def read_item_detail(self, number, text):
        """A link or tags line right under an item; False when the line is something else."""
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
        return Recap(issues=list(self.issues.values()), insights=insights, discussion_prompt=prompt)


def clean_excerpt_line(line):
    return clean_inline(line) if line else ""


def parse_recap(text, *, year=None, term_start=None):
    """Read a recap written in the course's Markdown; raise ``RecapError`` listing every problem.

    Dates take ``year`` when given; otherwise the first such day on or after ``term_start``
    (default: the start of the current term), so "Jan. 8th" after a fall term is next year.
    """
    # A byte-order mark from a Windows editor would otherwise hide the first heading.
    return _Parser(year, term_start).parse(text.lstrip("\ufeff"))


def export_item(item):
    lines = [f"{item.position}. **({item.category})** {item.title}"]
    if item.link:
        lines.append(f"   <{item.link}>")
    if item.tags:
        lines.append(f"   Tags: {', '.join(item.tags)}")
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
    return f"{insight.number}. {body}"


def export_recap(recap):
    """The recap as the course's Markdown; ``parse_recap`` reads it back to an equal recap."""
    blocks = []
    for issue in recap.issues:
        lines = [f"# {issue.heading}", ""]
        for item in issue.items:
            lines.extend(export_item(item))
        blocks.append("\n".join(lines).rstrip())
    if recap.insights:
        blocks.append(
            "\n".join(["## Insights", ""] + [export_insight(insight) for insight in recap.insights])
        )
    if recap.discussion_prompt:
        blocks.append(f"# Open Discussion\n\n{recap.discussion_prompt}")
    return "\n\n".join(blocks) + "\n"


def recap_from_issues(issues, insights=(), discussion_prompt=""):
    """A ``Recap`` from model instances (prefetch items, their category and tags first)."""
    return Recap(
        issues=[
            RecapIssue(
                date=issue.issue_date,
                items=[
                    RecapItem(
                        position=position,
                        category=item.category.label,
                        title=item.title,
                        link=item.link,
                        excerpt_title=item.excerpt_title,
                        excerpt=normalise_text(item.excerpt),
                        tags=sorted(tag.name for tag in item.tag_list),
                    )
                    # Numbered as on a slide, so a gap left by a deleted item still imports.
                    for position, item in enumerate(issue.item_list, start=1)
                ],
            )
            for issue in issues
        ],
        insights=[
            RecapInsight(number=insight.number, headline=insight.headline, body=insight.body)
            for insight in insights
        ],
        discussion_prompt=discussion_prompt,
    )
