from django.core.management.base import BaseCommand

from items.demo.loader import load_course


class Command(BaseCommand):
    help = "Load the course deck (8 issues of ML Weekly, insights, Open Discussion). Safe to run again."

    def handle(self, *args, **options):
        created = load_course()
        if any(created.values()):
            summary = ", ".join(f"{count} {name}" for name, count in created.items() if count)
            self.stdout.write(self.style.SUCCESS(f"Loaded the course deck: {summary}."))
        else:
            self.stdout.write("The course deck is already loaded; nothing changed.")
