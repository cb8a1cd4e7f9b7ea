"""Checks for an uploaded image (a micro-credential's badge, an organization's logo): the type is read from the
content, never from the name; size, dimensions and decompression bombs are refused as field errors."""

from __future__ import annotations

import io
import warnings
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from microcred.errors import ValidationFailed

MAX_BYTES = 1024 * 1024
MIN_SIDE = 64
MAX_SIDE = 2048
FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def check_image(upload: IO[bytes], *, field: str = "image") -> str:
    """Return the file extension for an acceptable image, or raise ``ValidationFailed``."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed.single(field, "too_large", _("The image must be 1 MB or smaller."))
    if not data:
        raise ValidationFailed.single(field, "empty", _("The image file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format or ""
                width, height = probe.size
                probe.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ValidationFailed.single(field, "not_an_image", _("The file is not a PNG, JPEG or WebP image.")) from exc
    if kind not in FORMATS:
        raise ValidationFailed.single(field, "unsupported_type", _("Upload a PNG, JPEG or WebP image."))
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ValidationFailed.single(
            field,
            "bad_dimensions",
            _("The image must be between %(min)s and %(max)s pixels on each side.")
            % {"min": MIN_SIDE, "max": MAX_SIDE},
        )
    upload.seek(0)
    return FORMATS[kind]
