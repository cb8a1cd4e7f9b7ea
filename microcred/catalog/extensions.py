"""What other domains add to a micro-credential's page and to its exported Achievement, without the catalog
importing them: they register here in their ``AppConfig.ready`` (imports flow one way).

- A page panel: ``(request, credential) -> Panel | None``; panels render in order after "At a glance",
  each from its own template with ``data`` as its context (the page's ``request``, ``user`` and CSRF
  token are there too).
- An Achievement extension: ``(credential, document) -> None``; it may add properties to the exported
  OB 3.0 ``Achievement`` (employers add ``endorsement``, and endorsements of the provider to ``creator``).
- The CTDL export: ``(credential) -> document``; the registry domain registers its complete CTDL (with the CTIDs
  it keeps), which ``formats.to_ctdl`` then serves instead of the catalog's minimal one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from microcred.catalog.models import MicroCredential


@dataclass
class Panel:
    template: str
    data: dict[str, Any] = field(default_factory=dict)


PanelProvider = Callable[[Any, MicroCredential], Panel | None]
AchievementExtension = Callable[[MicroCredential, dict[str, Any]], None]

CtdlExport = Callable[[MicroCredential], dict[str, Any]]

PAGE_PANELS: list[PanelProvider] = []
ACHIEVEMENT_EXTENSIONS: list[AchievementExtension] = []
CTDL_EXPORT: list[CtdlExport] = []  # at most one


def add_page_panel(provider: PanelProvider) -> None:
    if provider not in PAGE_PANELS:
        PAGE_PANELS.append(provider)


def add_achievement_extension(extension: AchievementExtension) -> None:
    if extension not in ACHIEVEMENT_EXTENSIONS:
        ACHIEVEMENT_EXTENSIONS.append(extension)


def panels_for(request: Any, credential: MicroCredential) -> list[Panel]:
    return [panel for provider in PAGE_PANELS if (panel := provider(request, credential)) is not None]


def extend_achievement(credential: MicroCredential, document: dict[str, Any]) -> dict[str, Any]:
    for extension in ACHIEVEMENT_EXTENSIONS:
        extension(credential, document)
    return document


def set_ctdl_export(export: CtdlExport) -> None:
    CTDL_EXPORT[:] = [export]


def export_ctdl(credential: MicroCredential) -> dict[str, Any] | None:
    """The registered complete CTDL of one version, or None when no domain registered one."""
    return CTDL_EXPORT[0](credential) if CTDL_EXPORT else None
