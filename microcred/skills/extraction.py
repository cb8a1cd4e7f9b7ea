"""The skills a job posting asks for: each sentence linked to ESCO skills, the confident matches kept.

A posting is split into sentences (and bullet lines); each is linked (``link_many``, the posting's at once); per
sentence the best ``TOP_K`` matches scoring at least ``THRESHOLD`` are kept (a lexical match also needs most of
the skill label's words in the sentence, ``LABEL_COVERAGE``); a skill found in several
sentences keeps its best score. The title counts as a sentence. Postings are done in batches, each
batch written at once with ``extracted_at`` set, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from microcred.skills.interfaces import link_many, skills_framework
from microcred.skills.linking.text import guess_language
from microcred.skills.models import JobPosting, PostingSkill
from microcred.skills.words import covered

THRESHOLD = 0.3
LABEL_COVERAGE = 0.6  # a lexical match: this share of the skill label's words must be in the sentence
TOP_K = 2
MAX_SENTENCES = 120  # a posting's first sentences; the rest is boilerplate more often than not
MAX_SENTENCE_CHARS = 400
BATCH = 50
_BULLETS = "-–*•·▪●◦‣⁃ "
_SPLIT = re.compile(r"(?<=[.!?;:])\s+|\n+|\s*[•·▪●◦\u2023\u2043*]\s+|\s+-\s+")


def sentences(text: str) -> list[str]:
    parts = [" ".join(part.split()).lstrip(_BULLETS).strip() for part in _SPLIT.split(text or "")]
    return [part[:MAX_SENTENCE_CHARS] for part in parts if len(part) >= 3][:MAX_SENTENCES]


def posting_language(title: str, text: str) -> str | None:
    """The posting's language, guessed once from its title and text, where the ESCO framework has French labels
    (None: each sentence is linked in the framework's own language)."""
    framework = skills_framework()
    if framework is None or not framework.competencies.filter(translations__has_key="fr").exists():
        return None
    return guess_language(f"{title}\n{text[:4000]}")


def skills_of(
    title: str, text: str, *, engine: str | None = None, language: str | None = None
) -> dict[int, tuple[float, str]]:
    """competency id → (best score, engine) for one posting (in ``language``, if given; else guessed)."""
    found: dict[int, tuple[float, str]] = {}
    language = language or posting_language(title, text)
    lines = [title, *sentences(text)]
    # one call for the posting: the framework and its index are looked up once, the embeddings computed in a batch
    for sentence, matches in zip(lines, link_many(lines, limit=TOP_K, engine=engine, language=language), strict=True):
        for match in matches:
            if match.score < THRESHOLD:
                break
            if match.engine == "lexical" and covered(match.label, sentence, language or "en") < LABEL_COVERAGE:
                continue  # shares a word or two with the sentence, is not what it says
            if match.score > found.get(match.competency_id, (-1.0, ""))[0]:
                found[match.competency_id] = (match.score, match.engine)
    return found


def extract(postings: list[JobPosting], *, engine: str | None = None) -> int:
    """Find and store the skills of these postings (their earlier ones replaced); returns how many were done."""
    rows: list[PostingSkill] = []
    for posting in postings:
        for competency_id, (score, used) in skills_of(posting.title, posting.text, engine=engine).items():
            rows.append(
                PostingSkill(posting=posting, competency_id=competency_id, score=round(score, 4), engine=used[:16])
            )
    with transaction.atomic():
        PostingSkill.objects.filter(posting__in=postings).delete()
        PostingSkill.objects.bulk_create(rows)
        JobPosting.objects.filter(pk__in=[p.pk for p in postings]).update(extracted_at=timezone.now())
    return len(postings)


def extract_pending(*, limit: int | None = None, engine: str | None = None) -> int:
    """Extract every posting not yet done (at most ``limit``); tells demand listeners when something changed."""
    from microcred.skills.demand import notify_changed

    if skills_framework() is None:
        return 0
    done = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        batch = list(JobPosting.objects.filter(extracted_at__isnull=True).order_by("pk")[:size])
        if not batch:
            break
        done += extract(batch, engine=engine)
    if done:
        notify_changed()
    return done
