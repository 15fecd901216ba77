"""A handful of demo students, clearly marked, with some reading and comments, so the learning
pages (the checklist, My week, class reach) have something to show after ``load_demo``.

Their usernames start with ``demo-``, their display names say "(demo)", and their passwords are
unusable: nobody signs in as them.
"""

from django.contrib.auth import get_user_model

from items import reading, services
from items.models import Discussion, NewsItem, Profile, WeeklyIssue

DEMO_STUDENTS = [
    ("demo-ada", "Ada (demo)"),
    ("demo-ben", "Ben (demo)"),
    ("demo-chloe", "Chloé (demo)"),
    ("demo-dev", "Dev (demo)"),
    ("demo-eun", "Eun-ji (demo)"),
    ("demo-femi", "Femi (demo)"),
]

COMMENTS = [
    # (student index, text, reply to comment number or None, anonymous)
    (0, "The compute curves in this term's items all point the same way: bigger keeps winning.", None, False),
    (1, "Is that true for vision too, or mostly for language models?", 0, False),
    (2, "Vision too, but data quality mattered as much as size in the items we read.", 1, True),
    (3, "What worries me is who can afford to train these models at all.", None, False),
    (4, "The ethics items this term made that point well.", 3, False),
]


def load_demo_students(open_discussion_slug):
    """Create the demo students with their reading and comments, once. Returns how many were made."""
    users = get_user_model()
    if users.objects.filter(username=DEMO_STUDENTS[0][0]).exists():
        return 0
    students = []
    for username, name in DEMO_STUDENTS:
        student = users(username=username, email=f"{username}@example.invalid")
        student.set_unusable_password()
        student.save()
        profile = {"display_name": name, "notify_replies": False}
        Profile.objects.update_or_create(user=student, defaults=profile)
        students.append(student)

    # Reading: most of the early weeks, less and less of the later ones, so the class
    # "falls behind" near the end as a real one does.
    issues = list(WeeklyIssue.objects.published().order_by("issue_date"))
    for week, issue in enumerate(issues):
        items = list(NewsItem.objects.filter(issue=issue).order_by("position"))
        readers = max(len(students) - week * 2 // 3, 1)
        for number, student in enumerate(students[:readers]):
            reading.mark_read(student, items[: max(len(items) - number % 3, 1)])

    discussion = Discussion.objects.get(slug=open_discussion_slug)
    posted = []
    for author, text, parent, anonymous in COMMENTS:
        posted.append(
            services.comment_create(
                discussion=discussion,
                author=students[author],
                body=text,
                parent=posted[parent] if parent is not None else None,
                anonymous=anonymous,
            )
        )
    for student in students[1:4]:
        services.comment_mark_helpful(comment=posted[0], by=student)
    services.comment_mark_helpful(comment=posted[2], by=students[0])
    return len(students)
