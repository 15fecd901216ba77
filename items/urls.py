from django.urls import path, register_converter

from items.views import discussion, insights, issues, present
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
    path("issues/<isodate:slug>/present/", present.issue_present, name="issue_present"),
    path("issues/<isodate:slug>/recap.md", present.issue_recap, name="issue_recap"),
    path("present/term/<isodate:start>/<isodate:end>/", present.term_present, name="term_present"),
]
