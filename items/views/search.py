"""The board-wide search page."""

from django.shortcuts import render

from items import search as board_search
from items.forms import SearchForm


def search(request):
    """Items, insights and discussions matching ``q``, grouped, best match first.

    Template: ``items/search.html``. Context: ``form`` (a ``SearchForm``; a bad query is one of
    its errors), ``results`` (``items.search.Results``, or None before a valid query). Not
    cached: results draw on every discussion's comments, and each query is asked rarely.
    """
    form = SearchForm(request.GET if "q" in request.GET else None)
    results = board_search.search(form.cleaned_data["q"]) if form.is_valid() else None
    return render(request, "items/search.html", {"form": form, "results": results})
