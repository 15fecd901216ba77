"""Issue pages: the home page, the archive and one issue."""

import functools

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_date

from items import reading, visits
from items.caching import COMMENTS_ON_ITEMS, page_versions, subject_discussion_keys
from items.models import WeeklyIssue
from items.querysets import details_when_drawn, latest_and_recent

ARCHIVE_PAGE_SIZE = 20
RECENT_ISSUES = 5


def home(request):
    """The latest published issue in full, then the recent ones.

    Template: ``items/home.html``. Context: ``issues``, a callable returning the latest issue and
    the recent ones; for a student, ``new_issues``: those of them that went live since their last
    visit (``more_new_issues`` when the archive has more), drawn beside the shared page.
    """
    newest_first = WeeklyIssue.objects.published().with_counts().numbered().order_by("-issue_date")
    # The latest issue's cards show comment counts: read with the board's version.
    page_versions(request, COMMENTS_ON_ITEMS)
    context = {}
    new_since = visits.board_new_since(request)
    if new_since is not None:
        # One read of the issues serves both the student's "new" line and the shared fragment
        # (which reads their items only when drawn); one issue more tells whether there are more.
        newest_first = list(newest_first[: RECENT_ISSUES + 2])
        new = [issue for issue in newest_first if visits.is_new(issue, new_since)]
        context["new_issues"] = new[: RECENT_ISSUES + 1]
        context["more_new_issues"] = len(new) > RECENT_ISSUES + 1
    # Called by the template, inside its fragment cache: only a miss reads the issues.
    context["issues"] = functools.partial(latest_and_recent, newest_first, RECENT_ISSUES)
    return render(request, "items/home.html", context)


def issue_list(request):
    """The archive, newest first, paginated.

    Template: ``items/issue_list.html``. Context: ``page_obj`` (a callable, called inside the
    page's fragment cache); for a signed-in reader, ``progress``: the same page's issues with
    their ``item_count``, ``read_count`` and ``is_new``, and ``new_count``, how many issues are new
    since their last visit, drawn beside the shared list.
    """
    issues = WeeklyIssue.objects.published().for_listing().order_by("-issue_date")
    page_obj = functools.partial(Paginator(issues, ARCHIVE_PAGE_SIZE).get_page, request.GET.get("page"))
    context = {"page_obj": page_obj}
    if reading.is_student(request.user):
        page = request.GET.get("page")
        new_since = visits.board_new_since(request)
        progress = reading.archive_progress(request.user, page, ARCHIVE_PAGE_SIZE, new_since)
        context["progress"] = progress
        context["new_count"] = progress[0].new_count if progress else 0
    return render(request, "items/issue_list.html", context)


def issue_detail(request, slug):
    """One issue with its items; staff may preview drafts and scheduled issues.

    Template: ``items/issue_detail.html``. Context: ``issue`` (its ``item_list`` and
    ``neighbour_dates`` are read only when its cached fragment is drawn); for a signed-in reader,
    ``checklist``: the items, each with ``is_read`` and ``is_new``, with ``read_count`` and
    ``new_count``, drawn beside the shared issue.
    """
    if parse_date_or_none(slug) is None:
        raise Http404("No issue on that date.")
    issues = WeeklyIssue.objects.visible_to(request.user)
    # The discussion link and its comment count come with the issue (one query fewer).
    issue = get_object_or_404(issues.select_related("discussion"), slug=slug)
    page_versions(request, COMMENTS_ON_ITEMS, *subject_discussion_keys(issue))
    context = {"issue": issue}
    if reading.is_student(request.user):
        # One read of the items serves both the reader's checklist and the shared fragment.
        checklist = reading.issue_checklist(issue, request.user, visits.board_new_since(request))
        context["checklist"] = checklist
        issue.item_list = details_when_drawn(checklist)
        context["read_count"] = sum(item.is_read for item in checklist)
        context["new_count"] = sum(item.is_new for item in checklist)
    response = render(request, "items/issue_detail.html", context)
    if not issue.is_public:
        add_never_cache_headers(response)
    return response


def parse_date_or_none(value):
    try:
        return parse_date(value)
    except ValueError:
        return None
