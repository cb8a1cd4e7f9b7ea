"""Uploads in an S3-compatible bucket (django-storages), when ``MICROCRED_S3_BUCKET`` is set (see settings).

The two storages that hold uploads live in one private bucket: ``default`` (catalog images, under ``media/``) and
``evidence`` (learners' evidence, under ``evidence/``). Nothing in the bucket is public and no URL of the bucket is
ever handed out: :mod:`microcred.operations.media` says how each is served.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """A private bucket prefix: no ACL on the objects (the bucket's own, private), names never overwritten, and
    ``url()`` is microcred's own ``/media/<name>`` address, never the bucket's."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("default_acl", None)
        options.setdefault("file_overwrite", False)
        options.setdefault("querystring_auth", True)
        super().__init__(**options)

    def url(self, name: str | None, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        return f"{settings.MEDIA_URL}{name or ''}"


class PrivateEvidenceS3Storage(PrivateS3Storage):
    """Evidence in the bucket: like on local disk, it has no URL; only the permission-checked view serves it."""

    def url(self, name: str | None, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        raise ValueError("Evidence files have no public URL; serve them through assessment:evidence.")


class PrivateUnservedS3Storage(PrivateS3Storage):
    """Files only microcred reads (uploads waiting for a background task): no URL at all."""

    def url(self, name: str | None, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        raise ValueError("These files have no URL: only microcred's background tasks read them.")
