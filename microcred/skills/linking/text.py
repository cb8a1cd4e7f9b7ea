"""Words of a text for the lexical engine: lower-cased, stop words dropped, lightly stemmed.

The frameworks domain's tokenizer, plus the symbols skill names carry ("C++", "C#", ".NET") and the filler words
of job postings; kept here so the engines need no Django.
"""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"[^\W_]+(?:\+\+|#)?|\.net\b", re.UNICODE)
_STOP_WORDS = """a an and are as at be by for from has have in into is it its of on or such that the their this to with
    within without use using other others e g etc we you your our will can must able work working experience
    skills skill knowledge strong good excellent ability including related well also who all any us they new"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
SUFFIXES = ("ements", "ement", "ations", "ation", "ities", "ity", "ings", "ing", "ies", "ied", "ed", "es", "s")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English suffix stripper: enough to match "manage", "managing", "management"."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    return [stem(word) for word in WORD.findall(text.lower()) if word not in STOP_WORDS and len(word) > 1]
