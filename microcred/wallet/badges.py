"""Badge images for downloads: a plain generated badge, baked with the credential (Open Badges 3.0 §5.3)."""

from __future__ import annotations

import base64
import io
import textwrap
from typing import Any

from django.utils.html import escape
from PIL import Image, ImageDraw, ImageFont

from microcred.vc import baking

SIZE = 400


def _lines(name: str) -> list[str]:
    return textwrap.wrap(name, width=22)[:4] or ["microcred"]


def badge_png(name: str) -> bytes:
    image = Image.new("RGB", (SIZE, SIZE), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), fill="#1f4e79", outline="#f2b705", width=12)
    font = ImageFont.load_default(size=26)
    lines = _lines(name)
    top = SIZE // 2 - len(lines) * 17
    for number, line in enumerate(lines):
        draw.text((SIZE // 2, top + number * 34), line, fill="white", font=font, anchor="mt")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def badge_svg(name: str) -> str:
    lines = _lines(name)
    top = SIZE // 2 - len(lines) * 17 + 20
    text = "".join(
        f'<text x="{SIZE // 2}" y="{top + number * 34}" text-anchor="middle">{escape(line)}</text>'
        for number, line in enumerate(lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}">'
        f"<title>{escape(name)}</title>"
        f'<circle cx="{SIZE // 2}" cy="{SIZE // 2}" r="{SIZE // 2 - 16}" fill="#1f4e79" stroke="#f2b705" '
        f'stroke-width="12"/><g fill="white" font-family="sans-serif" font-size="26">{text}</g></svg>'
    )


def svg_data_uri(name: str) -> str:
    """The badge as a ``data:`` URI for an ``<img>``: the image baked into the downloads, shown on the pages."""
    return "data:image/svg+xml;base64," + base64.b64encode(badge_svg(name).encode("utf-8")).decode("ascii")


def baked_png(name: str, credential: dict[str, Any] | str) -> bytes:
    return baking.bake_png(badge_png(name), credential)


def baked_svg(name: str, credential: dict[str, Any] | str) -> str:
    baked = baking.bake_svg(badge_svg(name), credential)
    return baked.decode("utf-8") if isinstance(baked, bytes) else baked
