"""Write issues (drafts included) back to the course's Markdown."""

import datetime

from django.core.management.base import BaseCommand

from items.models import Discussion, Insight, WeeklyIssue
from items.recap import export_recap, recap_from_issues


class Command(BaseCommand):
    help = "Print issues as a Markdown recap, oldest first (all issues unless --from/--to)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=datetime.date.fromisoformat, help="yyyy-mm-dd")
        parser.add_argument("--to", dest="end", type=datetime.date.fromisoformat, help="yyyy-mm-dd")
        parser.add_argument(
            "--with-insights",
            action="store_true",
            help="Add the published insights and the Open Discussion, as the term recap does.",
        )

    def handle(self, *args, **options):
        issues = WeeklyIssue.objects.with_items().order_by("issue_date")
        if options["start"]:
            issues = issues.filter(issue_date__gte=options["start"])
        if options["end"]:
            issues = issues.filter(issue_date__lte=options["end"])
        insights, prompt = (), ""
        if options["with_insights"]:
            insights = Insight.objects.published()
            prompt = (
                Discussion.objects.filter(slug="open-discussion").values_list("prompt", flat=True).first()
            )
        self.stdout.write(export_recap(recap_from_issues(issues, insights, prompt or "")), ending="")
