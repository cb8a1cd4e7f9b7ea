"""Badge images for downloads: a plain generated badge, baked with the credential (Open Badges 3.0 §5.3)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from microcred.issuing import badge_image
from microcred.issuing.badge_image import SIZE, badge_svg, svg_data_uri
from microcred.vc import baking

__all__ = ["SIZE", "badge_png", "badge_svg", "baked_png", "baked_svg", "svg_data_uri"]


def badge_png(name: str) -> bytes:
    image = Image.new("RGB", (SIZE, SIZE), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), fill="#1f4e79", outline="#f2b705", width=12)
    font = ImageFont.load_default(size=26)
    lines = badge_image.lines(name)
    top = SIZE // 2 - len(lines) * 17
    for number, line in enumerate(lines):
        draw.text((SIZE // 2, top + number * 34), line, fill="white", font=font, anchor="mt")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def baked_png(name: str, credential: dict[str, Any] | str) -> bytes:
    return baking.bake_png(badge_png(name), credential)


def baked_svg(name: str, credential: dict[str, Any] | str) -> str:
    baked = baking.bake_svg(badge_svg(name), credential)
    return baked.decode("utf-8") if isinstance(baked, bytes) else baked
