"""Django side of skill linking (first cut: the frameworks domain's BM25 over the ESCO framework).

The linking helper replaces this with the engines in this package; the signature stays.
"""

from __future__ import annotations

from microcred.frameworks.similarity import index_for


def link_text(text: str, *, limit: int = 10, engine: str | None = None) -> list:
    from microcred.skills.interfaces import SkillMatch, skills_framework

    framework = skills_framework()
    if framework is None or not text.strip():
        return []
    matches = index_for(framework).search(text, limit)
    from microcred.frameworks.models import Competency

    rows = Competency.objects.in_bulk([m.pk for m in matches])
    return [
        SkillMatch(m.pk, rows[m.pk].uri, rows[m.pk].short_name or rows[m.pk].statement, m.score, "lexical")
        for m in matches
        if m.pk in rows
    ]
