"""Frameworks shipped with microcred: the demo's "Future-ready talent" (12 competencies, six-level scale)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from microcred.accounts.models import Organization
from microcred.frameworks import case, services
from microcred.frameworks.models import Framework

FUTURE_READY_TALENT = Path(__file__).with_name("future-ready-talent.case.json")


def load_future_ready_talent(*, actor: Any, organization: Organization | None) -> Framework:
    """Import the sample CASE package (idempotent: a second call changes nothing)."""
    document = case.parse_case(FUTURE_READY_TALENT.read_bytes())
    return services.import_document(
        actor=actor, organization=organization, document=document, source_format="case"
    ).framework
