"""What the rest of microcred may ask of the skills domain (catalog, wallet and careers import only this).

Each function delegates to the module that owns the rule; keep this file a thin, stable surface.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from microcred.frameworks.models import Competency, Framework
from microcred.frameworks.selectors import esco_framework

if TYPE_CHECKING:
    from microcred.skills.linking.service import EngineStatus


@dataclass(frozen=True)
class SkillMatch:
    competency_id: int
    uri: str
    label: str
    score: float  # 0..1, higher is better
    engine: str  # "lexical", "semantic" or "hybrid"


def skills_framework() -> Framework | None:
    """The ESCO framework version skills are linked to: the newest imported ESCO framework not retired."""
    return esco_framework()


def link_text(
    text: str, *, limit: int = 10, engine: str | None = None, language: str | None = None
) -> list[SkillMatch]:
    """The ESCO skills a free text mentions or requires, best first (empty when no ESCO framework is loaded).

    ``engine`` is "lexical", "semantic" or "hybrid"; None picks the best one installed and ready. ``language``
    ("en", "fr") says the text's language; None guesses it where the framework has French labels.
    """
    from microcred.skills.linking import service

    return service.link_text(text, limit=limit, engine=engine, language=language)


def link_many(
    texts: list[str], *, limit: int = 10, engine: str | None = None, language: str | None = None
) -> list[list[SkillMatch]]:
    """``link_text`` for many texts at once (one batch through the embedding model)."""
    from microcred.skills.linking import service

    return service.link_many(texts, limit=limit, engine=engine, language=language)


def engine_status(framework: Framework | None = None) -> EngineStatus:
    """Which engines can serve now, which one ``engine=None`` picks, and why semantic is not serving if not."""
    from microcred.skills.linking import service

    return service.engine_status(framework)


def skill_label(competency: Competency) -> str:
    return competency.short_name or competency.statement


# Called (after commit) when an import or a skill extraction changed labour-market demand; the catalog
# registers its "in-demand skills" refresh here from its AppConfig.ready.
DEMAND_CHANGED: list[Callable[[], None]] = []


def in_demand_skill_ids(region: str | None = None) -> set[int]:
    """Ids of the ESCO skills (competencies) in demand, in a province or territory when given.

    The rule (postings of the last 12 months, and O*NET's "In Demand" flag) is in ``skills.demand``.
    """
    from microcred.skills.demand import in_demand_ids

    return in_demand_ids(region or None)
