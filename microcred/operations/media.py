"""How uploaded files are served and listed, wherever they live (local disk, or the bucket of
:mod:`microcred.operations.storage` when several app servers share their files):

- evidence is streamed through ``assessment:evidence``, after its permission check, with the same headers as from
  local disk (attachment or sandboxed inline, ``nosniff``): a presigned URL would skip those headers and stay valid
  for anyone who copies it until it expires;
- catalog images and organizations' logos, which are public, are streamed by :func:`media_file` at
  ``/media/<name>``, the same address as on local disk, so the URL an exported Achievement carries does not depend
  on where the bytes live.

Local disk stays the default (``FileSystemStorage`` under ``MEDIA_ROOT``, evidence under the data directory), and
:func:`media_file` serves it the same way.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Iterator

from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

# What /media/ may serve: the public uploads. Anything else that ever lands in the default storage stays unserved.
PUBLIC_MEDIA_PREFIXES = ("catalog/images/", "organizations/logos/")
PUBLIC_MEDIA_TYPES = {"image/png", "image/jpeg", "image/webp"}


def walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in ``storage`` (below ``folder``), sorted, on local disk and in a bucket alike."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a local folder that was never created holds nothing
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for directory in sorted(directories):
        yield from walk(storage, posixpath.join(folder, directory) if folder else directory)


def is_public_media(name: str) -> bool:
    parts = name.split("/")
    return (
        name.startswith(PUBLIC_MEDIA_PREFIXES)
        and ".." not in parts
        and "" not in parts
        and "\\" not in name
        and mimetypes.guess_type(name)[0] in PUBLIC_MEDIA_TYPES
    )


@require_GET
def media_file(request: HttpRequest, name: str) -> HttpResponse:
    """A public upload (a catalog image) from the default storage, on local disk or in the bucket."""
    if not is_public_media(name) or not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type=mimetypes.guess_type(name)[0])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response
