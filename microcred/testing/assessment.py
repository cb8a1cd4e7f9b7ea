"""Factories for assessment tests and the award benchmark: a framework scale, competencies, a published credential."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from microcred.accounts.models import Organization
from microcred.accounts.permissions import SYSTEM
from microcred.catalog.models import MicroCredential, Status
from microcred.frameworks.models import Competency, Framework, ProficiencyLevel, ProficiencyScale

SIX_LEVELS = ["unsatisfactory", "satisfactory", "good", "very good", "excellent", "superior"]
_counter = itertools.count(1)


def make_scale_with_competencies(
    owner: Organization, names: list[str], levels: list[str] = SIX_LEVELS
) -> tuple[ProficiencyScale, list[Competency]]:
    n = next(_counter)
    framework = Framework.objects.create(title=f"Framework {n}", organization=owner)
    scale = ProficiencyScale.objects.create(framework=framework, name=f"Scale {n}")
    ProficiencyLevel.objects.bulk_create(
        ProficiencyLevel(scale=scale, rank=rank, label=label) for rank, label in enumerate(levels)
    )
    competencies = [
        Competency.objects.create(framework=framework, short_name=name, code=f"C{n}-{i}", statement=name.title())
        for i, name in enumerate(names)
    ]
    return scale, competencies


def make_published_credential(provider: Organization, **fields: Any) -> MicroCredential:
    """A published micro-credential, created through the catalog's service and marked published directly."""
    from microcred.catalog.services import create_draft

    n = next(_counter)
    defaults: dict[str, Any] = {"title": f"Credential {n}", "delivery_mode": "online", "workload_hours": "10"}
    defaults.update(fields)
    credential = create_draft(actor=SYSTEM, provider=provider, **defaults)
    # Governance is the catalog's concern and tested there; assessment tests start from a published version.
    MicroCredential.objects.filter(pk=credential.pk).update(status=Status.PUBLISHED)
    credential.refresh_from_db()
    return credential


@contextmanager
def as_draft(credential: MicroCredential) -> Iterator[MicroCredential]:
    """Change the plan of a credential the factory published: the version goes back to draft for the change (the
    plan services refuse to touch a published version), then is published again."""
    status = credential.status
    MicroCredential.objects.filter(pk=credential.pk).update(status=Status.DRAFT)
    credential.status = Status.DRAFT
    try:
        yield credential
    finally:
        MicroCredential.objects.filter(pk=credential.pk).update(status=status)
        credential.status = status
