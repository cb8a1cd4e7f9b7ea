"""With several app servers, a framework upload waits for its task in the shared bucket (an S3-compatible server,
moto's, on loopback), so the worker that runs the task needs nothing on the disk of the server that took it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.frameworks import imports
from microcred.frameworks.models import ImportStatus
from microcred.frameworks.tests.conftest import as_bytes, case_package
from microcred.testing.object_storage import Bucket, s3_server


@pytest.fixture
def bucket(settings: Any, tmp_path: Path) -> Iterator[Bucket]:
    with s3_server() as endpoint:
        bucket = Bucket(endpoint, "microcred-imports").create()
        settings.FRAMEWORK_IMPORT_DIR = tmp_path / "uploads"
        settings.STORAGES = {
            **settings.STORAGES,
            "imports": {
                "BACKEND": "microcred.operations.storage.PrivateUnservedS3Storage",
                "OPTIONS": bucket.storage_options("imports"),
            },
        }
        yield bucket


def test_an_upload_waits_in_the_bucket_and_is_removed_once_imported(
    bucket: Bucket, admin: User, provider: Organization, tmp_path: Path
) -> None:
    job = imports.start_import(
        actor=admin, organization=provider, source_format="case", data=as_bytes(case_package()), enqueue=False
    )
    assert job.path.startswith("frameworks/") and bucket.object_keys() == [f"imports/{job.path}"]
    assert not (tmp_path / "uploads").exists()
    job = imports.run_import(job.pk)
    assert job.status == ImportStatus.DONE and job.framework.competencies.count() == 5
    assert bucket.object_keys() == []


def test_an_upload_gone_from_the_bucket_fails_the_job(bucket: Bucket, admin: User, provider: Organization) -> None:
    job = imports.start_import(
        actor=admin, organization=provider, source_format="case", data=as_bytes(case_package()), enqueue=False
    )
    bucket.client().delete_object(Bucket=bucket.name, Key=f"imports/{job.path}")
    job = imports.run_import(job.pk)
    assert job.status == ImportStatus.FAILED and job.errors["code"] == "file_missing"
