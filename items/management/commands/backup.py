from django.core.management.base import BaseCommand

from items.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the board to a .tar.gz: every row of the database and every "
        "uploaded file, with a manifest of counts and checksums. Restore it with `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Where to write the archive, e.g. newsboard-2026-11-26.tar.gz")

    def handle(self, *args, archive, **options):
        manifest = write_backup(archive)
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {archive}: {rows} rows, {len(manifest['files'])} files.")
        )
