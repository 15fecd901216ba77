"""A discussion's comments as one reader sees them: a threaded list built in Python from one query.

The comments are the rows of ``CommentQuerySet.for_thread()`` (named tuples with ``pk``,
``author_id``, ``parent_id``, ``depth``, ``body_html``, ``status``, ``is_pinned``, ``created_at``,
``is_anonymous``, ``is_endorsed``, ``helpful_count``, ``edited_at``,
``author_is_instructor``, ``author_username``, ``author_display_name``).

Each entry carries what the template needs (indent, label, which buttons to offer), so the
template only shows data and never decides who may do what.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from items import permissions
from items.models import Comment
from items.services import shown_name

# How a thread may be sorted (``?sort=``): the first is the default.
SORTS = {"time": "Oldest first", "helpful": "Most helpful"}

# Replies indent up to this depth; deeper replies line up at it and say whom they answer.
MAX_INDENT = 3

ANONYMOUS_TO_INSTRUCTOR = "Anonymous to classmates"
ANONYMOUS_TO_AUTHOR = "You posted this anonymously: classmates see “Anonymous student”"
HIDDEN_PLACEHOLDER = "[hidden by an instructor]"
DELETED_PLACEHOLDER = "[deleted]"


@dataclass(slots=True)
class ThreadEntry:
    comment: tuple
    indent: int
    author_name: str
    is_instructor: bool
    placeholder: str = ""
    # Set for the readers who see an anonymous comment's author: instructors and the author.
    anonymous_marker: str = ""
    is_pending: bool = False
    is_hidden: bool = False
    reply_to_name: str = ""
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_report: bool = False
    can_moderate: bool = False
    # Offered to signed-in readers on others' visible comments; ``helpful_marked``: this reader's.
    can_mark_helpful: bool = False
    helpful_marked: bool = False
    # Posted by someone else since this reader last read the discussion.
    is_new: bool = False
    children: list = field(default_factory=list, repr=False)

    @property
    def has_actions(self):
        """Whether the reader is offered anything to do with the comment (else no action list)."""
        return self.can_reply or self.can_edit or self.can_delete or self.can_report or self.can_moderate


def _shown_in_full(comment, own, moderator):
    """Whether the reader reads this comment's text (rather than a placeholder or nothing)."""
    if comment.status == Comment.Status.VISIBLE:
        return True
    if comment.status == Comment.Status.PENDING:
        return moderator or own
    if comment.status == Comment.Status.HIDDEN:
        # Its author still reads it, marked "hidden by an instructor", and knows why it went.
        return moderator or own
    return False


def build_thread(discussion, comments, user, sort="time"):
    """Return the entries ``user`` sees, in reading order: among siblings pinned first, then
    endorsed, then oldest first (``sort="helpful"``: most marked helpful before that)."""
    moderator = permissions.is_moderator(user)
    may_post = permissions.can_post(user, discussion)
    # Asked once, not per comment: a thread has hundreds, and request.user is a lazy proxy.
    signed_in = user.is_authenticated
    reader_id = user.pk if signed_in else None
    now = timezone.now()
    comments = list(comments)
    own = {c.pk for c in comments if reader_id is not None and c.author_id == reader_id}
    full = {c.pk: _shown_in_full(c, c.pk in own, moderator) for c in comments}
    # A comment keeps its place when anything under it is shown; replies always come after
    # their parent, so walking newest first settles every child before its parent.
    keeps_place = dict(full)
    for c in sorted(comments, key=lambda c: c.pk, reverse=True):
        if keeps_place[c.pk] and c.parent_id in keeps_place:
            keeps_place[c.parent_id] = True

    entries = {}
    roots = []
    for c in comments:
        if not keeps_place[c.pk]:
            continue
        # An anonymous comment names its author to instructors and to the author alone.
        nameless = c.is_anonymous and not moderator and c.pk not in own
        entry = ThreadEntry(
            comment=c,
            indent=min(c.depth, MAX_INDENT),
            author_name=shown_name(c.author_username, c.author_display_name, nameless),
            is_instructor=c.author_is_instructor and not nameless,
            anonymous_marker=anonymous_marker(c, moderator, c.pk in own),
            is_pending=c.status == Comment.Status.PENDING,
            is_hidden=c.status == Comment.Status.HIDDEN and (moderator or c.pk in own),
            can_moderate=moderator,
        )
        if not full[c.pk]:
            deleted = c.status == Comment.Status.DELETED
            entry.placeholder = DELETED_PLACEHOLDER if deleted else HIDDEN_PLACEHOLDER
            entry.author_name = ""
            entry.is_instructor = False
            entry.can_moderate = moderator and not deleted
        else:
            entry.can_reply = may_post and c.status == Comment.Status.VISIBLE
            # Only authors edit and delete; nobody reports their own words.
            entry.can_edit = c.pk in own and permissions.can_edit(user, c, now)
            entry.can_delete = c.pk in own and permissions.can_delete(user, c)
            entry.can_report = signed_in and c.pk not in own and permissions.can_report(user, c)
            # Students mark helpful; instructors endorse.
            entry.can_mark_helpful = entry.can_report and not moderator
        entries[c.pk] = entry
        parent = entries.get(c.parent_id)
        (parent.children if parent else roots).append(entry)

    ordered = []
    order = _sort_key(sort)
    # Keys are unique (the pk is last), so sorting in reverse is the reverse of the order.
    stack = sorted(roots, key=order, reverse=True)
    while stack:
        entry = stack.pop()
        ordered.append(entry)
        stack.extend(sorted(entry.children, key=order, reverse=True))
        parent_entry = entries.get(entry.comment.parent_id)
        if entry.comment.depth > MAX_INDENT and parent_entry is not None:
            entry.reply_to_name = parent_entry.author_name or parent_entry.placeholder
    return ordered


def anonymous_marker(comment, moderator, own):
    """What an instructor or the author is told about an anonymous comment (else nothing)."""
    if not comment.is_anonymous:
        return ""
    if moderator:
        return ANONYMOUS_TO_INSTRUCTOR
    return ANONYMOUS_TO_AUTHOR if own else ""


def _sort_key(sort):
    def key(entry):
        c = entry.comment
        helpful = -c.helpful_count if sort == "helpful" and not entry.placeholder else 0
        return (not c.is_pinned, not c.is_endorsed, helpful, c.created_at, c.pk)

    return key
