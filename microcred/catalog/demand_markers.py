"""The catalog's "teaches in-demand skills" marker, from the skills domain's labour-market data.

For each published micro-credential, ``skills_demand`` becomes the labels of the ESCO skills it is
aligned to (directly, or through a confirmed exact or close crosswalk link from a competency of
another framework, either direction) that are in demand nationally or in the credential's province
(``skills.interfaces.in_demand_skill_ids``). Only changed credentials are written (audited and
re-indexed by ``services.record_skills_demand``). Runs whenever demand changes (registered on
``DEMAND_CHANGED`` in ``CatalogConfig.ready``), and from the demo loader; ``services.publish`` sets a newly
published version's marker itself (``in_demand_labels``), so it does not wait for the next change in demand.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from microcred.accounts.permissions import SYSTEM
from microcred.catalog.models import Alignment, MicroCredential, Status
from microcred.catalog.services import record_skills_demand
from microcred.frameworks.models import Competency, CrosswalkLink, LinkStatus, MatchRelation
from microcred.skills.interfaces import in_demand_skill_ids, skills_framework

EQUIVALENT = (MatchRelation.EXACT, MatchRelation.CLOSE)
MAX_LABELS = 20  # what record_skills_demand accepts (a short list, like industry partners)


def esco_skills_of(credential_ids: list[int]) -> dict[int, set[int]]:
    """credential id → the ids of the ESCO skills it is aligned to, directly or by a confirmed equivalence."""
    framework = skills_framework()
    aligned: dict[int, set[int]] = defaultdict(set)
    for credential_id, competency_id in Alignment.objects.filter(credential_id__in=credential_ids).values_list(
        "credential_id", "competency_id"
    ):
        aligned[credential_id].add(competency_id)
    if framework is None:
        return {}
    esco = set(
        Competency.objects.filter(framework=framework, pk__in={c for ids in aligned.values() for c in ids}).values_list(
            "pk", flat=True
        )
    )
    all_aligned = {c for ids in aligned.values() for c in ids}
    equivalent: dict[int, set[int]] = defaultdict(set)
    links = CrosswalkLink.objects.filter(status=LinkStatus.CONFIRMED, relation__in=EQUIVALENT).filter(
        Q(source_id__in=all_aligned, target__framework=framework)
        | Q(target_id__in=all_aligned, source__framework=framework)
    )
    for source_id, target_id in links.values_list("source_id", "target_id"):
        if source_id in all_aligned:
            equivalent[source_id].add(target_id)
        if target_id in all_aligned:
            equivalent[target_id].add(source_id)
    result: dict[int, set[int]] = {}
    for credential_id, ids in aligned.items():
        skills = {c for c in ids if c in esco}
        for c in ids:
            skills |= {e for e in equivalent.get(c, set()) if e != c}
        result[credential_id] = skills
    return result


def in_demand_labels(credentials: list[MicroCredential]) -> dict[int, list[str]]:
    """credential id → the labels of its in-demand ESCO skills (nationally, or in its province), sorted, at most
    ``MAX_LABELS``."""
    skills_of = esco_skills_of([c.pk for c in credentials])
    national = in_demand_skill_ids()
    regional: dict[str, set[int]] = {}
    needed = {s for ids in skills_of.values() for s in ids}
    labels = {
        pk: (short_name or statement)[:120]
        for pk, short_name, statement in Competency.objects.filter(pk__in=needed).values_list(
            "pk", "short_name", "statement"
        )
    }
    result: dict[int, list[str]] = {}
    for credential in credentials:
        in_demand = national
        if credential.region:
            if credential.region not in regional:
                regional[credential.region] = in_demand_skill_ids(credential.region)
            in_demand = national | regional[credential.region]
        values = sorted({labels[s] for s in skills_of.get(credential.pk, set()) if s in in_demand and s in labels})
        result[credential.pk] = values[:MAX_LABELS]
    return result


def refresh_demand_markers() -> int:
    """Set every published credential's in-demand skills; returns how many credentials changed."""
    credentials = list(MicroCredential.objects.filter(status=Status.PUBLISHED).select_related("provider"))
    labels = in_demand_labels(credentials)
    changed = 0
    for credential in credentials:
        values = labels[credential.pk]
        if values != list(credential.skills_demand or []):
            record_skills_demand(actor=SYSTEM, credential=credential, skills=values)
            changed += 1
    return changed
