"""Backup and restore of the whole board: every row (Django's serializer) and every upload.

An archive is a .tar.gz holding manifest.json (counts and SHA-256 checksums), data.json
(dumpdata with natural foreign keys, primary keys kept so item addresses stay the same) and
media/<name> for each file in the default storage. Content types and permissions are left out:
migrate creates them, and the data refers to them by natural key, so an archive made on SQLite
restores on PostgreSQL and back.
"""

import datetime
import hashlib
import io
import json
import tarfile
import tempfile
import zlib
from collections import Counter
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction

FORMAT = "newsboard-backup"
VERSION = 1
# Versions name cache entries of the database they were made in, and sign-in attempts (axes) are
# short-lived security records, not the board: a restored board starts its own.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "items.contentversion", "axes"]
# Columns that archives made before migration 0012 hold and the models no longer have (the
# display copies of tags, media and issue listings): left out when such an archive is restored.
DROPPED_FIELDS = {
    "items.newsitem": {"listed_tags", "listed_media"},
    "items.weeklyissue": {"listed_item_count", "listed_categories", "listed_lines"},
}
# Rows the migrations themselves create; an "empty" database already has them.
CREATED_BY_MIGRATIONS = {"auth.group"}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def storage_files(storage=default_storage, folder=""):
    """Every file name in ``storage``, depth first, through the storage API (works for S3 too)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [str(PurePosixPath(folder, name)) if folder else name for name in files]
    for sub in folders:
        names += storage_files(storage, str(PurePosixPath(folder, sub)) if folder else sub)
    return sorted(names)


def _dump_data():
    out = io.StringIO()
    # Inside an enclosing transaction (tests) the isolation level is already fixed.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, so a comment is never saved without its thread.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        call_command("dumpdata", natural_foreign=True, exclude=EXCLUDED, format="exactjson", stdout=out)
    return out.getvalue().encode()


def write_backup(path):
    """Write the archive to ``path``; returns the manifest."""
    data = _dump_data()
    # Files are listed after the data: an upload is stored before its row is committed, so
    # every file the snapshot refers to is already there.
    files = {name: default_storage.open(name, "rb").read() for name in storage_files()}
    counts = Counter(row["model"] for row in json.loads(data))
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "django": django.get_version(),
        "database": connection.vendor,
        "counts": dict(sorted(counts.items())),
        "data_sha256": sha256(data),
        "files": {name: {"size": len(content), "sha256": sha256(content)} for name, content in files.items()},
    }
    with tarfile.open(path, "w:gz") as archive:
        _add(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
        _add(archive, "data.json", data)
        for name, content in files.items():
            _add(archive, f"media/{name}", content)
    return manifest


def _add(archive, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(content))


def read_backup(path):
    """(manifest, data, files) from an archive, every checksum verified; nothing is extracted."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            manifest = json.loads(_read(archive, "manifest.json"))
            if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
                raise CommandError(f"{path} is not a newsboard backup (version {VERSION}).")
            data = _read(archive, "data.json")
            if sha256(data) != manifest["data_sha256"]:
                raise CommandError("data.json does not match its checksum: the archive is damaged.")
            files = {}
            for name, meta in manifest["files"].items():
                if name.startswith("/") or ".." in PurePosixPath(name).parts:
                    raise CommandError(f"Refusing the unsafe file name {name!r} in the archive.")
                files[name] = _read(archive, f"media/{name}")
                if sha256(files[name]) != meta["sha256"]:
                    raise CommandError(f"{name} does not match its checksum: the archive is damaged.")
    except (EOFError, zlib.error) as error:
        raise CommandError(
            f"The backup {path} is truncated or damaged (it ends too early): {error}"
        ) from None
    except (tarfile.TarError, OSError, KeyError, ValueError, TypeError, AttributeError) as error:
        # KeyError, TypeError, AttributeError: a manifest without the keys or shapes it must have.
        raise CommandError(f"Cannot read the backup {path}: {error!r}") from None
    return manifest, data, files


def _read(archive, name):
    member = archive.extractfile(name)
    if member is None:
        raise KeyError(name)
    return member.read()


def rows_present(labels):
    """{label: count} of the models in ``labels`` that already hold rows."""
    present = {}
    for label in labels:
        if label in CREATED_BY_MIGRATIONS:
            continue
        count = apps.get_model(label)._base_manager.count()
        if count:
            present[label] = count
    return present


def restore_backup(path):
    """Load an archive into an empty, migrated database and the default storage."""
    manifest, data, files = read_backup(path)
    present = rows_present(set(manifest["counts"]) | {"auth.user", "items.weeklyissue"})
    if present:
        listing = ", ".join(f"{count} {label}" for label, count in sorted(present.items()))
        raise CommandError(
            f"The database is not empty ({listing}). Restore into a freshly migrated, empty "
            "database, so nothing in it is overwritten."
        )
    stored = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            # Uploads wait in a folder of their own until the rows have loaded.
            staged = Path(folder) / "media"
            for name, content in files.items():
                (staged / name).parent.mkdir(parents=True, exist_ok=True)
                (staged / name).write_bytes(content)
            fixture = Path(folder) / "newsboard-backup.json"
            fixture.write_bytes(without_dropped_fields(data))
            with transaction.atomic():
                _load(fixture, manifest)
                # Last in the transaction: a file the storage refuses rolls the rows back too.
                for name in files:
                    if _store_exactly(name, (staged / name).read_bytes()):
                        stored.append(name)
    except BaseException:
        # The rows rolled back; take the files this restore added back out as well.
        for name in stored:
            default_storage.delete(name)
        raise
    return manifest


def _load(fixture, manifest):
    # The groups the migrations made come back from the archive, with their permissions.
    Group.objects.all().delete()
    try:
        call_command("loaddata", str(fixture), verbosity=0)
    except (DatabaseError, DeserializationError) as error:
        raise CommandError(
            f"The archive's rows do not load into this database, so nothing was restored: {error}"
        ) from error
    restored = {label: apps.get_model(label)._base_manager.count() for label in manifest["counts"]}
    if restored != manifest["counts"]:
        raise CommandError(f"Restored counts {restored} differ from the archive's {manifest['counts']}.")


def _store_exactly(name, content):
    """Put ``content`` at ``name``; True if this call wrote it (False: the same file was there)."""
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            if sha256(existing.read()) == sha256(content):
                return False
        raise CommandError(
            f"The storage already holds a different {name}; move it away first, so nothing is overwritten."
        )
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        default_storage.delete(saved)
        raise CommandError(f"The storage saved {name} as {saved}; the restore would break links.")
    return True


def without_dropped_fields(data):
    """``data`` (data.json) without the ``DROPPED_FIELDS`` and ``EXCLUDED`` models an older
    archive holds; as it was when it holds none, so a current archive loads byte for byte."""
    rows = json.loads(data)
    kept = [row for row in rows if not {row["model"], row["model"].split(".")[0]} & set(EXCLUDED)]
    dropped = len(kept) < len(rows)
    rows = kept
    for row in rows:
        for name in DROPPED_FIELDS.get(row["model"], set()) & row["fields"].keys():
            del row["fields"][name]
            dropped = True
    return json.dumps(rows).encode() if dropped else data
