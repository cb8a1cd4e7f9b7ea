"""Relations between the competencies of one framework, as its source publishes them (ESCO: the knowledge and
skills a skill draws on, essential or optional; the broader concepts a concept has besides its parent in the tree).

They are facts of the source release, not content a provider edits: importing a file writes exactly its relations,
also into a published version (which the file itself is), and reading them is for pages and the skills domain.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from microcred.frameworks import document as doc
from microcred.frameworks.models import Competency, CompetencyRelation, Framework, RelationKind

BATCH = 2000


def sync_relations(framework: Framework, document: doc.FrameworkDocument) -> int:
    """Make the framework's relations exactly the document's; returns how many were added or removed."""
    pk_of = dict(framework.competencies.values_list("identifier", "pk"))
    wanted = {
        (pk_of[r.source], pk_of[r.target], r.kind)
        for r in document.relations
        if r.source in pk_of and r.target in pk_of and r.kind in RelationKind.values
    }
    have = {
        (source, target, kind): pk
        for pk, source, target, kind in framework.relations.values_list("pk", "source_id", "target_id", "kind")
    }
    stale = [pk for key, pk in have.items() if key not in wanted]
    new = [key for key in wanted if key not in have]
    if stale:
        CompetencyRelation.objects.filter(pk__in=stale).delete()
    CompetencyRelation.objects.bulk_create(
        [CompetencyRelation(framework=framework, source_id=s, target_id=t, kind=k) for s, t, k in sorted(new)],
        batch_size=BATCH,
    )
    return len(stale) + len(new)


def held_related(missing: set[int], held: set[int]) -> dict[int, list[tuple[int, str]]]:
    """For each missing competency, the held ones it is related to in either direction (what it draws on, what
    draws on it) other than by the hierarchy: ``{missing id: [(held id, label), …]}``, labels sorted."""
    if not missing or not held:
        return {}
    rows = CompetencyRelation.objects.exclude(kind=RelationKind.BROADER)
    found: dict[int, dict[int, str]] = {}
    for skill, other, label in rows.filter(source_id__in=missing, target_id__in=held).values_list(
        "source_id", "target_id", "target__short_name"
    ):
        found.setdefault(skill, {})[other] = label
    for other, skill, label in rows.filter(source_id__in=held, target_id__in=missing).values_list(
        "source_id", "target_id", "source__short_name"
    ):
        found.setdefault(skill, {})[other] = label
    return {skill: sorted(others.items(), key=lambda pair: pair[1]) for skill, others in found.items()}


@dataclass(frozen=True)
class Related:
    kind: str  # RelationKind, or "needed_by": the competencies that draw on this one
    label: str
    competencies: list[Competency]


def related_of(item: Competency, *, limit: int = 50) -> list[Related]:
    """What a competency draws on, what else it is under, and what draws on it; each list in label order."""
    labels = dict(RelationKind.choices)
    outgoing: dict[str, list[Competency]] = {}
    for relation in (
        item.relations_from.select_related("target").order_by("kind", "target__short_name", "target_id")[: limit * 3]
    ):
        outgoing.setdefault(relation.kind, []).append(relation.target)
    result = [
        Related(kind, str(labels[kind]), outgoing[kind][:limit])
        for kind in (RelationKind.ESSENTIAL, RelationKind.OPTIONAL, RelationKind.BROADER)
        if outgoing.get(kind)
    ]
    needed_by = [
        relation.source
        for relation in item.relations_to.exclude(kind=RelationKind.BROADER)
        .select_related("source")
        .order_by("source__short_name", "source_id")[:limit]
    ]
    if needed_by:
        result.append(Related("needed_by", _("Needed for"), needed_by))
    return result
