"""Discussion pages: the list, a discussion's thread, and every comment write (POST → service → redirect).

Permission rules live in ``items.permissions`` and are enforced by ``items.services``; a
refused write is a 403, an unknown or hidden discussion a 404.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from items import permissions, services
from items.caching import BOARD, discussion_key, page_versions
from items.forms import CommentEditForm, CommentForm, CommentReportForm
from items.fragments import reader_state, render_thread, thread_rows
from items.models import Comment, CommentReport, Discussion, NewsItem, WeeklyIssue
from items.services import shown_name
from items.threads import SORTS
from items.visits import keeps_visits


def discussion_list(request):
    """Every public discussion, the Open Discussion first, with counts and last activity.

    Template: ``items/discussion_list.html``. Context: ``discussions``.
    """
    discussions = Discussion.objects.published().select_related("issue", "item__issue")
    return render(request, "items/discussion_list.html", {"discussions": discussions})


def _public_discussion(slug):
    return get_object_or_404(Discussion.objects.published().select_related("issue", "item"), slug=slug)


def thread_sort(request):
    """The thread order the reader asked for (``?sort=``); anything else is the default."""
    sort = request.GET.get("sort") or request.POST.get("sort")
    return sort if sort in SORTS else next(iter(SORTS))


def _render_discussion(request, discussion, form=None, status=200):
    version = page_versions(request, discussion_key(discussion.pk))[discussion_key(discussion.pk)]
    page_url = discussion.get_absolute_url()
    sort = thread_sort(request)
    state = reader_state(request.user, discussion)
    comments_html, comment_count, new = render_thread(request, discussion, version, page_url, sort, state)
    if keeps_visits(request.user) and (state.last_seen_at is None or new):
        services.discussion_seen(discussion=discussion, by=request.user)
    can_post = permissions.can_post(request.user, discussion)
    reply_to = None
    if form is None and can_post:
        reply_to = _reply_target(request.user, discussion, version, request.GET.get("reply_to", ""))
        initial = {"parent": reply_to["comment"].pk if reply_to else None}
        form = CommentForm(discussion=discussion, initial=initial)
    elif form is not None and can_post:
        reply_to = _reply_target(request.user, discussion, version, form.data.get("parent", ""))
    context = {
        "discussion": discussion,
        "comments_html": comments_html,
        "comment_count": comment_count,
        "form": form if can_post else None,
        "reply_to": reply_to,
        "can_moderate": permissions.is_moderator(request.user),
        "page_url": page_url,
        "live_poll_seconds": settings.NEWSBOARD_LIVE_POLL_SECONDS,
        "sort": sort,
        "new_comments": new,
        "sorts": SORTS,
    }
    return render(request, "items/discussion_detail.html", context, status=status)


def _reply_target(reader, discussion, version, pk):
    """The visible comment ``pk`` (a query-string value) a reply answers, with its author's name
    as ``reader`` sees it."""
    if not pk:
        return None
    rows = thread_rows(discussion, version)
    row = next((row for row in rows if str(row.pk) == pk and row.status == Comment.Status.VISIBLE), None)
    if row is None:
        return None
    hidden = row.is_anonymous and not (permissions.is_moderator(reader) or row.author_id == reader.pk)
    return {"comment": row, "author_name": shown_name(row.author_username, row.author_display_name, hidden)}


def discussion_detail(request, slug):
    """A discussion's prompt and its thread, with the comment form for signed-in readers.

    Template: ``items/discussion_detail.html``. Context: ``discussion``, ``comments_html`` and
    ``comment_count`` (see ``items.fragments``), ``form``, ``reply_to``, ``can_moderate``.
    """
    return _render_discussion(request, _current_discussion(request, slug))


def _current_discussion(request, slug):
    """The public discussion ``slug``, kept under the board's version: its title, prompt and lock
    change with the board, its comments and their count with the discussion's own version."""
    board = page_versions(request)[BOARD]
    return cache.get_or_set(
        f"discussion:{slug}:{board}", lambda: _public_discussion(slug), settings.NEWSBOARD_FRAGMENT_SECONDS
    )


def discussion_live(request, slug):
    """``{"count": 12, "locked": false}``: how many comments a discussion shows now.

    The discussion page's script (``static/js/live.js``) polls it to offer "3 new comments"
    during a lecture. It is the same for every reader, so the page cache answers it for everyone
    (signed in too) while the discussion's version stands, and each browser revalidates it.
    """
    discussion = _current_discussion(request, slug)
    key = discussion_key(discussion.pk)
    version = page_versions(request, key)[key]
    count = cache.get_or_set(
        f"discussion-count:{discussion.pk}:{version}",
        lambda: discussion.comments.filter(status=Comment.Status.VISIBLE).count(),
        settings.NEWSBOARD_FRAGMENT_SECONDS,
    )
    request.same_for_everyone = True
    response = JsonResponse({"count": count, "locked": discussion.is_locked})
    patch_cache_control(response, max_age=0, must_revalidate=True)
    return response


@require_POST
def comment_create(request, slug):
    """Post a comment or a reply; errors re-render the page with the text kept."""
    discussion = _public_discussion(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(discussion.get_absolute_url())
    form = CommentForm(request.POST, discussion=discussion)
    status = 400
    if form.is_valid():
        try:
            comment = services.comment_create(
                discussion=discussion,
                author=request.user,
                body=form.cleaned_data["body"],
                parent=form.cleaned_data["parent"],
                submit_token=form.cleaned_data["submit_token"],
                anonymous=form.cleaned_data.get("anonymous", False),
            )
        except services.RateLimited as error:
            form.add_error(None, error)
            status = 429
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if comment.status == Comment.Status.PENDING:
                messages.info(request, "Thanks! Your comment waits for an instructor's approval.")
            else:
                messages.success(request, "Your comment is posted.")
            return redirect(comment.get_absolute_url())
    return _render_discussion(request, discussion, form=form, status=status)


def _comment_or_404(pk):
    return get_object_or_404(
        Comment.objects.select_related("discussion", "author"),
        pk=pk,
        discussion__in=Discussion.objects.published(),
    )


@login_required
def comment_edit(request, pk):
    """Edit your own comment within the edit window.

    Template: ``items/comment_edit.html``. Context: ``comment``, ``form``.
    """
    comment = _comment_or_404(pk)
    if not permissions.can_edit(request.user, comment):
        raise PermissionDenied("You can only edit your own comments, for a short while after posting.")
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    status = 400 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, by=request.user, body=form.cleaned_data["body"])
        except services.RateLimited as error:
            form.add_error(None, error)
            status = 429
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your comment is updated.")
            return redirect(comment.get_absolute_url())
    return render(request, "items/comment_edit.html", {"comment": comment, "form": form}, status=status)


# The last comment a reader deleted, kept in their session for the "Undo" the next page offers.
UNDO_DELETE = "undo_delete"


@require_POST
@login_required
def comment_delete(request, pk):
    """Delete your own comment; it shows as "[deleted]" where replies need its place. The next page
    offers to undo it for ``NEWSBOARD_UNDO_DELETE_SECONDS``."""
    comment = _comment_or_404(pk)
    status = comment.status
    services.comment_delete(comment=comment, by=request.user)
    request.session[UNDO_DELETE] = {"pk": comment.pk, "status": status, "at": time.time()}
    messages.success(request, "Your comment is deleted.", extra_tags="undo-delete")
    return redirect(comment.discussion.get_absolute_url() + "#comments")


@require_POST
@login_required
def comment_undo_delete(request):
    """Bring back the comment this reader just deleted, within the undo window."""
    undo = request.session.pop(UNDO_DELETE, None)
    fallback = reverse("items:discussion_list")
    if not isinstance(undo, dict) or time.time() - undo.get("at", 0) > settings.NEWSBOARD_UNDO_DELETE_SECONDS:
        messages.error(request, "Too late to undo: the comment stays deleted.")
        return HttpResponseRedirect(_safe_next(request, fallback))
    comment = Comment.objects.filter(pk=undo.get("pk"), author=request.user).first()
    try:
        if comment is None:
            raise ValidationError("That comment is gone.")
        services.comment_undelete(comment=comment, by=request.user, status=undo.get("status"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(_safe_next(request, fallback))
    messages.success(request, "Your comment is back.")
    return redirect(comment.get_absolute_url())


@login_required
def comment_report(request, pk):
    """Report a comment to the instructors with a reason.

    Template: ``items/comment_report.html``. Context: ``comment``, ``form``.
    """
    comment = _comment_or_404(pk)
    if not permissions.can_report(request.user, comment):
        raise PermissionDenied("You cannot report this comment.")
    already = CommentReport.objects.filter(comment=comment, reporter=request.user).first()
    if already is not None:
        # Reported before: say so, with no form to send a second time.
        status = 400 if request.method == "POST" else 200
        context = {"comment": comment, "already_reported": already}
        return render(request, "items/comment_report.html", context, status=status)
    form = CommentReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_report(comment=comment, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you. The instructors will look at this comment.")
            return redirect(comment.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, "items/comment_report.html", {"comment": comment, "form": form}, status=status)


MODERATION_ACTIONS = {
    "hide": (services.comment_hide, "Comment hidden."),
    "restore": (services.comment_restore, "Comment restored."),
    "approve": (services.comment_approve, "Comment approved."),
    "reject": (services.comment_reject, "Comment rejected."),
    "pin": (lambda **kw: services.comment_pin(pinned=True, **kw), "Comment pinned."),
    "unpin": (lambda **kw: services.comment_pin(pinned=False, **kw), "Comment unpinned."),
    "endorse": (lambda **kw: services.comment_endorse(endorsed=True, **kw), "Comment endorsed."),
    "unendorse": (lambda **kw: services.comment_endorse(endorsed=False, **kw), "Endorsement withdrawn."),
}


def _safe_next(request, fallback):
    candidate = request.POST.get("next", "")
    # Only paths on this site: a bare word ("hide") is no place to send anyone.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, request.is_secure()
    ):
        return candidate
    return fallback


@require_POST
@login_required
def comment_moderate(request, pk):
    """An instructor hides, restores, approves, rejects, pins or unpins a comment."""
    if not permissions.is_moderator(request.user):
        raise PermissionDenied("Only instructors can moderate comments.")
    comment = get_object_or_404(Comment.objects.select_related("discussion"), pk=pk)
    action = MODERATION_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Unknown moderation action.")
    else:
        service, done = action
        try:
            service(comment=comment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
    # A plain redirect: redirect() would try a bare word in "next" as a view name (a 500).
    return HttpResponseRedirect(_safe_next(request, comment.get_absolute_url()))


@require_POST
@login_required
def comment_insight(request, pk):
    """An instructor makes a draft insight from a comment (or opens the one it already made) and
    goes on to edit it in the admin; a comment that cannot become one leads back to it."""
    if not permissions.is_moderator(request.user):
        raise PermissionDenied("Only instructors can make insights from comments.")
    comment = get_object_or_404(Comment.objects.select_related("discussion", "author"), pk=pk)
    try:
        insight, created = services.insight_from_comment(comment=comment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(_safe_next(request, comment.get_absolute_url()))
    if created:
        messages.success(
            request,
            f"Draft Insight {insight.number} is made from the comment. Edit it, then tick "
            "“Is published” to show it to students (its author is told then).",
        )
    else:
        messages.info(request, f"This comment already became Insight {insight.number}: here it is.")
    return redirect("admin:items_insight_change", insight.pk)


@require_POST
@login_required
def comment_helpful(request, pk):
    """Mark a classmate's comment helpful (``helpful=1``) or take it back (``helpful=0``), then
    return to it in the thread's order (``sort``)."""
    comment = _comment_or_404(pk)
    choice = request.POST.get("helpful")
    if choice not in ("0", "1"):
        return HttpResponseBadRequest(
            "Say helpful=1 to mark the comment helpful, or helpful=0 to take it back."
        )
    try:
        services.comment_mark_helpful(comment=comment, by=request.user, helpful=choice == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    sort = thread_sort(request)
    query = f"?sort={sort}" if sort != next(iter(SORTS)) else ""
    return HttpResponseRedirect(f"{comment.discussion.get_absolute_url()}{query}#c{comment.pk}")


@require_POST
@login_required
def discussion_lock(request, slug):
    """An instructor locks (no new comments) or unlocks a discussion.

    Anyone else is told only what they may see: a hidden or draft discussion is a 404 to them, as
    one that does not exist is, and a public one a 403.
    """
    visible = (
        Discussion.objects.all() if permissions.is_moderator(request.user) else Discussion.objects.published()
    )
    discussion = get_object_or_404(visible, slug=slug)
    if request.POST.get("action") == "unlock":
        services.discussion_unlock(discussion=discussion, by=request.user)
        messages.success(request, "The discussion is open again.")
    else:
        services.discussion_lock(discussion=discussion, by=request.user)
        messages.success(request, "The discussion is locked: no new comments.")
    return redirect(discussion)


@login_required
def moderation_queue(request):
    """Comments waiting for approval and comments readers reported.

    Template: ``items/moderation_queue.html``. Context: ``pending``, ``reported``.
    """
    if not permissions.is_moderator(request.user):
        raise PermissionDenied("Only instructors can see the moderation queue.")
    base = Comment.objects.select_related("discussion", "author__profile")
    pending = base.filter(status=Comment.Status.PENDING).order_by("created_at", "pk")
    open_reports = CommentReport.objects.filter(resolved=False).select_related("reporter")
    reported = (
        base.filter(reports__resolved=False)
        .distinct()
        .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
        .order_by("created_at", "pk")
    )
    context = {"pending": pending, "reported": reported, "queue_url": reverse("items:moderation_queue")}
    return render(request, "items/moderation_queue.html", context)


def issue_discussion(request, slug):
    """The discussion of a published issue, created on first need; redirects to it."""
    issue = get_object_or_404(WeeklyIssue.objects.published(), slug=slug)
    return _redirect_to_public(services.discussion_for_issue(issue))


def item_discussion(request, pk, slug):
    """The discussion of a published item, created on first need; redirects to it."""
    item = get_object_or_404(NewsItem.objects.published(), pk=pk)
    return _redirect_to_public(services.discussion_for_item(item))


def _redirect_to_public(discussion):
    if not Discussion.objects.published().filter(pk=discussion.pk).exists():
        raise Http404("This discussion is closed to readers.")
    return redirect(discussion)
