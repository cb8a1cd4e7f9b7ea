"""Pathway rules: does a set of earned micro-credentials reach the larger credential, and what is missing?

A pathway counts a design, not a version: a learner who earned version 1 still counts when the
pathway lists version 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from microcred.catalog.models import MicroCredential, Pathway, PathwayRule


def design_key(credential: MicroCredential) -> tuple[int, str]:
    return (credential.provider_id, credential.slug)


@dataclass
class PathwayProgress:
    complete: bool
    earned: list[MicroCredential] = field(default_factory=list)
    missing: list[MicroCredential] = field(default_factory=list)
    still_needed: int = 0  # N-of: how many more; all: len(missing)
    credits: Decimal = Decimal(0)
    credits_needed: Decimal = Decimal(0)


def evaluate(pathway: Pathway, earned: Iterable[MicroCredential]) -> PathwayProgress:
    keys = {design_key(c) for c in earned}
    members = list(pathway.members.all())
    have = [m for m in members if design_key(m) in keys]
    lacking = [m for m in members if design_key(m) not in keys]
    credits = sum((m.credit_value or Decimal(0) for m in have), Decimal(0))
    if pathway.rule == PathwayRule.ALL:
        needed = len(lacking)
        return PathwayProgress(needed == 0, have, lacking, needed, credits)
    if pathway.rule == PathwayRule.N_OF:
        needed = max(0, (pathway.required_count or len(members)) - len(have))
        return PathwayProgress(needed == 0, have, lacking, needed, credits)
    target = pathway.min_credits or Decimal(0)
    short = max(Decimal(0), target - credits)
    return PathwayProgress(short == 0, have, lacking, 0, credits, short)
