"""Backup and restore: a restored board, backed up again, gives the same archive (empty diff).

The archive is written in-process from the test database; each restore runs in a fresh process
against a freshly migrated database (SQLite always; PostgreSQL when one is reachable), exactly as
an operator would run `migrate` then `restore` on a new server.
"""

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from items.backup import read_backup
from items.models import Discussion
from tests.factories import (
    CommentFactory,
    DiscussionFactory,
    InsightFactory,
    InstructorFactory,
    MediaFactory,
    NewsItemFactory,
    UserFactory,
    WeeklyIssueFactory,
    png_upload,
)

BASE_DIR = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """A storage of the test's own, so the archive holds only this test's uploads."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def board():
    """A little of everything a backup must carry."""
    issue = WeeklyIssueFactory(introduction="Welcome — ünïcödé too")
    draft = WeeklyIssueFactory(draft=True)
    items = [NewsItemFactory(issue=issue, tags=["gpus", "vision"]), NewsItemFactory(issue=draft)]
    MediaFactory(item=items[0], image=png_upload(name="card.png"))
    MediaFactory(item=items[0], image=png_upload(name="chart.gif", fmt="GIF"))
    InsightFactory().evidence.set(items)
    instructor = InstructorFactory(username="prof")
    student = UserFactory(username="ada")
    discussion = DiscussionFactory(issue=issue)
    parent = CommentFactory(discussion=discussion, author=student)
    CommentFactory(discussion=discussion, author=instructor, parent=parent, depth=1)
    CommentFactory(discussion=discussion, author=None, status="deleted")
    # A time with less than a millisecond after the second, which Django's stock JSON
    # encoder would round away: the round trip must keep it.
    Discussion.objects.filter(pk=discussion.pk).update(
        created_at=datetime.datetime(2020, 12, 4, 10, 0, 0, 500, tzinfo=datetime.UTC)
    )
    return issue


def rows(data):
    return sorted(json.loads(data), key=lambda row: (row["model"], json.dumps(row.get("pk"))))


def restore_elsewhere(archive, tmp_path, database_url=None):
    """migrate + restore + backup again in a fresh process; returns the second archive."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "false",
        "SECRET_KEY": "restore-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "localhost",
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "SQLITE_PATH": str(tmp_path / "restored.sqlite3"),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    again = tmp_path / "again.tar.gz"
    for args in (["migrate", "--no-input"], ["restore", str(archive)], ["backup", str(again)]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    # New rows get the highest primary keys: the restore moved PostgreSQL's sequences past the
    # archive's rows (or a new row would collide with, or sort before, restored ones).
    create = """
import datetime
import hashlib
from django.contrib.auth.models import User
from items.models import Category, WeeklyIssue
new = [
    User.objects.create_user("newcomer"),
    Category.objects.create(name="New", label="New", slug="new"),
    WeeklyIssue.objects.create(issue_date=datetime.date(2031, 1, 3)),
]
for row in new:
    assert row.pk == type(row).objects.order_by("-pk").first().pk, row
"""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", create],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    second = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert second.returncode != 0 and "The database is not empty" in second.stderr
    return again


def assert_same_board(first, second):
    manifest, data, files = read_backup(first)
    manifest2, data2, files2 = read_backup(second)
    assert rows(data2) == rows(data)
    assert manifest2["counts"] == manifest["counts"]
    assert files2 == files


def test_backup_holds_every_row_and_file_with_checksums(board, tmp_path):
    archive = tmp_path / "board.tar.gz"
    call_command("backup", str(archive))
    manifest, data, files = read_backup(archive)
    counts = manifest["counts"]
    assert counts["items.weeklyissue"] == 2 and counts["items.newsitem"] == 2
    assert counts["items.media"] == 2 and counts["items.insight"] == 1
    assert counts["items.discussion"] == 1 and counts["items.comment"] == 3
    assert counts["auth.user"] == 2 and counts["taggit.tag"] == 2
    assert counts["auth.group"] == 1
    assert "contenttypes.contenttype" not in counts and "sessions.session" not in counts
    # Each upload brings its cleaned original and two thumbnails.
    assert len(files) == 6
    users = {row["fields"]["username"]: row for row in json.loads(data) if row["model"] == "auth.user"}
    assert users["prof"]["fields"]["password"].startswith("md5$")
    assert users["prof"]["fields"]["groups"] == [["Instructors"]]


def test_restore_round_trip_on_sqlite_is_exact(board, tmp_path):
    archive = tmp_path / "board.tar.gz"
    call_command("backup", str(archive))
    assert_same_board(archive, restore_elsewhere(archive, tmp_path))


def test_restore_refuses_a_database_with_content(board, tmp_path):
    archive = tmp_path / "board.tar.gz"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(archive))


def test_a_damaged_archive_is_refused_before_anything_is_written(board, tmp_path):
    archive = tmp_path / "board.tar.gz"
    call_command("backup", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "data.json":
                content = content.replace(b"ada", b"eve")
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(damaged))


def postgres_server_url():
    """NEWSBOARD_TEST_PG_URL, or the suite's own DATABASE_URL when that is PostgreSQL."""
    url = os.environ.get("NEWSBOARD_TEST_PG_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


@pytest.fixture
def scratch_postgres():
    """A throwaway database on the PostgreSQL server, dropped afterwards."""
    url = postgres_server_url()
    if not url:
        pytest.skip("Set NEWSBOARD_TEST_PG_URL (a PostgreSQL server URL) to test restoring into PostgreSQL")
    import psycopg

    config = dj_database_url.parse(url)
    name = f"newsboard_restore_{uuid.uuid4().hex[:12]}"
    connect = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**connect) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(**connect) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_restore_into_postgresql_is_exact(board, tmp_path, scratch_postgres):
    archive = tmp_path / "board.tar.gz"
    call_command("backup", str(archive))
    assert_same_board(archive, restore_elsewhere(archive, tmp_path, database_url=scratch_postgres))


def test_an_archive_made_before_the_display_copies_were_dropped_restores(board, tmp_path):
    """Archives from before migration 0012 carry the items' and issues' display copies
    (listed_tags, listed_item_count, ...): a restore leaves those columns out."""
    archive = tmp_path / "board.tar.gz"
    call_command("backup", str(archive))
    manifest, data, files = read_backup(archive)
    old_rows = json.loads(data)
    copies = {
        "items.newsitem": {"listed_tags": [["gpus", "gpus"]], "listed_media": []},
        "items.weeklyissue": {"listed_item_count": 1, "listed_categories": ["ML"], "listed_lines": []},
    }
    for row in old_rows:
        row["fields"].update(copies.get(row["model"], {}))
    old_data = json.dumps(old_rows).encode()
    manifest["data_sha256"] = hashlib.sha256(old_data).hexdigest()
    old_archive = tmp_path / "old.tar.gz"
    with tarfile.open(archive, "r:gz") as current, tarfile.open(old_archive, "w:gz") as old:
        for member in current.getmembers():
            content = current.extractfile(member).read()
            content = {"manifest.json": json.dumps(manifest).encode(), "data.json": old_data}.get(
                member.name, content
            )
            member.size = len(content)
            old.addfile(member, io.BytesIO(content))

    assert_same_board(archive, restore_elsewhere(old_archive, tmp_path))


def storage_snapshot(media_root):
    return sorted(str(path.relative_to(media_root)) for path in Path(media_root).rglob("*") if path.is_file())


def database_snapshot():
    from django.apps import apps

    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def handmade_archive(path, rows, files):
    """An archive as `backup` writes it, with checksums that match whatever ``rows`` hold."""
    from items.backup import FORMAT, VERSION, sha256

    data = json.dumps(rows).encode()
    counts = {}
    for row in rows:
        counts[row["model"]] = counts.get(row["model"], 0) + 1
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "counts": counts,
        "data_sha256": sha256(data),
        "files": {name: {"size": len(content), "sha256": sha256(content)} for name, content in files.items()},
    }
    with tarfile.open(path, "w:gz") as archive:
        for name, content in [("manifest.json", json.dumps(manifest).encode()), ("data.json", data)] + [
            (f"media/{name}", content) for name, content in files.items()
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path


ONE_GROUP = [{"model": "auth.group", "pk": 1, "fields": {"name": "Instructors", "permissions": []}}]
THIRTY_UPLOADS = {f"media/items/upload-{n}.png": f"picture {n}".encode() for n in range(30)}


def test_a_bad_foreign_key_rolls_back_the_rows_and_leaves_no_file_behind(tmp_path, settings):
    # Valid checksums, but the profile belongs to a user the archive does not have.
    rows = [
        {
            "model": "items.profile",
            "pk": 1,
            "fields": {"user": 999, "display_name": "", "notify_replies": True},
        }
    ]
    archive = handmade_archive(tmp_path / "bad-fk.tar.gz", rows, THIRTY_UPLOADS)
    before = database_snapshot()
    with pytest.raises(CommandError, match="rows do not load into this database, so nothing was restored"):
        call_command("restore", str(archive))
    assert storage_snapshot(settings.MEDIA_ROOT) == []
    assert database_snapshot() == before


def test_a_truncated_archive_fails_with_a_clear_error_and_changes_nothing(tmp_path, settings):
    archive = handmade_archive(tmp_path / "whole.tar.gz", ONE_GROUP, THIRTY_UPLOADS)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    before = database_snapshot()
    with pytest.raises(CommandError, match="truncated or damaged"):
        call_command("restore", str(truncated))
    assert storage_snapshot(settings.MEDIA_ROOT) == []
    assert database_snapshot() == before


def test_a_restore_never_overwrites_a_different_file_already_in_the_storage(tmp_path, settings):
    archive = handmade_archive(tmp_path / "files.tar.gz", ONE_GROUP, THIRTY_UPLOADS)
    existing = Path(settings.MEDIA_ROOT) / "media/items/upload-7.png"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"someone else's picture")
    with pytest.raises(CommandError, match="already holds a different media/items/upload-7.png"):
        call_command("restore", str(archive))
    assert storage_snapshot(settings.MEDIA_ROOT) == ["media/items/upload-7.png"]
    assert existing.read_bytes() == b"someone else's picture"
