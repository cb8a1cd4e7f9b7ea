"""Reads of frameworks: who sees which versions, the tree one level at a time, search, permalinks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from microcred.accounts.permissions import can, is_platform_admin
from microcred.errors import NotFound
from microcred.frameworks.models import (
    Competency,
    Crosswalk,
    CrosswalkLink,
    Framework,
    FrameworkImport,
    FrameworkStatus,
    SourceFormat,
)

PUBLIC_STATUSES = (FrameworkStatus.PUBLISHED, FrameworkStatus.SUPERSEDED, FrameworkStatus.RETIRED)
TREE_PAGE = 200  # children shown at once; the rest are reached by search
SEARCH_LIMIT = 100


def may_edit(user: Any, framework: Framework) -> bool:
    if framework.organization is None:
        return is_platform_admin(user)
    return can(user, "frameworks.edit", framework.organization)


def may_see(user: Any, framework: Framework) -> bool:
    """Published versions (and the ones they replaced) are public; drafts only for the publisher's members."""
    if framework.status in PUBLIC_STATUSES:
        return True
    if framework.organization is None:
        return is_platform_admin(user)
    return can(user, "organization.view", framework.organization)


def visible_frameworks(user: Any) -> QuerySet[Framework]:
    """The newest visible version of each framework."""
    mine = Q()
    if getattr(user, "is_authenticated", False):
        mine = Q(organization__memberships__user=user)
    rows = Framework.objects.filter(Q(status__in=PUBLIC_STATUSES) | mine).select_related("organization").distinct()
    newest: dict[str, Framework] = {}
    for framework in rows.order_by("slug", "-created_at"):
        newest.setdefault(framework.slug, framework)
    return Framework.objects.filter(pk__in=[f.pk for f in newest.values()]).select_related("organization")


def framework_version(user: Any, slug: str, version: str | None = None) -> Framework:
    """A version by its permalink, or the published one (else the newest this user may see)."""
    versions = Framework.objects.select_related("organization").filter(slug=slug)
    if version is not None:
        candidates = list(versions.filter(version=version))
    else:
        candidates = list(versions.filter(status=FrameworkStatus.PUBLISHED).order_by("-created_at")[:1]) or list(
            versions.order_by("-created_at")
        )
    for framework in candidates:
        if may_see(user, framework):
            return framework
    raise NotFound(_("No such framework."), code="framework_not_found")


def versions_of(framework: Framework) -> list[Framework]:
    return list(Framework.objects.filter(slug=framework.slug).order_by("-created_at"))


@dataclass
class Node:
    competency: Competency
    has_children: bool


def children(framework: Framework, parent: Competency | None, *, limit: int = TREE_PAGE) -> tuple[list[Node], int]:
    """One level of the tree (lazy loading) and how many there are in all."""
    rows = framework.competencies.filter(parent=parent)
    total = rows.count()
    annotated = rows.annotate(has_children=Exists(Competency.objects.filter(parent=OuterRef("pk")))).order_by(
        "sort_order", "pk"
    )[:limit]
    return [Node(row, row.has_children) for row in annotated], total


def competency(framework: Framework, identifier: str) -> Competency:
    found = framework.competencies.filter(identifier=identifier).select_related("parent").first()
    if found is None:
        raise NotFound(_("Unknown competency."), code="competency_not_found")
    return found


def ancestors(item: Competency) -> list[Competency]:
    """From the root down to the parent (at most the tree's depth in queries)."""
    chain = []
    node = item.parent
    while node is not None and len(chain) < 64:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def search(framework: Framework, text: str, *, limit: int = SEARCH_LIMIT) -> list[Competency]:
    """Competencies whose code, names, statement or alternative labels contain every word of ``text``."""
    words = text.split()[:8]
    if not words:
        return []
    rows = framework.competencies.all()
    for word in words:
        word = word[:100]
        rows = rows.filter(
            Q(code__icontains=word)
            | Q(short_name__icontains=word)
            | Q(statement__icontains=word)
            | Q(alternative_labels__icontains=word)
            | Q(hidden_labels__icontains=word)
        )
    return list(rows.order_by("depth", "sort_order", "pk")[:limit])


def by_uri(identifier_or_uri: str) -> tuple[Framework, Competency | None]:
    """What a minted URI names: a competency (in its newest version) or a framework version."""
    item = (
        Competency.objects.filter(Q(identifier=identifier_or_uri) | Q(uri=identifier_or_uri))
        .select_related("framework")
        .order_by("-framework__created_at")
        .first()
    )
    if item is not None:
        return item.framework, item
    framework = Framework.objects.filter(Q(identifier=identifier_or_uri) | Q(uri=identifier_or_uri)).first()
    if framework is None:
        raise NotFound(_("Nothing has this identifier."), code="not_found")
    return framework, None


@dataclass
class Usage:
    """Something aligned to a competency, as a domain above frameworks describes it."""

    kind: str
    label: str
    url: str


# Domains above frameworks (the catalog…) say what is aligned to a competency without frameworks
# importing them: each registers a function in its AppConfig.ready.
USAGE_PROVIDERS: list[Callable[[Competency], list[Usage]]] = []


def add_usage_provider(provider: Callable[[Competency], list[Usage]]) -> None:
    if provider not in USAGE_PROVIDERS:
        USAGE_PROVIDERS.append(provider)


def usages_of(item: Competency) -> list[Usage]:
    return [usage for provider in USAGE_PROVIDERS for usage in provider(item)]


def links_of(item: Competency) -> list[CrosswalkLink]:
    """Confirmed mappings from or to a competency."""
    return list(
        CrosswalkLink.objects.filter(Q(source=item) | Q(target=item), status="confirmed")
        .select_related("source__framework", "target__framework")
        .order_by("pk")[:100]
    )


def crosswalk(user: Any, pk: Any) -> Crosswalk:
    try:
        found = Crosswalk.objects.select_related("organization", "source_framework", "target_framework").get(pk=int(pk))
    except (Crosswalk.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(_("No such crosswalk."), code="crosswalk_not_found") from exc
    if found.organization is not None and not can(user, "organization.view", found.organization):
        raise NotFound(_("No such crosswalk."), code="crosswalk_not_found")
    return found


def crosswalks_of(framework: Framework, user: Any) -> list[Crosswalk]:
    rows = Crosswalk.objects.filter(Q(source_framework=framework) | Q(target_framework=framework)).select_related(
        "organization", "source_framework", "target_framework"
    )
    return [c for c in rows if c.organization is None or can(user, "organization.view", c.organization)]


def esco_framework() -> Framework | None:
    """The ESCO version skills are suggested from: the newest imported ESCO framework not retired
    (the same rule as ``skills.interfaces.skills_framework``, which the frameworks domain may not import)."""
    return (
        Framework.objects.filter(source_format=SourceFormat.ESCO)
        .exclude(status=FrameworkStatus.RETIRED)
        .order_by("-created_at", "-pk")
        .first()
    )


def import_job(user: Any, pk: Any) -> FrameworkImport:
    try:
        job = FrameworkImport.objects.select_related("organization", "framework").get(pk=int(pk))
    except (FrameworkImport.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(_("No such import."), code="import_not_found") from exc
    allowed = is_platform_admin(user) if job.organization is None else can(user, "organization.view", job.organization)
    if not allowed and not (job.created_by_id and job.created_by_id == getattr(user, "pk", None)):
        raise NotFound(_("No such import."), code="import_not_found")
    return job
