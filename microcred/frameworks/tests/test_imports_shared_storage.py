"""With several app servers, a framework upload waits for its task in the shared bucket (an S3-compatible server,
moto's, on loopback), so the worker that runs the task needs nothing on the disk of the server that took it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from microcred.accounts.models import Organization, User
from microcred.bench.verify import free_port
from microcred.frameworks import imports
from microcred.frameworks.models import ImportStatus
from microcred.frameworks.tests.conftest import as_bytes, case_package

BUCKET = "microcred-imports"


@pytest.fixture
def bucket(settings: Any, tmp_path: Path) -> Iterator[Any]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": f"http://127.0.0.1:{port}",
        "region_name": "us-east-1",
        "addressing_style": "path",
        "access_key": "microcred-test",
        "secret_key": "microcred-test-secret",  # moto accepts any key
        "location": "imports",
    }
    client = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name="us-east-1",
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    settings.FRAMEWORK_IMPORT_DIR = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "microcred.operations.storage.PrivateUnservedS3Storage", "OPTIONS": options},
    }
    try:
        yield client
    finally:
        server.stop()


def _keys(client: Any) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_upload_waits_in_the_bucket_and_is_removed_once_imported(
    bucket: Any, admin: User, provider: Organization, tmp_path: Path
) -> None:
    job = imports.start_import(
        actor=admin, organization=provider, source_format="case", data=as_bytes(case_package()), enqueue=False
    )
    assert job.path.startswith("frameworks/") and _keys(bucket) == [f"imports/{job.path}"]
    assert not (tmp_path / "uploads").exists()
    job = imports.run_import(job.pk)
    assert job.status == ImportStatus.DONE and job.framework.competencies.count() == 5
    assert _keys(bucket) == []


def test_an_upload_gone_from_the_bucket_fails_the_job(bucket: Any, admin: User, provider: Organization) -> None:
    job = imports.start_import(
        actor=admin, organization=provider, source_format="case", data=as_bytes(case_package()), enqueue=False
    )
    bucket.delete_object(Bucket=BUCKET, Key=f"imports/{job.path}")
    job = imports.run_import(job.pk)
    assert job.status == ImportStatus.FAILED and job.errors["code"] == "file_missing"
