from django.core.management.base import BaseCommand

from items.backup import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into a freshly migrated, empty database (run `migrate` "
        "first). Refuses a database that already holds users or content."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `backup`.")

    def handle(self, *args, archive, **options):
        manifest = restore_backup(archive)
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Restored {archive}: {rows} rows, {len(manifest['files'])} files.")
        )
