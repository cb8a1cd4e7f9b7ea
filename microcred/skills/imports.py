"""Skills-domain imports as background tasks: occupations (ESCO, O*NET) and job postings.

``start_import`` checks permission (``skills.manage`` on the platform organization) and size, keeps
the files in a folder of their own under the official names, writes the job and its audit entry,
and queues ``import_task`` after commit. ``run_import`` reads, checks and writes all or nothing, and
leaves the outcome on the job (counts, or the errors with field and code); after postings it queues
the skill extraction. Running a finished job again does nothing; importing the same files again
adds nothing. The command line passes a folder it owns (``directory=``): that folder is read in place
and never deleted.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from microcred.accounts.permissions import require
from microcred.audit.services import record
from microcred.errors import DomainError, ValidationFailed
from microcred.frameworks.document import MAX_ESCO_FILE_BYTES, check_size
from microcred.skills import demand, extraction, services
from microcred.skills.models import ImportKind, ImportStatus, SkillsImport
from microcred.skills.occupations import import_esco_occupations
from microcred.skills.onet import import_onet
from microcred.skills.postings import MAX_POSTINGS_BYTES, looks_like_json_lines
from microcred.skills.tabular import ImportCounts

# The files an upload may hold, by kind (the official names; anything else is refused).
UPLOAD_NAMES = {
    ImportKind.ESCO_OCCUPATIONS: (
        "occupations_en.csv",
        "occupationSkillRelations.csv",  # ESCO v1.1.1 publishes the relation files without a language suffix
        "occupationSkillRelations_en.csv",
    ),
    ImportKind.ONET: ("occupation_data.csv", "task_statements.csv", "technology_skills.csv"),
}


def upload_directory() -> Path:
    configured = getattr(settings, "SKILLS_IMPORT_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "skills-imports"


# With several app servers (settings' MICROCRED_S3_BUCKET), an upload waits for its task in the shared bucket's private
# ``imports`` storage, as the worker may be on another machine: the job's stored_path is then "storage:<folder>".
IN_STORAGE = "storage:"


def _store(kind: str, files: dict[str, bytes]) -> Path | str:
    if not files:
        raise ValidationFailed.single("file", "required", _("Choose a file to import."))
    stored: dict[str, bytes] = {}
    if kind == ImportKind.POSTINGS:
        if len(files) != 1:
            raise ValidationFailed.single("file", "invalid", _("Import one postings file at a time."))
        name, data = next(iter(files.items()))
        check_size(data, MAX_POSTINGS_BYTES)
        stored["postings.jsonl" if looks_like_json_lines(data, name) else "postings.csv"] = data
    else:
        for name, data in files.items():
            base = Path(name).name
            if base not in UPLOAD_NAMES[kind]:
                raise ValidationFailed.single(
                    "file",
                    "unexpected_file",
                    _("%(name)s is not one of the expected files: %(names)s.")
                    % {"name": base[:100], "names": ", ".join(UPLOAD_NAMES[kind])},
                )
            check_size(data, MAX_ESCO_FILE_BYTES)
            stored[base] = data
    if "imports" in settings.STORAGES:
        name = f"skills/{uuid.uuid4().hex}"
        for base, data in stored.items():
            storages["imports"].save(f"{name}/{base}", ContentFile(data))
        return IN_STORAGE + name
    folder = upload_directory() / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in stored.items():
        (folder / name).write_bytes(data)
    return folder


def start_import(
    *,
    actor: Any,
    kind: str,
    files: dict[str, bytes] | None = None,
    directory: Path | str | None = None,
    enqueue: bool = True,
) -> SkillsImport:
    """Keep the upload (or note the folder) and queue its import; the content is checked when the task runs."""
    platform = services.platform_organization()
    require(actor, "skills.manage", platform)
    if kind not in ImportKind.values:
        raise ValidationFailed.single("kind", "invalid", _("Unknown import kind."))
    path: Path | str
    if directory is not None:
        path = Path(directory)
        if not path.exists():
            raise ValidationFailed.single("directory", "not_found", _("%(path)s does not exist.") % {"path": path})
        filename = path.name
    else:
        path = _store(kind, files or {})
        filename = ", ".join(Path(name).name for name in (files or {}))[:300]
    with transaction.atomic():
        job = SkillsImport.objects.create(
            kind=kind,
            filename=filename,
            stored_path=str(path),
            created_by=actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None,
        )
        record(
            actor=actor,
            action="skills.start_import",
            target=job,
            organization=platform,
            after={"kind": kind, "file": filename},
        )
        if enqueue:
            transaction.on_commit(lambda: import_task.enqueue(job.pk))
    return job


@task()
def import_task(job_id: int) -> dict[str, Any]:
    job = run_import(job_id)
    return {"status": job.status, "created": job.created}


@task()
def extract_task(limit: int | None = None) -> dict[str, Any]:
    return {"extracted": extraction.extract_pending(limit=limit)}


def _progress(job_id: int):  # type: ignore[no-untyped-def]
    def report(done: int, total: int) -> None:
        SkillsImport.objects.filter(pk=job_id).update(done=done, total=total)

    return report


def _errors(error: DomainError) -> list[dict[str, str]]:
    if isinstance(error, ValidationFailed):
        return [e.to_json() for e in error.errors]
    return [{"field": error.field or "file", "code": error.code, "message": str(error.message)}]


def _notes(counts: ImportCounts) -> list[dict[str, Any]]:
    """A successful import's remarks, kept in the job's ``errors`` list with the code "note" (not failures)."""
    if not counts.skipped:
        return []
    message = _("%(n)s skill references were not linked to an ESCO skill of the loaded framework.") % {
        "n": counts.skipped
    }
    return [{"field": "skills", "code": "note", "message": message, "counts": counts.to_json()}]


@contextmanager
def _on_disk(stored_path: str) -> Iterator[Path]:
    """The job's folder or file: where it lies, or (in the shared bucket) copied into a temporary folder."""
    if not stored_path.startswith(IN_STORAGE):
        yield Path(stored_path)
        return
    folder, storage = stored_path.removeprefix(IN_STORAGE), storages["imports"]
    names = storage.listdir(folder)[1]
    if not names:
        raise FileNotFoundError(stored_path)
    with tempfile.TemporaryDirectory(prefix="microcred-skills-import-") as scratch:
        for name in names:
            with storage.open(f"{folder}/{name}", "rb") as handle:
                (Path(scratch) / Path(name).name).write_bytes(handle.read())
        yield Path(scratch)


def _discard(stored_path: str) -> None:
    """The upload, once its job ran (a folder the command line named is left alone)."""
    if stored_path.startswith(IN_STORAGE):
        folder, storage = stored_path.removeprefix(IN_STORAGE), storages["imports"]
        for name in storage.listdir(folder)[1]:
            storage.delete(f"{folder}/{name}")
    elif Path(stored_path).is_relative_to(upload_directory()):
        shutil.rmtree(stored_path, ignore_errors=True)


def run_import(job_id: int, *, extract: bool = True) -> SkillsImport:
    job = SkillsImport.objects.get(pk=job_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return job
    SkillsImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    progress = _progress(job.pk)
    try:
        with _on_disk(job.stored_path) as path:
            if job.kind == ImportKind.ESCO_OCCUPATIONS:
                counts = import_esco_occupations(path, progress=progress)
                created, notes = counts.created, _notes(counts)
            elif job.kind == ImportKind.ONET:
                counts = import_onet(path, progress=progress)
                created, notes = counts.created, _notes(counts)
            else:
                file = path if path.is_file() else next(iter(sorted(path.glob("postings.*"))), path / "postings.csv")
                result = services.import_postings(file.read_bytes(), filename=file.name, job=job, progress=progress)
                created, notes = result.created, []
    except DomainError as error:
        SkillsImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, errors=_errors(error), finished_at=timezone.now()
        )
    except OSError:
        SkillsImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            errors=[{"field": "file", "code": "file_missing", "message": _("The files are no longer there.")}],
            finished_at=timezone.now(),
        )
    else:
        SkillsImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE, created=created, errors=notes, finished_at=timezone.now()
        )
        if job.kind == ImportKind.POSTINGS and created and extract:
            transaction.on_commit(lambda: extract_task.enqueue())  # the extraction tells the demand listeners
        elif job.kind == ImportKind.ONET:
            demand.notify_changed()  # O*NET's "In Demand" flags are part of the rule
    _discard(job.stored_path)
    job.refresh_from_db()
    return job


def run_from_command_line(kind: str, path: Path | str) -> SkillsImport:
    """The command line's import: the folder or file read in place, now, then (postings) their skills found."""
    from microcred.accounts.permissions import CLI

    job = start_import(actor=CLI, kind=kind, directory=path, enqueue=False)
    job = run_import(job.pk, extract=False)
    if job.status == ImportStatus.DONE and kind == ImportKind.POSTINGS:
        extraction.extract_pending()
    return job
