"""The numbered insights."""

from django.shortcuts import render

from items.models import Insight


def insight_list(request):
    """Published insights, each with the published items that support it.

    Template: ``items/insight_list.html``. Context: ``insights``.
    """
    insights = Insight.objects.published().with_evidence()
    return render(request, "items/insight_list.html", {"insights": insights})
