"""A credential's badge image as pages show it: the image its achievement names when this platform hosts it, else a
plain generated badge with its title (the one baked into the wallet's downloads). A remote image is never shown:
fetching it would tell its host who looks.
"""

from __future__ import annotations

import base64
import textwrap

from django.utils.html import escape

from microcred.issuing import identity

SIZE = 400


def lines(name: str) -> list[str]:
    return textwrap.wrap(name, width=22)[:4] or ["microcred"]


def badge_svg(name: str) -> str:
    rows = lines(name)
    top = SIZE // 2 - len(rows) * 17 + 20
    text = "".join(
        f'<text x="{SIZE // 2}" y="{top + number * 34}" text-anchor="middle">{escape(line)}</text>'
        for number, line in enumerate(rows)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}">'
        f"<title>{escape(name)}</title>"
        f'<circle cx="{SIZE // 2}" cy="{SIZE // 2}" r="{SIZE // 2 - 16}" fill="#1f4e79" stroke="#f2b705" '
        f'stroke-width="12"/><g fill="white" font-family="sans-serif" font-size="26">{text}</g></svg>'
    )


def svg_data_uri(name: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(badge_svg(name).encode("utf-8")).decode("ascii")


def shown_image(image_url: str, name: str) -> str:
    """What an ``<img>`` shows for a credential: its achievement's image if this platform hosts it, else the
    generated badge (a ``data:`` URI)."""
    base = identity.public_base_url() + "/"
    if isinstance(image_url, str) and image_url.startswith(base) and len(image_url) <= 2000:
        return image_url
    return svg_data_uri(name)
