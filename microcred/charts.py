"""Bar charts as server-rendered SVG. Decorative for screen readers: every chart sits beside its table."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR = 22
GAP = 6
LABEL = 230
WIDTH = 640
LABEL_CHARS = 34  # what fits in LABEL at font-size 12; longer labels end with "…" and keep their full text as a tooltip


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(items: list[tuple[str, float]], *, maximum: float | None = None, percent: bool = False) -> SafeString:
    """Horizontal bars, one per ``(label, value)``; ``maximum`` fixes the scale (1.0 for rates)."""
    top = maximum if maximum is not None else max((value for _, value in items), default=0)
    span = WIDTH - LABEL - 60
    height = max(len(items), 1) * (BAR + GAP)
    bars = []
    for i, (label, value) in enumerate(items):
        y = i * (BAR + GAP)
        width = round(span * value / top) if top else 0
        text = f"{value * 100:.0f} %" if percent else f"{value:g}"
        bars.append(
            (y + BAR * 0.7, label, _short(label), LABEL, y, width, BAR, LABEL + width + 4, y + BAR * 0.7, text)
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" font-size="12"><title>{}</title>{}</text><rect x="{}" y="{}" width="{}" height="{}" '
        'fill="currentColor" opacity="0.7"/><text x="{}" y="{}" font-size="12">{}</text>',
        bars,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" width="{}" height="{}" '
        'aria-hidden="true" focusable="false">{}</svg>',
        WIDTH,
        height,
        WIDTH,
        height,
        body,
    )
