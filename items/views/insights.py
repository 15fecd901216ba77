"""The numbered insights."""

from django.shortcuts import render

from items.models import Insight


def insight_list(request):
    """Published insights, each with the published items that support it, whom it credits and
    the comment it grew from.

    Template: ``items/insight_list.html``. Context: ``insights``.
    """
    insights = Insight.objects.published().with_evidence().with_source()
    return render(request, "items/insight_list.html", {"insights": insights})
