"""Import a week (or a whole term) written in the course's Markdown as draft issues."""

import datetime
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from items import services
from items.recap import RecapError, default_term_start, parse_recap


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Import a Markdown recap (# ML Weekly (Oct. 9th), a numbered list, ## Insights) as draft issues."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The Markdown file, or - for standard input.")
        parser.add_argument("--year", type=int, help="The year of every date (default: from the term).")
        parser.add_argument(
            "--term-start",
            type=datetime.date.fromisoformat,
            help="The term's first day, yyyy-mm-dd; dates before it fall in the next year.",
        )
        parser.add_argument("--update", action="store_true", help="Rewrite weeks that already exist.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")

    def handle(self, *args, **options):
        text = self.read(options["file"])
        term_start = options["term_start"] or default_term_start()
        try:
            recap = parse_recap(text, year=options["year"], term_start=term_start)
        except RecapError as error:
            raise CommandError(f"The recap has errors; nothing was imported.\n{error}") from error
        plan = services.recap_plan(recap)
        for issue in recap.issues:
            state = "update" if issue.date in plan.existing_issues else "new draft"
            self.stdout.write(
                f"{issue.heading} = {issue.date:%a %-d %b %Y} ({state}), {len(issue.items)} item(s)"
            )
            for item in issue.items:
                flag = " [new category]" if item.category in plan.new_categories else ""
                self.stdout.write(f"  {item.position}. ({item.category}){flag} {item.title}")
        if recap.insights:
            self.stdout.write(f"{len(recap.insights)} insight(s)")
        try:
            with transaction.atomic():
                counts = services.recap_import(recap, update_existing=options["update"])
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write("Dry run: nothing was written.")
            return
        except services.RecapConflict as error:
            raise CommandError(f"{error} (use --update to rewrite them)") from error
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        summary = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))

    def read(self, path):
        if path == "-":
            return sys.stdin.read()
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
