"""Issue pages: the home page, the archive and one issue."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_date

from items.models import WeeklyIssue
from items.querysets import latest_and_recent

ARCHIVE_PAGE_SIZE = 20
RECENT_ISSUES = 5


def home(request):
    """The latest published issue in full, then the recent ones.

    Template: ``items/home.html``. Context: ``issue``, ``recent_issues``.
    """
    newest_first = WeeklyIssue.objects.published().with_counts().order_by("-issue_date")
    issue, recent = latest_and_recent(newest_first, RECENT_ISSUES)
    return render(request, "items/home.html", {"issue": issue, "recent_issues": recent})


def issue_list(request):
    """The archive, newest first, paginated.

    Template: ``items/issue_list.html``. Context: ``page_obj``, ``issues``.
    """
    paginator = Paginator(
        WeeklyIssue.objects.published().for_listing().order_by("-issue_date"), ARCHIVE_PAGE_SIZE
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(request, "items/issue_list.html", {"page_obj": page_obj, "issues": page_obj.object_list})


def issue_detail(request, slug):
    """One issue with its items; staff may preview drafts and scheduled issues.

    Template: ``items/issue_detail.html``. Context: ``issue`` (with ``previous_date`` and
    ``next_date``, the published issues either side).
    """
    if parse_date_or_none(slug) is None:
        raise Http404("No issue on that date.")
    issues = WeeklyIssue.objects.visible_to(request.user)
    # The discussion link and its comment count come with the issue (one query fewer).
    issue = get_object_or_404(issues.with_items().select_related("discussion"), slug=slug)
    # Staff previewing a draft see its published neighbours, never another draft.
    issue.previous_date, issue.next_date = WeeklyIssue.objects.published().neighbour_dates(issue.issue_date)
    response = render(request, "items/issue_detail.html", {"issue": issue})
    if not issue.is_public:
        add_never_cache_headers(response)
    return response


def parse_date_or_none(value):
    try:
        return parse_date(value)
    except ValueError:
        return None
