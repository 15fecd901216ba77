"""The public pages a reader reads, by name, for tests that read each of them."""

from django.urls import reverse


def public_page_url(name, item, discussion=None):
    """The address of page ``name`` showing ``item`` (``discussion``: a discussion's page)."""
    urls = {
        "home": lambda: reverse("items:home"),
        "issue": item.issue.get_absolute_url,
        "item": item.get_absolute_url,
        "archive": lambda: reverse("items:issue_list"),
        "items": lambda: reverse("items:item_list"),
        "insights": lambda: reverse("items:insight_list"),
        "discussion": lambda: discussion.get_absolute_url(),
    }
    return urls[name]()
