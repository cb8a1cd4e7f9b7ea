"""With several app servers, a skills upload (here job postings) waits for its task in the shared bucket (moto's
S3-compatible server on loopback): the worker copies it to a temporary folder, imports it and removes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from microcred.skills import imports
from microcred.skills.models import JobPosting
from microcred.skills.tests.demand_data import jsonl, platform_admin, posting
from microcred.testing.object_storage import Bucket, s3_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(settings: Any, tmp_path: Path) -> Iterator[Bucket]:
    with s3_server() as endpoint:
        bucket = Bucket(endpoint, "microcred-imports").create()
        settings.SKILLS_IMPORT_DIR = str(tmp_path / "uploads")
        settings.STORAGES = {
            **settings.STORAGES,
            "imports": {
                "BACKEND": "microcred.operations.storage.PrivateUnservedS3Storage",
                "OPTIONS": bucket.storage_options("imports"),
            },
        }
        yield bucket


def test_postings_wait_in_the_bucket_and_are_removed_once_imported(bucket: Bucket, tmp_path: Path) -> None:
    _platform, admin = platform_admin()
    data = jsonl(posting(), posting(title="Other"))
    job = imports.start_import(actor=admin, kind="postings", files={"mine.jsonl": data}, enqueue=False)
    assert job.stored_path.startswith(imports.IN_STORAGE) and not (tmp_path / "uploads").exists()
    assert bucket.objects() == {f"imports/{job.stored_path.removeprefix(imports.IN_STORAGE)}/postings.jsonl": data}
    job = imports.run_import(job.pk, extract=False)
    assert (job.status, job.created) == ("done", 2) and JobPosting.objects.filter(source_import=job).count() == 2
    assert bucket.object_keys() == []


def test_postings_gone_from_the_bucket_fail_the_job(bucket: Bucket) -> None:
    _platform, admin = platform_admin()
    job = imports.start_import(actor=admin, kind="postings", files={"p.jsonl": jsonl(posting())}, enqueue=False)
    for key in bucket.object_keys():
        bucket.client().delete_object(Bucket=bucket.name, Key=key)
    job = imports.run_import(job.pk, extract=False)
    assert job.status == "failed" and job.errors[0]["code"] == "file_missing"
