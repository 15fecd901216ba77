from django.urls import path, register_converter

from items import feeds
from items.views import discussion, insights, issues
from items.views import items as item_views


class IsoDateConverter:
    """yyyy-mm-dd, validated later by the view (a malformed date is a 404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(IsoDateConverter, "isodate")

app_name = "items"

urlpatterns = [
    path("", issues.home, name="home"),
    path("issues/", issues.issue_list, name="issue_list"),
    path("issues/<isodate:slug>/", issues.issue_detail, name="issue_detail"),
    path("items/<int:pk>-<slug:slug>/", item_views.item_detail, name="item_detail"),
    path("categories/<slug:slug>/", item_views.category_detail, name="category_detail"),
    path("insights/", insights.insight_list, name="insight_list"),
    path("discussion/<slug:slug>/", discussion.discussion_detail, name="discussion_detail"),
    path("items/", item_views.item_list, name="item_list"),
    path("tags/<slug:slug>/", item_views.tag_detail, name="tag_detail"),
    path("feeds/issues.rss", feeds.IssuesFeed(), name="issues_feed"),
    path("feeds/issues.atom", feeds.IssuesAtomFeed(), name="issues_atom_feed"),
    path("categories/<slug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
]
