"""``{{ credential|localized:"title" }}``: a record's text in the reader's language, else in its own;
``{{ credential|localized_lang:"title" }}``: the language of that text, for a ``lang`` attribute.

Reads only the row's ``translations`` field (microcred/translations.py), so a list of results costs no query.
"""

from __future__ import annotations

from typing import Any

from django import template

from microcred.translations import localized as localized_text
from microcred.translations import localized_with_language

register = template.Library()


@register.filter
def localized(obj: Any, field: str) -> str:
    if obj is None:
        return ""
    return localized_text(obj, field)


@register.filter
def localized_lang(obj: Any, field: str) -> str:
    if obj is None:
        return ""
    return localized_with_language(obj, field)[1]
