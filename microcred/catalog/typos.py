"""Typo tolerance for catalog search: a search word found in no document is matched to the closest indexed word.

The indexed words are ``SearchTerm`` rows (kept by ``search.index``). Candidates come from trigrams — ``pg_trgm``'s
``%`` operator on PostgreSQL, an FTS5 ``trigram`` table on SQLite (migration 0008) — and, among those similar
enough (``difflib``'s ratio), the one the fewest edits away is taken, the same way on both databases. A corrected
word is *added* to the search (``managment`` searches ``managment OR management``), so a correction can only widen
what the search finds, never lose a match.
"""

from __future__ import annotations

import difflib
import re

from django.db import DatabaseError, connection, transaction
from django.db.models.functions import Length

from microcred.catalog.models import SearchTerm

WORD = re.compile(r"[^\W\d_]{3,40}", re.UNICODE)  # the same as migration 0008
MIN_LENGTH = 4  # shorter words are left as they are: too many near neighbours
MIN_SIMILARITY = 0.75
CANDIDATES = 40


def words_of(*texts: str) -> set[str]:
    return {word.lower() for text in texts for word in WORD.findall(text or "")}


def remember_words(*texts: str) -> None:
    """Add the words of an indexed document to the vocabulary (inside the indexing transaction)."""
    words = words_of(*texts)
    if words:
        SearchTerm.objects.bulk_create([SearchTerm(word=w) for w in sorted(words)], ignore_conflicts=True)


def corrections(words: list[str], *, last_is_prefix: bool = True) -> dict[str, str]:
    """For each search word that is in no indexed document, the closest indexed word (if one is close enough)."""
    candidates = [w for w in words if len(w) >= MIN_LENGTH and WORD.fullmatch(w)]
    if not candidates:
        return {}
    known = set(SearchTerm.objects.filter(word__in=candidates).values_list("word", flat=True))
    unknown = [w for w in dict.fromkeys(candidates) if w not in known]
    last = words[-1] if last_is_prefix and words else ""
    if last in unknown and SearchTerm.objects.filter(word__startswith=last).exists():  # "accoun": a prefix
        unknown.remove(last)
    found: dict[str, str] = {}
    for word in unknown:
        best = _closest(word, _neighbours(word))
        if best:
            found[word] = best
    return found


def _closest(word: str, neighbours: list[str]) -> str | None:
    """The fewest edits first (``servise`` is one from ``service``, two from ``supervise``), then the most similar."""
    scored = []
    for neighbour in neighbours:
        similarity = difflib.SequenceMatcher(None, word, neighbour).ratio()
        if neighbour != word and similarity >= MIN_SIMILARITY:
            scored.append((edit_distance(word, neighbour), -similarity, neighbour))
    return min(scored)[2] if scored else None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, with a swap of two neighbouring letters counted as one edit (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _neighbours(word: str) -> list[str]:
    if connection.vendor == "postgresql":
        found = _postgres_neighbours(word)
        if found is not None:
            return found
    elif connection.vendor == "sqlite":
        return _sqlite_neighbours(word)
    return _scan_neighbours(word)


def _sqlite_neighbours(word: str) -> list[str]:
    """The indexed words sharing the most trigrams with ``word`` (then the closest in length)."""
    grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
    marks = ", ".join(["%s"] * len(grams))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.word FROM catalog_term_trigram_vocab AS v JOIN catalog_searchterm AS t ON t.rowid = v.doc"  # noqa: S608 - only placeholders are joined in
            f" WHERE v.term IN ({marks}) GROUP BY v.doc ORDER BY COUNT(*) DESC, abs(length(t.word) - %s), t.word"
            " LIMIT %s",
            [*grams, len(word), CANDIDATES],
        )
        return [row[0] for row in cursor.fetchall()]


def _postgres_neighbours(word: str) -> list[str] | None:
    """Candidates by trigram similarity, or None when ``pg_trgm`` is not installed in this database."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # The planner prices ``similarity`` on every word as cheap and scans all of them: 35 ms at 16,000 words
            # against 1-3 ms through the trigram index. So, for this statement only, the index.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "SELECT word FROM catalog_searchterm WHERE word %% %s"
                " ORDER BY similarity(word, %s) DESC, word LIMIT %s",
                [word, word, CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]
    except DatabaseError:
        return None


def _scan_neighbours(word: str) -> list[str]:
    """Without trigrams: words of about the same length that start with the same letter."""
    rows = (
        SearchTerm.objects.annotate(n=Length("word"))
        .filter(word__startswith=word[0], n__gte=len(word) - 2, n__lte=len(word) + 2)
        .values_list("word", flat=True)[:5000]
    )
    return list(rows)
