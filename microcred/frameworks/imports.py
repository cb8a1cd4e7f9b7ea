"""Framework imports as background tasks: a job row a page polls for progress, a task that runs it.

``start_import`` checks permission and size, keeps the upload, and queues ``import_task`` after
commit. ``run_import`` reads, checks and writes (all or nothing, see ``services.import_document``)
and leaves the outcome on the job: the framework, or the error with its code and field errors.
Running a finished job again does nothing; importing the same file again changes nothing.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from microcred.accounts.models import Organization
from microcred.accounts.permissions import CLI
from microcred.audit.services import record
from microcred.errors import DomainError, ValidationFailed
from microcred.frameworks import case, services, tabular
from microcred.frameworks import document as doc
from microcred.frameworks.models import FrameworkImport, ImportStatus, SourceFormat

UPLOAD_FORMATS = (SourceFormat.CASE, SourceFormat.CSV)
CSV_OPTIONS = ("title", "version", "publisher", "language", "licence", "source_uri", "description")


def upload_directory() -> Path:
    """Where uploads wait for their task: in the data directory, never under the served media."""
    configured = getattr(settings, "FRAMEWORK_IMPORT_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "framework-imports"


# With several app servers (settings' MICROCRED_S3_BUCKET), an upload waits in the shared bucket's private ``imports``
# storage, since the worker that runs the task may be on another machine; the job then keeps the object's name,
# relative. Otherwise it waits on this machine's disk and the job keeps its absolute path.
def _keep(data: bytes) -> str:
    name = f"{uuid.uuid4().hex}.upload"
    if "imports" in settings.STORAGES:
        return storages["imports"].save(f"frameworks/{name}", ContentFile(data))
    directory = upload_directory()
    directory.mkdir(parents=True, exist_ok=True)
    path = (directory / name).resolve()
    path.write_bytes(data)
    return str(path)


def _on_disk(kept: str) -> bool:
    return Path(kept).is_absolute() or "imports" not in settings.STORAGES


def _read(kept: str) -> bytes:
    if _on_disk(kept):
        return Path(kept).read_bytes()
    storage = storages["imports"]
    if not storage.exists(kept):
        raise FileNotFoundError(kept)
    with storage.open(kept, "rb") as handle:
        return handle.read()


def _discard(kept: str) -> None:
    if not kept:
        return
    if _on_disk(kept):
        Path(kept).unlink(missing_ok=True)
    else:
        storages["imports"].delete(kept)


def parse(source_format: str, data: bytes, options: dict[str, Any]) -> doc.FrameworkDocument:
    """A file of an upload format, read and checked."""
    if source_format == SourceFormat.CASE:
        return case.parse_case(data)
    if source_format == SourceFormat.CSV:
        title = str(options.get("title") or "").strip()
        if not title:
            raise ValidationFailed.single("title", "required", _("Give the framework a title."))
        header = {name: str(options[name]) for name in CSV_OPTIONS if options.get(name) and name != "title"}
        return tabular.parse_csv(data, title=title, **header)
    raise ValidationFailed.single("format", "invalid", _("Unknown format; use case or csv."))


def start_import(
    *,
    actor: Any,
    organization: Organization | None,
    source_format: str,
    data: bytes,
    file_name: str = "",
    options: dict[str, Any] | None = None,
    enqueue: bool = True,
) -> FrameworkImport:
    """Keep the file and queue its import. The file's form is checked now; its content when the task runs."""
    services.require_edit(actor, organization)
    if source_format not in UPLOAD_FORMATS:
        raise ValidationFailed.single("format", "invalid", _("Unknown format; use case or csv."))
    doc.check_size(data)
    options = {name: str(value)[:500] for name, value in (options or {}).items() if name in CSV_OPTIONS}
    if source_format == SourceFormat.CSV and not options.get("title", "").strip():
        raise ValidationFailed.single("title", "required", _("Give the framework a title."))
    kept = _keep(data)
    with transaction.atomic():
        job = FrameworkImport.objects.create(
            organization=organization,
            source_format=source_format,
            file_name=Path(file_name).name[:300],
            path=kept,
            checksum=doc.checksum(data),
            options=options,
            created_by=actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None,
        )
        record(
            actor=actor,
            action="frameworks.start_import",
            target=job,
            organization=organization,
            after={"format": source_format, "file": job.file_name, "checksum": job.checksum},
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    result = import_task.enqueue(job_id)
    FrameworkImport.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


@task()
def import_task(job_id: int) -> dict[str, Any]:
    job = run_import(job_id)
    return {"status": job.status, "framework": job.framework_id}


def run_import(job_id: int) -> FrameworkImport:
    job = FrameworkImport.objects.select_related("organization", "created_by").get(pk=job_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return job
    FrameworkImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    actor = job.created_by or CLI
    try:
        data = _read(job.path)
        document = parse(job.source_format, data, job.options)
        FrameworkImport.objects.filter(pk=job.pk).update(total=len(document.competencies))
        result = services.import_document(
            actor=actor,
            organization=job.organization,
            document=document,
            source_format=job.source_format,
            file_checksum=job.checksum,
        )
    except DomainError as error:
        FrameworkImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, errors=error.to_json(), finished_at=timezone.now()
        )
    except OSError:
        FrameworkImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            errors={"code": "file_missing", "message": _("The uploaded file is no longer there; upload it again.")},
            finished_at=timezone.now(),
        )
    else:
        FrameworkImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            framework=result.framework,
            done=len(document.competencies),
            options={
                **job.options,
                "result": {
                    "created": result.created,
                    "changed": result.changed,
                    **result.counts,
                    "warnings": document.warnings,
                },
            },
            finished_at=timezone.now(),
        )
    _discard(job.path)
    job.refresh_from_db()
    return job
