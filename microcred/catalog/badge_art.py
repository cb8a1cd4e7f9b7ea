"""A badge image made from a micro-credential's title, its provider and a colour, for providers without a designer:
a disc in the colour, a light ring, the title in the middle and the provider below it, as a 512 px PNG."""

from __future__ import annotations

import io
import re
import textwrap
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 512
# DejaVu Sans cut down to Latin characters: French and the other Latin-script languages; Pillow's own font has no
# accented letters.
FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Latin.ttf"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1d4ed8"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _ink(background: tuple[int, int, int]) -> tuple[int, int, int]:
    """White or near-black, whichever reads better on ``background`` (WCAG relative luminance)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in background)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return (255, 255, 255) if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else (17, 24, 39)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def _fit(
    draw: ImageDraw.ImageDraw, text: str, width: int, max_lines: int, largest: int = 60
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (``largest`` px down to 22) at which ``text`` wraps into ``max_lines`` lines of ``width``."""
    for size in range(largest, 21, -2):
        font = _font(size)
        columns = max(6, int(width / (size * 0.55)))
        lines = textwrap.wrap(text, width=columns, break_long_words=True) or [""]
        if len(lines) <= max_lines and all(draw.textlength(line, font=font) <= width for line in lines):
            return font, lines
    font = _font(22)
    lines = textwrap.wrap(text, width=int(width / 12), break_long_words=True)[:max_lines]
    lines[-1] = lines[-1][:-1].rstrip() + "…"
    return font, lines


def render_badge(title: str, provider: str, colour: str = DEFAULT_COLOUR) -> bytes:
    """The PNG bytes of a badge; ``colour`` is ``#rrggbb`` (anything else: the default blue)."""
    colour = colour if HEX_COLOUR.match(colour or "") else DEFAULT_COLOUR
    background = _rgb(colour)
    ink = _ink(background)
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=background)
    draw.ellipse((30, 30, SIZE - 30, SIZE - 30), outline=ink, width=6)
    title_font, lines = _fit(draw, " ".join(title.split()), 340, 4)
    line_height = int(title_font.size * 1.15)
    provider_font, provider_lines = _fit(draw, " ".join(provider.split()), 300, 3, largest=26)
    block = line_height * len(lines)
    top = SIZE // 2 - block // 2 - 24
    for index, line in enumerate(lines):
        draw.text((SIZE / 2, top + index * line_height), line, font=title_font, fill=ink, anchor="ma")
    rule = top + block + 14
    draw.line((SIZE / 2 - 60, rule, SIZE / 2 + 60, rule), fill=ink, width=3)
    provider_height = int(provider_font.size * 1.2)
    for index, line in enumerate(provider_lines):
        draw.text((SIZE / 2, rule + 16 + index * provider_height), line, font=provider_font, fill=ink, anchor="ma")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
