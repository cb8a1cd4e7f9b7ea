"""What a provider writes is shown to everyone: HTML is cleaned here, before it is stored."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "h3", "h4", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(text: str) -> str:
    """Keep simple formatting and links; drop scripts, event handlers, styles and unknown tags."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_text(text: str) -> str:
    """The words of an HTML fragment, for the search index and for exports that want text."""
    return nh3.clean(text, tags=set(), attributes={}).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
