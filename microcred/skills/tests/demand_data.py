"""Test data for occupations, postings and demand: the demo's ESCO sample as the skills framework, small files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from microcred.accounts.models import Organization, User
from microcred.accounts.permissions import CLI
from microcred.frameworks import esco, services
from microcred.frameworks.models import Competency, Framework
from microcred.testing.factories import make_member, make_organization

DEMO_DATA = Path(__file__).resolve().parents[2] / "demo" / "data"
ESCO_SAMPLE = DEMO_DATA / "esco-sample"
SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def load_sample_framework() -> Framework:
    """The demo's 45 ESCO skills, imported as the ESCO framework skills are linked to."""
    return services.import_document(
        actor=CLI, organization=None, document=esco.parse_esco(ESCO_SAMPLE), source_format="esco"
    ).framework


def skill(label: str) -> Competency:
    return Competency.objects.get(short_name=label, framework__source_format="esco")


def platform_admin() -> tuple[Organization, User]:
    platform = make_organization(kind="platform", name="Platform")
    return platform, make_member(platform, "admin")


def jsonl(*rows: dict[str, Any]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def posting(title: str = "Data Analyst", text: str = "Perform data analysis.", **extra: Any) -> dict[str, Any]:
    return {"title": title, "text": text, "location": "Toronto, ON", "date": "2026-05-04", "employer": "Acme", **extra}
