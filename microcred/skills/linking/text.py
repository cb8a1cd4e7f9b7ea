"""Words of a text for the lexical engine: lower-cased, stop words dropped, stemmed; and the text's language.

English: the frameworks domain's tokenizer, plus the symbols skill names carry ("C++", "C#", ".NET") and the filler
words of job postings, with a light suffix stripper. French: the same words, French stop words, and the Snowball
French stemmer over words with their accents folded (postings often drop them: "electricite" ~ "électricité").
Kept here so the engines need no Django.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

import snowballstemmer

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


LANGUAGES = ("en", "fr")
_FRENCH_STOP_WORDS = """a au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui
    ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu
    un une vos votre vous c d j l m n s t y est sont etre avoir ont sera seront etc afin ainsi aussi autre autres
    chez comme dont entre lors non plus selon sous tout tous toute toutes tres vers capacite capable capables
    competence competences connaissance connaissances experience maitrise bonne bonnes bon bons savoir poste
    recherchons recherche requis requise souhaite souhaitee"""
FRENCH_STOP_WORDS = frozenset(_FRENCH_STOP_WORDS.split())
_french = threading.local()  # Snowball stemmers keep state: one per thread


def fold(word: str) -> str:
    """The word without accents ("é" → "e")."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def stem_french(word: str) -> str:
    stemmer = getattr(_french, "stemmer", None)
    if stemmer is None:
        stemmer = _french.stemmer = snowballstemmer.stemmer("french")
    return stemmer.stemWord(fold(word))


def french_tokens(text: str) -> list[str]:
    words = (word.replace("’", "'").split("'")[-1] for word in FRENCH_WORD.findall(text.lower()))
    return [stem_french(w) for w in words if len(w) > 1 and fold(w) not in FRENCH_STOP_WORDS]


FRENCH_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?(?:\+\+|#)?|\.net\b", re.UNICODE)


def tokenizer(language: str) -> Any:
    """The function that splits a text of this language into index terms."""
    return french_tokens if language == "fr" else tokens


_identifier: Any = None
_identifier_lock = threading.Lock()
FRENCH_CONFIDENCE = 0.9  # below it, a text is taken as English (the taxonomy's own language)


def guess_language(text: str) -> str:
    """"fr" or "en": py3langid's classifier limited to the two languages the linker has labels for. Short or
    mixed texts ("Python", "SQL") are English unless the classifier is confident they are French."""
    global _identifier
    if _identifier is None:
        with _identifier_lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(list(LANGUAGES))
                _identifier = identifier
    language, confidence = _identifier.classify(text[:2000])
    return "fr" if language == "fr" and confidence >= FRENCH_CONFIDENCE else "en"
