from django.urls import path, register_converter

from items import feeds
from items.caching import shows_board
from items.views import discussion, insights, issues, me, present, reach, reading, search
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
    path("discussion/", discussion.discussion_list, name="discussion_list"),
    path("discussion/moderation/", discussion.moderation_queue, name="moderation_queue"),
    path("discussion/<slug:slug>/", discussion.discussion_detail, name="discussion_detail"),
    path("issues/<isodate:slug>/present/", shows_board(present.issue_present), name="issue_present"),
    path("issues/<isodate:slug>/figures.json", present.issue_figures, name="issue_figures"),
    path("issues/<isodate:slug>/recap.md", shows_board(present.issue_recap), name="issue_recap"),
    path(
        "present/term/<isodate:start>/<isodate:end>/", shows_board(present.term_present), name="term_present"
    ),
    path("discussion/<slug:slug>/comment/", discussion.comment_create, name="comment_create"),
    path("discussion/<slug:slug>/lock/", discussion.discussion_lock, name="discussion_lock"),
    path("discussion/<slug:slug>/live/", discussion.discussion_live, name="discussion_live"),
    path("comments/<int:pk>/edit/", discussion.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", discussion.comment_delete, name="comment_delete"),
    path("comments/undo-delete/", discussion.comment_undo_delete, name="comment_undo_delete"),
    path("comments/<int:pk>/report/", discussion.comment_report, name="comment_report"),
    path("comments/<int:pk>/helpful/", discussion.comment_helpful, name="comment_helpful"),
    path("comments/<int:pk>/moderate/", discussion.comment_moderate, name="comment_moderate"),
    path("comments/<int:pk>/insight/", discussion.comment_insight, name="comment_insight"),
    path("issues/<isodate:slug>/discussion/", discussion.issue_discussion, name="issue_discussion"),
    path("items/<int:pk>-<slug:slug>/discussion/", discussion.item_discussion, name="item_discussion"),
    path("items/<int:pk>/go/", reading.item_go, name="item_go"),
    path("items/<int:pk>/read/", reading.item_read, name="item_read"),
    path("me/", me.my_week, name="me"),
    path("instructor/reach/", reach.reach_page, name="reach"),
    path("instructor/reach.csv", reach.reach_csv, name="reach_csv"),
    path("items/", item_views.item_list, name="item_list"),
    path("search/", search.search, name="search"),
    path("tags/<slug:slug>/", item_views.tag_detail, name="tag_detail"),
    path("feeds/issues.rss", shows_board(feeds.IssuesFeed()), name="issues_feed"),
    path("feeds/issues.atom", shows_board(feeds.IssuesAtomFeed()), name="issues_atom_feed"),
    path("categories/<slug:slug>/feed/", shows_board(feeds.CategoryFeed()), name="category_feed"),
    path("tags/<slug:slug>/feed/", shows_board(feeds.TagFeed()), name="tag_feed"),
    path("feeds/insights.rss", shows_board(feeds.InsightsFeed()), name="insights_feed"),
    path("feeds/style.xsl", shows_board(feeds.feed_stylesheet), name="feed_stylesheet"),
    path("discussion/<slug:slug>/feed/", feeds.CommentsFeed(), name="comments_feed"),
]
