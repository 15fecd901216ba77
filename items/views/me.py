"""My week: what a signed-in student has to catch up on, and their own figures."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from items import learning, visits


@never_cache
@login_required
def my_week(request):
    """This week's unread items, replies to my comments, discussions I took part in that have new
    comments, my reading across the term and my participation; what is new since my last visit
    is marked.

    Template: ``items/me.html``. Context: ``week`` (``items.learning.MyWeek``).
    """
    week = learning.my_week(request.user, visits.board_new_since(request))
    return render(request, "items/me.html", {"week": week})
