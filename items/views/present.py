"""Class mode: an issue (or a term) as a full-screen deck, and an issue as a Markdown recap.

The deck is a list of slides built here and rendered one ``<section>`` per slide; the
script in ``static/js/present.js`` shows one at a time. Without it the page is a long,
readable document.
"""

from dataclasses import dataclass, field

import segno
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache

from items import reach as class_reach
from items.models import Discussion, Insight, WeeklyIssue
from items.recap import export_recap, format_date, recap_from_issues
from items.services import WEEK_PROMPT
from items.views.issues import parse_date_or_none

OPEN_DISCUSSION_SLUG = "open-discussion"
DEFAULT_PROMPT = "What are your thoughts?"


@dataclass
class Slide:
    """One slide; ``kind`` picks its partial (``items/_slide_<kind>.html``)."""

    kind: str
    title: str = ""
    issue: object = None
    items: list = field(default_factory=list)
    item: object = None
    insights: list = field(default_factory=list)
    # A build-up step the final list repeats: left out of the page read without the script.
    repeat: bool = False
    context: dict = field(default_factory=dict)
    number: int = 0

    @property
    def template(self):
        return f"items/_slide_{self.kind}.html"


def issue_heading(issue):
    return f"{issue.title} ({format_date(issue.issue_date)})"


def issue_slides(issue):
    """The course's rhythm: a title, the list growing one item at a time, a slide per excerpt or picture."""
    heading = issue_heading(issue)
    items = list(issue.item_list)
    slides = [Slide("title", title=heading, issue=issue)]
    for count, item in enumerate(items, start=1):
        slides.append(
            Slide(
                "list", title=heading, issue=issue, items=items[:count], item=item, repeat=count < len(items)
            )
        )
        if item.excerpt or item.media_list:
            slides.append(Slide("detail", title=heading, issue=issue, item=item))
    return slides


def insight_slides(insights):
    """The insights revealed one by one, as the course's final tutorial did."""
    return [
        Slide(
            "insights",
            title="Insights",
            insights=insights[:count],
            item=insight,
            repeat=count < len(insights),
        )
        for count, insight in enumerate(insights, start=1)
    ]


def closing_slide(request, discussion, title, *, path=None, prompt=None, figures=None):
    """The discussion prompt and a QR code (inline SVG, made here) for students' phones: to
    ``discussion``, or to ``path`` with ``prompt``, or to the Open Discussion; ``figures``, the
    week's live figures."""
    if discussion is not None:
        path, prompt = discussion.get_absolute_url(), discussion.prompt
    elif path is None:
        path, prompt = (
            reverse("items:discussion_detail", kwargs={"slug": OPEN_DISCUSSION_SLUG}),
            DEFAULT_PROMPT,
        )
    url = request.build_absolute_uri(path)
    svg = segno.make(url, error="m").svg_inline(
        scale=8,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="qr-code",
        title="QR code for the discussion page",
    )
    context = {"prompt": prompt, "url": url, "qr_svg": svg, "figures": figures}
    return Slide("closing", title=title, context=context)


def week_closing_slide(request, issue):
    """The closing slide of a week's deck: its QR code leads to the week's own discussion, made
    on the first scan when it does not exist yet; to the Open Discussion only when an
    instructor has closed the week's discussion to readers. It shows the week's figures so far,
    which present.js keeps live from ``issue_figures``."""
    week = class_reach.week_figures(issue)
    figures = {
        "url": reverse("items:issue_figures", kwargs={"slug": issue.slug}),
        "readers": week["readers"],
        "comments": week["comments"],
    }
    if week["own_slug"] is None:
        path = reverse("items:issue_discussion", kwargs={"slug": issue.slug})
        return closing_slide(request, None, "Discussion", path=path, prompt=WEEK_PROMPT, figures=figures)
    if week["own_shown"]:
        path = reverse("items:discussion_detail", kwargs={"slug": week["own_slug"]})
        return closing_slide(
            request, None, "Discussion", path=path, prompt=week["own_prompt"], figures=figures
        )
    fallback = Discussion.objects.filter(slug=OPEN_DISCUSSION_SLUG).first()
    return closing_slide(request, fallback, "Discussion", figures=figures)


def render_deck(request, title, groups, *, public):
    """Render ``groups`` (a week, the insights, the closing) of slides, numbered through the deck."""
    slides = [slide for group in groups for slide in group]
    for number, slide in enumerate(slides, start=1):
        slide.number = number
    context = {"deck_title": title, "groups": groups, "slide_count": len(slides)}
    response = render(request, "items/present.html", context)
    if not public:
        add_never_cache_headers(response)
    return response


def issue_present(request, slug):
    """One issue as a deck; staff may present drafts and scheduled issues.

    Template: ``items/present.html``. Context: ``deck_title``, ``groups``, ``slide_count``.
    """
    issue = get_visible_issue(request, slug)
    groups = [issue_slides(issue), [week_closing_slide(request, issue)]]
    return render_deck(request, issue_heading(issue), groups, public=issue.is_public)


def term_present(request, start, end):
    """The weeks from ``start`` to ``end`` strung together, then the insights, then the Open Discussion.

    Template: ``items/present.html``. Context: ``deck_title``, ``groups``, ``slide_count``.
    """
    first, last = parse_date_or_none(start), parse_date_or_none(end)
    if first is None or last is None or first > last:
        raise Http404("Give the term as two dates, the first one not after the second.")
    issues = list(
        WeeklyIssue.objects.visible_to(request.user)
        .filter(issue_date__range=(first, last))
        .with_items()
        .order_by("issue_date")
    )
    if not issues:
        raise Http404("No issues in those weeks.")
    title = f"ML Weekly Recap ({format_date(issues[0].issue_date)} – {format_date(issues[-1].issue_date)})"
    groups = [[Slide("title", title=title)], *(issue_slides(issue) for issue in issues)]
    groups.append(insight_slides(list(Insight.objects.published().with_source())))
    open_discussion = Discussion.objects.published().filter(slug=OPEN_DISCUSSION_SLUG).first()
    groups.append([closing_slide(request, open_discussion, "Open Discussion")])
    return render_deck(request, title, groups, public=all(issue.is_public for issue in issues))


@never_cache
def issue_figures(request, slug):
    """The week's live figures for the closing slide, as JSON: ``readers`` (students who read any
    of its items: a count, never names) and ``comments`` (in its discussions)."""
    week = class_reach.week_figures(get_visible_issue(request, slug))
    return JsonResponse({"readers": week["readers"], "comments": week["comments"]})


def issue_recap(request, slug):
    """One issue in the course's Markdown (text/markdown), downloaded as a file, for everyone
    once published."""
    issue = get_visible_issue(request, slug)
    response = HttpResponse(
        export_recap(recap_from_issues([issue])), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ml-weekly-{issue.slug}.md"'

    if not issue.is_public:
        add_never_cache_headers(response)
    return response


def get_visible_issue(request, slug):
    if parse_date_or_none(slug) is None:
        raise Http404("No issue on that date.")
    return get_object_or_404(WeeklyIssue.objects.visible_to(request.user).with_items(), slug=slug)
