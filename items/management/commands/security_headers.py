from urllib.error import HTTPError
from urllib.request import Request, urlopen

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse

from items.models import Discussion, NewsItem, WeeklyIssue
from newsboard.security_grade import table


def public_pages():
    """(label, path) for every kind of public page, using the board's own content."""
    pages = [
        ("home", reverse("items:home")),
        ("archive", reverse("items:issue_list")),
    ]
    issue = WeeklyIssue.objects.published().first()
    if issue:
        pages += [
            ("issue", issue.get_absolute_url()),
            ("present", reverse("items:issue_present", args=[issue.slug])),
            ("recap", reverse("items:issue_recap", args=[issue.slug])),
            ("term deck", reverse("items:term_present", args=[issue.slug, issue.slug])),
        ]
    item = NewsItem.objects.published().select_related("category").first()
    if item:
        pages += [("item", item.get_absolute_url()), ("category", item.category.get_absolute_url())]
    tag = NewsItem.objects.published().used_tags().first()
    if tag:
        pages.append(("tag", reverse("items:tag_detail", args=[tag.slug])))
    pages += [
        ("filter", reverse("items:item_list") + "?category=dl&match=any"),
        ("search", reverse("items:item_list") + "?q=learning"),
        ("insights", reverse("items:insight_list")),
        ("discussions", reverse("items:discussion_list")),
    ]
    discussion = Discussion.objects.published().first()
    if discussion:
        pages.append(("discussion", discussion.get_absolute_url()))
    pages += [
        ("RSS", reverse("items:issues_feed")),
        ("sitemap", reverse("sitemap")),
        ("robots", reverse("robots")),
        ("healthz", reverse("healthz")),
        ("sign in", reverse("login")),
        ("sign up", reverse("signup")),
        ("password reset", reverse("password_reset")),
        ("not found", "/no-such-page/"),
        ("admin sign-in", reverse("admin:login")),
    ]
    return pages


INSTRUCTOR_PAGES = [
    ("admin", lambda: reverse("admin:index")),
    ("admin issues", lambda: reverse("admin:items_weeklyissue_changelist")),
    ("admin item form", lambda: reverse("admin:items_newsitem_add")),
    ("admin recap import", lambda: reverse("admin:items_weeklyissue_import_recap")),
    ("moderation queue", lambda: reverse("items:moderation_queue")),
]


class Command(BaseCommand):
    help = (
        "Print the security headers every public page and the admin send, with a grade per page "
        "(A+ when all seven are there). In-process over HTTPS by default; --base-url asks a running "
        "deployment instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", help="e.g. https://news.example.edu: fetch pages from there")
        parser.add_argument(
            "--instructor", help="A staff user name: also grade the admin pages, signed in as them"
        )

    def handle(self, *args, base_url=None, instructor=None, **options):
        pages = public_pages()
        if base_url:
            rows = [(label, path, *fetch(base_url.rstrip("/") + path)) for label, path in pages]
        else:
            host = next((h for h in settings.ALLOWED_HOSTS if h not in {"*"} and not h.startswith(".")), "")
            client = Client(headers={"host": host})
            rows = [(label, path, *in_process(client, path)) for label, path in pages]
            if instructor:
                user = get_user_model().objects.filter(username=instructor, is_staff=True).first()
                if user is None:
                    raise CommandError(f"No staff user named {instructor!r}.")
                client.force_login(user)
                try:
                    rows += [(label, url(), *in_process(client, url())) for label, url in INSTRUCTOR_PAGES]
                finally:
                    client.logout()  # deletes the session it made
        self.stdout.write(table(rows))


def in_process(client, path):
    response = client.get(path, secure=True)
    return response.status_code, response.headers


def fetch(url):
    try:
        with urlopen(Request(url, headers={"User-Agent": "newsboard security_headers"}), timeout=30) as r:
            return r.status, r.headers
    except HTTPError as error:
        return error.code, error.headers
