"""``microcred backup FILE`` and ``microcred restore FILE``: the database (as Django's portable JSON dump, so a backup
of SQLite restores into PostgreSQL and back) and the uploaded files, in one ``.tar.gz`` with a manifest that holds
the SHA-256 of every part and the migration state it was taken at.

The files are read and written through Django's storages, so they come from (and go back to) wherever the server
keeps them: local disk, or the S3-compatible bucket of several app servers. ``files/`` holds the default storage
(catalog images), ``evidence/`` the evidence storage (learners' files, which live outside ``MEDIA_ROOT``).

Restore refuses a damaged archive, an archive of another migration state, and a database that already holds data.
Not kept: sessions (everyone signs in again), the background-task queue (queued work is not carried over) and the
brute-force counts (their windows last minutes).
Signing keys stay encrypted in the dump: keep ``MICROCRED_KEY_ENCRYPTION_KEYS`` (and the secret key) apart from the
backups, and give the restored server the same ones.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

FORMAT = "microcred-backup"
VERSION = 1
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "django_tasks_database",
    "accounts.throttlewindow",
]


class BackupError(Exception):
    pass


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _migration_state() -> dict[str, str]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


# The manifest's key and the archive's folder of each storage that holds uploads.
STORES = ("files", "evidence")


def _storage(part: str) -> Any:
    if part == "evidence":
        from microcred.assessment.models import evidence_storage

        return evidence_storage()
    from django.core.files.storage import default_storage

    return default_storage


def _stored_files(part: str) -> dict[str, bytes]:
    from microcred.operations.media import walk

    storage = _storage(part)
    files = {}
    for name in walk(storage):
        with storage.open(name, "rb") as handle:
            files[name] = handle.read()
    return files


def backup(path: Path) -> dict[str, Any]:
    """Write the archive at ``path``; returns its manifest."""
    from django.core.management import call_command
    from django.db import connection

    with tempfile.TemporaryDirectory(prefix="microcred-backup-") as scratch:
        dump = Path(scratch) / "database.json"
        call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, output=str(dump), verbosity=0)
        database = dump.read_bytes()
        stored = {part: _stored_files(part) for part in STORES}
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database_vendor": connection.vendor,
            "migrations": _migration_state(),
            "database": {"name": "database.json", "sha256": _sha256(database), "bytes": len(database)},
            **{part: {name: _sha256(data) for name, data in stored[part].items()} for part in STORES},
        }
        with tarfile.open(path, "w:gz") as archive:
            for name, data in (
                ("manifest.json", json.dumps(manifest, indent=2).encode()),
                ("database.json", database),
                *((f"{part}/{name}", data) for part in STORES for name, data in stored[part].items()),
            ):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mode = 0o600
                archive.addfile(info, io.BytesIO(data))
    return manifest


def _read(path: Path) -> tuple[dict[str, Any], bytes, dict[str, dict[str, bytes]]]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = {member.name: member for member in archive.getmembers()}
            for member in members.values():
                if (
                    not member.isfile()
                    or PurePosixPath(member.name).is_absolute()
                    or ".." in PurePosixPath(member.name).parts
                ):
                    raise BackupError(f"unexpected member {member.name!r}")

            def read(name: str) -> bytes:
                member = members.get(name)
                if member is None:
                    raise BackupError(f"{name} is missing")
                handle = archive.extractfile(member)
                assert handle is not None
                return handle.read()

            manifest = json.loads(read("manifest.json"))
            if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
                raise BackupError("not a microcred backup of a version this microcred reads")
            database = read("database.json")
            if _sha256(database) != manifest["database"]["sha256"]:
                raise BackupError("database.json does not match its digest: the archive is damaged or altered")
            files: dict[str, dict[str, bytes]] = {part: {} for part in STORES}
            for part in STORES:  # an archive of an older microcred has no "evidence"
                for name, digest in manifest.get(part, {}).items():
                    data = read(f"{part}/{name}")
                    if _sha256(data) != digest:
                        raise BackupError(f"{part}/{name} does not match its digest")
                    files[part][name] = data
    except (OSError, tarfile.TarError, json.JSONDecodeError, KeyError) as error:
        raise BackupError(f"unreadable archive: {error}") from error
    return manifest, database, files


def restore(path: Path) -> dict[str, Any]:
    """Load the archive into this (migrated, empty) database and the storages of uploads; returns its manifest."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db import transaction

    manifest, database, files = _read(path)
    if manifest["migrations"] != _migration_state():
        raise BackupError("the archive was taken at another migration state: migrate to the same microcred version")
    if get_user_model().objects.exists():
        raise BackupError("this database already holds data: restore into a new, migrated database")
    for part in STORES:
        for name in files[part]:
            parts = PurePosixPath(name).parts
            if not parts or PurePosixPath(name).is_absolute() or ".." in parts or "\\" in name:
                raise BackupError(f"{part}/{name} would be written outside its storage")
    with tempfile.TemporaryDirectory(prefix="microcred-restore-") as scratch:
        dump = Path(scratch) / "database.json"
        dump.write_bytes(database)
        with transaction.atomic():
            call_command("loaddata", str(dump), verbosity=0)
    for part in STORES:
        storage = _storage(part)
        for name, data in files[part].items():
            if storage.exists(name):  # the same name again (a restore into the bucket it was taken from)
                storage.delete(name)
            if storage.save(name, ContentFile(data)) != name:
                raise BackupError(f"{part}/{name} could not be written under its own name")
    return manifest


def register(subparsers: argparse._SubParsersAction) -> None:
    help_text = "write the database and uploaded files to one .tar.gz (with the SHA-256 of every part)"
    parser = subparsers.add_parser("backup", help=help_text, description=help_text)
    parser.add_argument("file", type=Path)
    parser.set_defaults(func=run_backup)
    help_text = "load a backup into a new, migrated database (same microcred version) and the upload storages"
    parser = subparsers.add_parser("restore", help=help_text, description=help_text)
    parser.add_argument("file", type=Path)
    parser.set_defaults(func=run_restore)


def _setup() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    django.setup()


def run_backup(args: argparse.Namespace) -> int:
    _setup()
    manifest = backup(args.file)
    count = sum(len(manifest[part]) for part in STORES)
    print(f"wrote {args.file}: database ({manifest['database']['bytes']:,} bytes), {count} files")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    _setup()
    try:
        manifest = restore(args.file)
    except BackupError as error:
        print(f"error: {error}")
        return 2
    print(f"restored {args.file} (taken {manifest['created_at']} on {manifest['database_vendor']})")
    return 0
