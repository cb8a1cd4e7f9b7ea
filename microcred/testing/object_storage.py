"""An S3-compatible server for the tests: moto's, in server mode, on a free loopback port, with a bucket."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from microcred.bench.verify import free_port

ACCESS_KEY = "microcred-test"
SECRET_KEY = "microcred-test-secret"  # noqa: S105 (moto accepts any key: nothing real)
REGION = "us-east-1"


@dataclass
class Bucket:
    endpoint: str
    name: str

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create(self) -> Bucket:
        self.client().create_bucket(Bucket=self.name)
        return self

    def storage_options(self, location: str) -> dict[str, Any]:
        """``STORAGES[...]["OPTIONS"]`` of a prefix of this bucket, as settings builds them from the environment."""
        return {
            "bucket_name": self.name,
            "endpoint_url": self.endpoint,
            "region_name": REGION,
            "addressing_style": "path",
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "location": location,
        }

    def environment(self) -> dict[str, str]:
        """The variables that put a microcred process's uploads in this bucket."""
        return {
            "MICROCRED_S3_BUCKET": self.name,
            "MICROCRED_S3_ENDPOINT_URL": self.endpoint,
            "MICROCRED_S3_REGION": REGION,
            "MICROCRED_S3_ADDRESSING_STYLE": "path",
            "MICROCRED_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "MICROCRED_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def object_keys(self) -> list[str]:
        return [item["Key"] for item in self.client().list_objects_v2(Bucket=self.name).get("Contents", [])]

    def objects(self) -> dict[str, bytes]:
        client = self.client()
        return {key: client.get_object(Bucket=self.name, Key=key)["Body"].read() for key in self.object_keys()}


@contextmanager
def s3_server() -> Iterator[str]:
    """moto's S3-compatible server on a free loopback port, for the time of the block: its endpoint URL."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
