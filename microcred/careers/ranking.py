"""Gap analysis and the ranking of credentials that close a gap: pure functions over plain data (no database).

Formulas (the same for learners and practitioners' clients):

- **gap**: the target's skills split into held and missing; missing essential skills come first.
  ``coverage`` = held target skills / target skills (essential and optional alike);
  ``essential_coverage`` = held essential skills / essential skills. Both are 1.0 for an empty target.
- **value of a credential** = essential_covered + OPTIONAL_WEIGHT × optional_covered, counting only skills still
  missing. A credential adding nothing to the gap is not recommended.
- **ranking**: by value (highest first), ties by value per hour, then value per dollar, then the cheaper, the
  shorter, the title. Hours and cost are floored at ``MIN_HOURS`` / ``MIN_COST`` before dividing, so a free or
  0-hour credential gets the best ratio without a division by zero (free credentials rank first among equals).
- **plan**: greedy weighted set cover — repeatedly take the credential with the most newly covered missing
  essentials per hour (ties: more newly covered optionals per hour, cheaper, shorter), until no credential adds a
  missing essential or ``max_items`` are chosen. Greedy is the classic ln(n)-approximation of the smallest cover.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

OPTIONAL_WEIGHT = 0.25
MIN_HOURS = 1.0
MIN_COST = 1.0
PLAN_MAX_ITEMS = 5


@dataclass(frozen=True)
class TargetSkill:
    skill: int  # an ESCO competency id
    label: str
    essential: bool


@dataclass(frozen=True)
class Candidate:
    key: int  # a micro-credential id
    title: str
    hours: float
    cost: float
    skills: frozenset[int]  # the ESCO competency ids it is aligned to


@dataclass
class Gap:
    held: list[TargetSkill]
    missing_essential: list[TargetSkill]
    missing_optional: list[TargetSkill]

    @property
    def missing(self) -> list[TargetSkill]:
        return self.missing_essential + self.missing_optional

    @property
    def total(self) -> int:
        return len(self.held) + len(self.missing_essential) + len(self.missing_optional)

    @property
    def coverage(self) -> float:
        return len(self.held) / self.total if self.total else 1.0

    @property
    def essential_coverage(self) -> float:
        held = sum(1 for skill in self.held if skill.essential)
        total = held + len(self.missing_essential)
        return held / total if total else 1.0

    @property
    def percent(self) -> int:
        return round(100 * self.coverage)

    @property
    def essential_percent(self) -> int:
        return round(100 * self.essential_coverage)


@dataclass
class Ranked:
    candidate: Candidate
    essential: frozenset[int]  # the missing essential skills it covers
    optional: frozenset[int]  # the missing optional skills it covers
    value: float
    per_hour: float
    per_dollar: float


@dataclass
class Plan:
    items: list[Ranked] = field(default_factory=list)
    covered_essential: frozenset[int] = frozenset()
    uncovered_essential: frozenset[int] = frozenset()  # no recommended credential teaches them

    @property
    def hours(self) -> float:
        return sum(item.candidate.hours for item in self.items)

    @property
    def cost(self) -> float:
        return sum(item.candidate.cost for item in self.items)


def gap(target: list[TargetSkill], held: set[int] | frozenset[int]) -> Gap:
    """The target's skills the holder has and lacks, in the target's order (essential missing first)."""
    seen: set[int] = set()
    have, essential, optional = [], [], []
    for skill in sorted(target, key=lambda s: not s.essential):  # stable: an essential duplicate wins
        if skill.skill in seen:
            continue
        seen.add(skill.skill)
        if skill.skill in held:
            have.append(skill)
        elif skill.essential:
            essential.append(skill)
        else:
            optional.append(skill)
    return Gap(held=have, missing_essential=essential, missing_optional=optional)


def _number(value: float | Decimal | int) -> float:
    return float(value)


def score(candidate: Candidate, missing_essential: frozenset[int], missing_optional: frozenset[int]) -> Ranked:
    essential = candidate.skills & missing_essential
    optional = candidate.skills & missing_optional
    value = len(essential) + OPTIONAL_WEIGHT * len(optional)
    hours = max(_number(candidate.hours), MIN_HOURS)
    cost = max(_number(candidate.cost), MIN_COST)
    return Ranked(candidate, essential, optional, value, value / hours, value / cost)


def rank(candidates: list[Candidate], found: Gap) -> list[Ranked]:
    """The candidates that close part of the gap, best first (see the module's formula)."""
    essential = frozenset(skill.skill for skill in found.missing_essential)
    optional = frozenset(skill.skill for skill in found.missing_optional)
    scored = [score(candidate, essential, optional) for candidate in candidates]
    useful = [item for item in scored if item.value > 0]
    useful.sort(
        key=lambda item: (
            -item.value,
            -item.per_hour,
            -item.per_dollar,
            item.candidate.cost,
            item.candidate.hours,
            item.candidate.title,
            item.candidate.key,
        )
    )
    return useful


def plan(ranked: list[Ranked], found: Gap, *, max_items: int = PLAN_MAX_ITEMS) -> Plan:
    """A small set of the ranked credentials covering the most missing essentials with the fewest hours."""
    missing = frozenset(skill.skill for skill in found.missing_essential)
    covered: set[int] = set()
    covered_optional: set[int] = set()
    chosen: list[Ranked] = []
    pool = list(ranked)
    while pool and len(chosen) < max_items:
        best, best_key = None, None
        for item in pool:
            new = len(item.essential - covered)
            if not new:
                continue
            hours = max(_number(item.candidate.hours), MIN_HOURS)
            new_optional = len(item.optional - covered_optional)
            key = (-new / hours, -new_optional / hours, item.candidate.cost, item.candidate.hours, item.candidate.key)
            if best_key is None or key < best_key:
                best, best_key = item, key
        if best is None:
            break
        chosen.append(best)
        covered |= best.essential
        covered_optional |= best.optional
        pool.remove(best)
    return Plan(items=chosen, covered_essential=frozenset(covered), uncovered_essential=missing - covered)
