"""Discussion pages."""

from django.shortcuts import get_object_or_404, render

from items.models import Discussion


def discussion_detail(request, slug):
    """A discussion's prompt and its visible comments, oldest first.

    Template: ``items/discussion_detail.html``. Context: ``discussion``, ``comments``.
    """
    discussion = get_object_or_404(Discussion.objects.published(), slug=slug)
    comments = discussion.comments.visible().select_related("author")
    return render(request, "items/discussion_detail.html", {"discussion": discussion, "comments": comments})
