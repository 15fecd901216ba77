"""New since your last visit, for issues and items: a student's visits to the board.

A visit is a run of board pages (the home page, the archive, an issue, ``/me/``) with no gap
longer than ``VISIT_GAP``. What was published after the student's previous visit ended is new to
them: an issue published since, and each of its items they have not read.

The visit (``BoardVisit``, one row per student) comes with the account on every signed-in
request (``newsboard.signin.ProfileModelBackend``), so reading it costs no query. It is written
at most every ``WRITE_EVERY``: a lecture of 300 students reloading writes about one row a
second, not one per page view. So a visit ends between ``VISIT_GAP`` and ``VISIT_GAP +
WRITE_EVERY`` after the last page, and ``new_since`` may be up to ``WRITE_EVERY`` early.

A student's first visit shows nothing as new: what they saw before the board kept visits is
unknown, and counting from their sign-up would mark a whole term new for everyone on the day
visits were first kept (a new student signs up on the board, so sign-up time is about now anyway).

Marks are the reader's alone: pages draw them beside the shared, cached fragments, never inside.
"""

from datetime import timedelta

from django.utils import timezone

from items import permissions, services
from items.models import BoardVisit

VISIT_GAP = timedelta(minutes=30)
WRITE_EVERY = timedelta(minutes=5)


def keeps_visits(user):
    """Students' visits are recorded and make "new" marks; instructors' and anonymous readers' not."""
    return user.is_authenticated and user.is_active and not permissions.is_moderator(user)


def visit_after(visit, now):
    """``(new_since, write)`` for a board page opened at ``now`` after ``visit`` (None: the first
    ever): from when things are new to the reader, and whether to record the visit now."""
    if visit is None:
        return now, True
    if now - visit.last_seen_at > VISIT_GAP:
        # A new visit: the previous one ended when its last page was seen.
        return visit.last_seen_at, True
    return visit.new_since, now - visit.last_seen_at >= WRITE_EVERY


def board_new_since(request):
    """When what is new to this request's reader begins, or None (no marks for them), recording
    the visit when it is due. Board pages call it once per request."""
    user = request.user
    if not keeps_visits(user):
        return None
    try:
        visit = user.board_visit
    except BoardVisit.DoesNotExist:
        visit = None
    now = timezone.now()
    new_since, write = visit_after(visit, now)
    if write:
        services.board_seen(by=user, at=now, new_since=new_since)
    return new_since


def is_new(issue, new_since):
    """Whether ``issue`` went live after ``new_since`` (None: nothing is new to the reader)."""
    return new_since is not None and issue.published_at is not None and issue.published_at > new_since
