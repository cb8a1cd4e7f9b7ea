"""Laddering: a learner's standing on a pathway from everything they hold, with the source of every credit.

A pathway's components are its catalog micro-credentials (counted by design, whatever the version) and the
achievements from elsewhere it lists. Each component is satisfied by a holding that counts for the pathway's
provider (``holdings.match``: awarded here, or imported, verified, valid and trusted, or recognised through an
approved agreement); credits come from the component, or from the agreement when it grants its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q

from microcred.assessment import holdings
from microcred.catalog.models import MicroCredential, Pathway, PathwayRule, Status


@dataclass
class ComponentStanding:
    name: str
    credential: MicroCredential | None  # a catalog component; None for an achievement from elsewhere
    achievement: str
    credits: Decimal
    counted: holdings.Counted | None = None
    refused: list[holdings.Refused] = field(default_factory=list)

    @property
    def credit(self) -> Decimal:
        """The credit this component gives as it was satisfied (an agreement may grant its own)."""
        if self.counted is None:
            return Decimal(0)
        agreement = self.counted.agreement
        return agreement.credits if agreement is not None and agreement.credits is not None else self.credits

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "achievement": self.achievement,
            "credits": str(self.credits),
            "heldBy": self.counted.to_json() if self.counted else None,
            "notCounted": [r.to_json() for r in self.refused],
        }


@dataclass
class Standing:
    pathway: Pathway
    components: list[ComponentStanding]
    complete: bool
    still_needed: int
    credits: Decimal
    credits_needed: Decimal
    fillers: list[MicroCredential] = field(default_factory=list)  # catalog credentials that would fill what is left

    @property
    def held(self) -> list[ComponentStanding]:
        return [c for c in self.components if c.counted is not None]

    @property
    def missing(self) -> list[ComponentStanding]:
        return [c for c in self.components if c.counted is None]

    @property
    def started(self) -> bool:
        return bool(self.held)

    @property
    def not_counted(self) -> list[tuple[ComponentStanding, holdings.Refused]]:
        return [(c, r) for c in self.components for r in c.refused]

    @property
    def explanations(self) -> list[dict[str, str]]:
        """Each credential that would have filled a component and did not, with why, in words."""
        return [
            {
                "component": c.name,
                "credential": r.holding.name,
                "issuer": r.holding.issuer_name or r.holding.issuer,
                "why": holdings.reason_text(r.reason, self.pathway.provider.name),
            }
            for c, r in self.not_counted
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "pathway": self.pathway.slug,
            "complete": self.complete,
            "stillNeeded": self.still_needed,
            "credits": str(self.credits),
            "creditsNeeded": str(self.credits_needed),
            "creditRequirement": str(self.pathway.min_credits) if self.pathway.min_credits is not None else None,
            "components": [c.to_json() for c in self.components],
            "credits_by_source": [
                {"component": c.name, "credits": str(c.credit), **(c.counted.to_json() if c.counted else {})}
                for c in self.held
            ],
            "fillers": [f"{c.provider.slug}/{c.slug}/{c.version}" for c in self.fillers],
        }


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def components_of(pathway: Pathway) -> list[ComponentStanding]:
    found = [
        ComponentStanding(m.title, m, "", m.credit_value or Decimal(0))
        for m in pathway.members.select_related("provider").order_by("title", "pk")
    ]
    for entry in pathway.external_components or []:
        if isinstance(entry, dict) and entry.get("achievement"):
            name = str(entry.get("name") or entry["achievement"])
            found.append(ComponentStanding(name, None, str(entry["achievement"]), _decimal(entry.get("credits"))))
    return found


def _latest_published(credential: MicroCredential) -> MicroCredential | None:
    return (
        MicroCredential.objects.filter(
            provider_id=credential.provider_id, slug=credential.slug, status=Status.PUBLISHED
        )
        .select_related("provider")
        .order_by("-version")
        .first()
    )


def standing(
    pathway: Pathway,
    user: Any,
    *,
    held: list[holdings.Holding] | None = None,
    trust: holdings.Trust | None = None,
) -> Standing:
    """Where ``user`` (a user or a user id) stands on ``pathway``."""
    held = holdings.holdings_of(user) if held is None else held
    trust = trust or holdings.Trust(pathway.provider)
    components = components_of(pathway)
    for component in components:
        found = holdings.match(
            held, provider=pathway.provider, achievement=component.credential or component.achievement, trust=trust
        )
        component.counted = found.counted[0] if found.counted else None
        component.refused = [] if found.counted else found.refused
    count = sum(1 for c in components if c.counted is not None)
    credits = sum((c.credit for c in components), Decimal(0))
    needed, credits_needed = 0, Decimal(0)
    if pathway.rule == PathwayRule.ALL:
        needed = len(components) - count
        complete = needed == 0
    elif pathway.rule == PathwayRule.N_OF:
        needed = max(0, (pathway.required_count or len(components)) - count)
        complete = needed == 0
    else:
        credits_needed = max(Decimal(0), (pathway.min_credits or Decimal(0)) - credits)
        complete = credits_needed == 0
    complete = complete and bool(components)  # a pathway with nothing in it is never complete
    fillers = []
    if not complete:
        for component in components:
            if component.counted is None and component.credential is not None:
                latest = _latest_published(component.credential)
                if latest is not None:
                    fillers.append(latest)
    return Standing(pathway, components, complete, needed, credits, credits_needed, fillers)


def standings(user: Any) -> list[Standing]:
    """Every pathway of the catalog with what ``user`` holds, what is missing and the credit that counts."""
    held = holdings.holdings_of(user)
    found = []
    for pathway in Pathway.objects.select_related("provider", "resulting_credential").order_by("title"):
        found.append(standing(pathway, user, held=held))
    found.sort(key=lambda s: (not s.started, s.pathway.title))
    return found


def progress_preview(pathway: Pathway, limit: int = 500) -> dict[int, int]:
    """How many learners hold 0, 1, … N components: learners enrolled in, or holding a credential of, a component
    (at most ``limit`` of them)."""
    from microcred.assessment.models import Enrolment
    from microcred.issuing.models import IssuedCredential

    components = components_of(pathway)
    designs = Q(pk__in=[])
    ids: set[str] = set()
    for component in components:
        if component.credential is not None:
            designs |= Q(provider_id=component.credential.provider_id, slug=component.credential.slug)
            ids |= holdings.design_ids(component.credential)
        else:
            ids.add(component.achievement)
    credentials = MicroCredential.objects.filter(designs)
    learners = set(Enrolment.objects.filter(credential__in=credentials).values_list("learner_id", flat=True)[:limit])
    learners |= set(
        IssuedCredential.objects.filter(achievement_id__in=ids, recipient__isnull=False).values_list(
            "recipient_id", flat=True
        )[:limit]
    )
    counts = dict.fromkeys(range(len(components) + 1), 0)
    trust = holdings.Trust(pathway.provider)
    for learner_id in sorted(learners)[:limit]:
        counts[len(standing(pathway, learner_id, trust=trust).held)] += 1
    return counts
