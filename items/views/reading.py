"""The reading checklist's endpoints: follow an item's link through the board, mark it read or not."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from items import reading
from items.models import NewsItem


@never_cache
def item_go(request, pk):
    """Send the reader to the item's story (its page when it has no link), marking it read for a
    signed-in reader: what the board's "external" links go through."""
    item = get_object_or_404(NewsItem.objects.visible_to(request.user), pk=pk)
    reading.mark_read(request.user, [item])
    return redirect(item.link or item.get_absolute_url())


def wants_json(request):
    return request.headers.get("Accept", "").startswith("application/json")


@require_POST
@login_required
def item_read(request, pk):
    """Mark the item read (``read=1``) or unread (``read=0``).

    A script's ``fetch`` (``Accept: application/json``) gets ``{"read": ..., "read_count": ...,
    "item_count": ...}`` for the item's issue; a form is sent back to ``next`` (a page of this
    site, with its fragment), else to the item's page.
    """
    item = get_object_or_404(NewsItem.objects.visible_to(request.user), pk=pk)
    choice = request.POST.get("read")
    if choice not in ("0", "1"):
        return HttpResponseBadRequest("Say read=1 to mark the item read, or read=0 to mark it unread.")
    if choice == "1":
        reading.mark_read(request.user, [item])
    else:
        reading.mark_unread(request.user, item)
    if wants_json(request):
        progress = reading.issues_progress(type(item.issue).objects.filter(pk=item.issue_id), request.user)
        issue = progress.get()
        return JsonResponse(
            {"read": choice == "1", "read_count": issue.read_count, "item_count": issue.item_count}
        )
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if allowed and target.startswith("/") else item.get_absolute_url())
