"""Content words of short texts, crudely stemmed, to check that a lexical match shares enough words.

The linking engine ranks; these checks only decide whether its best lexical match is close enough to
keep (an O*NET product name, a posting's sentence). Singular/plural, -ing and -ize/-ise are folded:
"spreadsheets" = "spreadsheet", "databases" = "database", "optimization" = "optimisation".
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z][a-z0-9+#]+")
STOP_WORDS = frozenset(
    ["and", "for", "the", "with", "use", "using", "of", "to", "in", "on", "software", "system", "systems"]
)


def stem(word: str) -> str:
    word = word.replace("iz", "is")
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    if word.endswith("ing") and len(word) >= 7:
        word = word[:-3]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def stems(text: str) -> set[str]:
    return {stem(word) for word in _WORD.findall(text.casefold()) if len(word) >= 3 and word not in STOP_WORDS}


def covered(text: str, by: str, language: str = "en") -> float:
    """The share of ``text``'s content words that ``by`` has too (0 for a text without content words); French
    texts are compared through the French linker's words (stop words, Snowball stems, accents folded)."""
    if language == "fr":
        from microcred.skills.linking.text import french_tokens

        words, others = set(french_tokens(text)), set(french_tokens(by))
    else:
        words, others = stems(text), stems(by)
    return len(words & others) / len(words) if words else 0.0
