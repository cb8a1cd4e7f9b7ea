"""/media/ on local disk: the public uploads (catalog images) and nothing else, in development and production alike."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from microcred.accounts.permissions import SYSTEM
from microcred.catalog.services import set_image
from microcred.operations.media import walk
from microcred.testing import factories
from microcred.testing.assessment import as_draft, make_published_credential

pytestmark = pytest.mark.django_db


def _png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (20, 120, 200)).save(out, "PNG")
    out.seek(0)
    return out


def test_catalog_images_are_served_and_nothing_else(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    provider = factories.make_organization("provider", name="Maple College")
    credential = make_published_credential(provider, title="Safe welding")
    with as_draft(credential):
        set_image(actor=SYSTEM, credential=credential, upload=_png())
    assert credential.image.url == f"/media/{credential.image.name}"
    served = Client().get(credential.image.url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == (settings.MEDIA_ROOT / credential.image.name).read_bytes()
    assert served["X-Content-Type-Options"] == "nosniff"

    (settings.MEDIA_ROOT / "evidence").mkdir()
    (settings.MEDIA_ROOT / "evidence" / "private.png").write_bytes(b"\x89PNG not public")
    (settings.MEDIA_ROOT / "catalog" / "images" / "page.html").write_bytes(b"<script>alert(1)</script>")
    for path in (
        "/media/evidence/private.png",  # not under a public prefix
        "/media/catalog/images/page.html",  # not an image type
        "/media/catalog/images/../../evidence/private.png",
        "/media/catalog/images/missing.png",
    ):
        assert Client().get(path).status_code == 404, path
    assert sorted(walk(credential.image.storage)) == sorted(
        ["catalog/images/page.html", credential.image.name, "evidence/private.png"]
    )
