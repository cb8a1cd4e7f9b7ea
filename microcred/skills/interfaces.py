"""What the rest of microcred may ask of the skills domain (catalog, wallet and careers import only this).

Each function delegates to the module that owns the rule; keep this file a thin, stable surface.
"""

from __future__ import annotations

from dataclasses import dataclass

from microcred.frameworks.models import Competency, Framework, FrameworkStatus, SourceFormat


@dataclass(frozen=True)
class SkillMatch:
    competency_id: int
    uri: str
    label: str
    score: float  # 0..1, higher is better
    engine: str  # "lexical", "semantic" or "hybrid"


def skills_framework() -> Framework | None:
    """The ESCO framework version skills are linked to: the newest imported ESCO framework, if any."""
    return (
        Framework.objects.filter(source_format=SourceFormat.ESCO)
        .exclude(status=FrameworkStatus.RETIRED)
        .order_by("-created_at", "-pk")
        .first()
    )


def link_text(text: str, *, limit: int = 10, engine: str | None = None) -> list[SkillMatch]:
    """The ESCO skills a free text mentions or requires, best first (empty when no ESCO framework is loaded).

    ``engine`` is "lexical", "semantic" or "hybrid"; None picks the best one installed and ready.
    """
    from microcred.skills.linking import service

    return service.link_text(text, limit=limit, engine=engine)


def skill_label(competency: Competency) -> str:
    return competency.short_name or competency.statement
