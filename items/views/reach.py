"""Class reach (/instructor/reach/): what reached the class, for the Instructors group only."""

import csv

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from items import reach as class_reach
from items.services import shown_name


def _instructor_only(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not class_reach.is_instructor(request.user):
        raise PermissionDenied("Class reach is for instructors.")
    return None


@never_cache
def reach_page(request):
    """Per week, per item of one week (``?issue=<date>``), per category and tag: readers, % of the
    class, comments, helpful marks, unanswered comments; the weeks the class fell behind; each
    student's participation. Charts are SVG drawn here, each with its table.

    Template: ``items/reach.html``. Context: ``reach`` (``items.reach.Reach``).
    """
    if refused := _instructor_only(request):
        return refused
    context = {
        "reach": class_reach.reach(request.GET.get("issue")),
        "term_minutes": class_reach.TERM_SECONDS // 60,
    }
    return render(request, "items/reach.html", context)


@never_cache
def reach_csv(request):
    """The same figures as CSV (every week of the term, not only the latest)."""
    if refused := _instructor_only(request):
        return refused
    data = class_reach.reach(all_weeks=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="class-reach.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["section", "name", "items", "readers", "percent of class", "comments", "helpful", "unanswered"]
    )
    for week in data.weeks:
        writer.writerow(
            ["week", week.issue_date.isoformat(), week.item_count, week.readers, week.percent]
            + [week.comments, week.helpful, week.unanswered]
        )
    for item in data.items:
        writer.writerow(
            ["item", item.title, 1, item.readers, item.percent, item.comments, item.helpful, item.unanswered]
        )
    for category in data.categories:
        writer.writerow(
            [
                "category",
                category.label,
                category.item_count,
                category.readers,
                category.percent,
                category.comments,
            ]
        )
    for tag in data.tags:
        writer.writerow(["tag", tag.name, tag.item_count, tag.readers, tag.percent])
    writer.writerow([])
    writer.writerow(["student", "name", "comments", "helpful marks received", "endorsements"])
    for student in data.participants:
        name = shown_name(student.username, getattr(getattr(student, "profile", None), "display_name", ""))
        writer.writerow(
            ["student", name, student.comment_count, student.helpful_count, student.endorsed_count]
        )
    return response
