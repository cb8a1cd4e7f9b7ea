"""Finding an occupation by what a person calls it: ESCO's preferred label and its alternative labels.

A query matches an occupation when every word of it, in any case and singular or plural ("Electricians"), starts a
word of the preferred label or of one alternative label ("electric" finds "electrician"), or when it is the
occupation's code. Preferred labels rank before alternative ones, whole-label matches before partial ones, so
"electrician" lists ESCO's "electrician" first, then "building electrician" (also called "electrician"), and so on.
The database narrows the rows by the words' stems; the ranking is done here, over at most ``CANDIDATES`` rows.

With no query, or none found, the page offers suggestions: occupations whose essential skills the person already
holds the most of, then those with the most linked skills, and for a query found nowhere the labels that look
closest to it (a typing slip: "electritian").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from microcred.skills.models import Occupation, SkillRelation

CANDIDATES = 500
MAX_QUERY = 200
WORD = re.compile(r"\w+")


@dataclass
class OccupationMatch:
    occupation: Occupation
    label: str  # the label that matched: the title, or the alternative label a person searched by

    @property
    def by_alternative_label(self) -> bool:
        return self.label != self.occupation.title


def singular(word: str) -> str:
    """An English word's singular, near enough to match labels ("technicians", "companies", "boxes", "wiremen")."""
    if len(word) <= 3:
        return word
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return [singular(w) for w in WORD.findall(text.casefold())]


def _stem(word: str) -> str:
    """What the database looks for: a word's start that its singular and plural forms share."""
    if word.endswith("man"):
        return word[:-2]
    if word.endswith("y") and len(word) > 3:
        return word[:-1]
    return word


def _label_score(query: list[str], label: str) -> int | None:
    """How well the words of ``query`` match ``label`` (higher is better), or None when one of them is missing."""
    label_words = words(label)
    if not label_words:
        return None
    if label_words == query:
        return 3
    if not all(any(w.startswith(q) for w in label_words) for q in query):
        return None
    return 2 if all(q in label_words for q in query) else 1


def search(query: str, limit: int) -> list[OccupationMatch]:
    """Occupations whose preferred or alternative labels match ``query``, best first."""
    query = (query or "").strip()[:MAX_QUERY]
    wanted = words(query)[:8]
    if not wanted:
        return []
    narrow = Q()
    for word in wanted:
        stem = _stem(word)
        narrow &= Q(title__icontains=stem) | Q(alternative_labels__icontains=stem)
    rows = list(Occupation.objects.filter(narrow | Q(code__iexact=query)).order_by("title", "pk")[:CANDIDATES])
    ranked: list[tuple[tuple[int, int, str, int], OccupationMatch]] = []
    for occupation in rows:
        best: tuple[int, int, str] | None = None
        if occupation.code and occupation.code.casefold() == query.casefold():
            best = (4, 1, occupation.title)
        score = _label_score(wanted, occupation.title)
        if score is not None and (best is None or (score, 1) > best[:2]):
            best = (score, 1, occupation.title)
        for label in occupation.alternative_labels or []:
            if not isinstance(label, str):
                continue
            score = _label_score(wanted, label)
            if score is not None and (best is None or (score, 0) > best[:2]):
                best = (score, 0, label)
        if best is not None:
            key = (-best[0], -best[1], occupation.title.casefold(), occupation.pk)
            ranked.append((key, OccupationMatch(occupation, best[2])))
    ranked.sort(key=lambda item: item[0])
    return [match for _, match in ranked[:limit]]


def suggestions(held_skill_ids: Iterable[int], limit: int = 6) -> list[Occupation]:
    """Occupations to offer before any search: those whose essential skills the person holds most, then those with
    the most skills linked to ESCO (the ones a gap analysis can say most about)."""
    held = set(held_skill_ids)
    linked = Count("skills", filter=Q(skills__competency__isnull=False))
    rows = Occupation.objects.annotate(linked=linked).filter(linked__gt=0)
    chosen: list[Occupation] = []
    if held:
        overlap = Count("skills", filter=Q(skills__competency_id__in=held, skills__relation=SkillRelation.ESSENTIAL))
        chosen = list(rows.annotate(overlap=overlap).filter(overlap__gt=0).order_by("-overlap", "title")[:limit])
    if len(chosen) < limit:
        more = rows.exclude(pk__in=[o.pk for o in chosen]).order_by("-linked", "title", "pk")
        chosen += list(more[: limit - len(chosen)])
    return chosen


def close_labels(query: str, limit: int = 3) -> list[str]:
    """Labels that look like ``query`` when it matched nothing (a typing slip), preferred labels first."""
    query = " ".join(words((query or "")[:MAX_QUERY]))
    if not query:
        return []
    titles: list[str] = []
    alternatives: list[str] = []
    for title, labels in Occupation.objects.values_list("title", "alternative_labels").iterator():
        titles.append(title)
        alternatives.extend(label for label in labels or [] if isinstance(label, str))
    found: list[str] = []
    for pool in (titles, alternatives):
        by_words = {" ".join(words(label)): label for label in pool}
        for close in difflib.get_close_matches(query, list(by_words), n=limit, cutoff=0.75):
            if by_words[close] not in found:
                found.append(by_words[close])
    return found[:limit]
