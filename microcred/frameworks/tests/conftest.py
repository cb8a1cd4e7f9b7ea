"""Frameworks test data: a provider admin, small framework files in each format, the shared ESCO files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.testing.factories import make_member

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
ESCO_DIR = SHARED_DATA / "esco"

DOC_ID = "c0a8b0e2-0000-4000-8000-000000000001"
DOC_URI = "https://frameworks.example/case/c0a8b0e2"


def item(identifier: str, statement: str, **extra: Any) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "uri": f"https://frameworks.example/items/{identifier}",
        "fullStatement": statement,
        "CFDocumentURI": {"title": "Future-ready talent", "identifier": DOC_ID, "uri": DOC_URI},
        "lastChangeDateTime": "2024-05-01T10:00:00+00:00",
        **extra,
    }


def child_of(index: int, child: str, parent: str | None, sequence: int = 0) -> dict[str, Any]:
    destination = (
        {"title": "doc", "identifier": DOC_ID, "uri": DOC_URI}
        if parent is None
        else {"title": "p", "identifier": parent, "uri": f"https://frameworks.example/items/{parent}"}
    )
    return {
        "identifier": f"assoc-{index}",
        "uri": f"https://frameworks.example/assoc/{index}",
        "associationType": "isChildOf",
        "originNodeURI": {"title": "c", "identifier": child, "uri": f"https://frameworks.example/items/{child}"},
        "destinationNodeURI": destination,
        "sequenceNumber": sequence,
        "lastChangeDateTime": "2024-05-01T10:00:00+00:00",
    }


def case_package() -> dict[str, Any]:
    """A small CASE package: two domains, three competencies below them, a rubric on one."""
    return {
        "CFDocument": {
            "identifier": DOC_ID,
            "uri": DOC_URI,
            "creator": "Future Skills Council",
            "title": "Future-ready talent",
            "lastChangeDateTime": "2024-05-01T10:00:00+00:00",
            "publisher": "Future Skills Council",
            "description": "Competencies for a changing workplace.",
            "language": "en",
            "version": "2.0",
            "adoptionStatus": "Draft",
            "licenseURI": {
                "title": "CC BY 4.0",
                "identifier": "lic-1",
                "uri": "https://creativecommons.org/licenses/by/4.0/",
            },
        },
        "CFItems": [
            item("d-1", "Thinking", humanCodingScheme="FRT-1", CFItemType="Domain"),
            item("d-2", "Working with others", humanCodingScheme="FRT-2", CFItemType="Domain"),
            item(
                "c-11",
                "Solve complex problems with data",
                humanCodingScheme="FRT-1.1",
                abbreviatedStatement="Problem solving",
                CFItemType="Skill",
                conceptKeywords=["analytical thinking"],
            ),
            item(
                "c-12",
                "Think critically about sources",
                humanCodingScheme="FRT-1.2",
                CFItemType="Competency",
                educationLevel=["13"],
            ),
            item(
                "c-21",
                "Communicate clearly in teams",
                humanCodingScheme="FRT-2.1",
                CFItemType="Attribute",
                notes="Also written.",
            ),
        ],
        "CFAssociations": [
            child_of(1, "d-1", None, 1),
            child_of(2, "d-2", None, 2),
            child_of(3, "c-11", "d-1", 1),
            child_of(4, "c-12", "d-1", 2),
            child_of(5, "c-21", "d-2", 1),
        ],
        "CFRubrics": [
            {
                "identifier": "r-1",
                "uri": "https://frameworks.example/rubrics/r-1",
                "title": "Problem solving rubric",
                "description": "",
                "extensions": {"microcredScale": "Six levels"},
                "CFRubricCriteria": [
                    {
                        "identifier": "rc-1",
                        "uri": "https://frameworks.example/rc/1",
                        "category": "",
                        "description": "Uses data to frame the problem",
                        "CFItemURI": {
                            "title": "c",
                            "identifier": "c-11",
                            "uri": "https://frameworks.example/items/c-11",
                        },
                        "position": 1,
                        "CFRubricCriterionLevels": [
                            {
                                "identifier": "rl-1",
                                "quality": "Emerging",
                                "description": "Names the problem",
                                "score": 1,
                                "position": 1,
                                "extensions": {"microcredProficiencyLevel": "satisfactory"},
                            },
                            {
                                "identifier": "rl-2",
                                "quality": "Strong",
                                "description": "Frames it with data",
                                "score": 3,
                                "position": 2,
                                "extensions": {"microcredProficiencyLevel": "excellent"},
                            },
                        ],
                    }
                ],
            }
        ],
        "extensions": {
            "microcredProficiencyScales": [
                {
                    "name": "Six levels",
                    "isDefault": True,
                    "levels": [
                        {"label": label}
                        for label in ["unsatisfactory", "satisfactory", "good", "very good", "excellent", "superior"]
                    ],
                }
            ]
        },
    }


def as_bytes(package: Any) -> bytes:
    return json.dumps(package).encode()


@pytest.fixture
def admin(provider: Organization) -> User:
    return make_member(provider, "admin", email="frameworks-admin@maple.example")


@pytest.fixture
def esco_dir() -> Path:
    if not (ESCO_DIR / "skillsHierarchy_en.csv").exists():
        pytest.skip("the shared ESCO files are not here (../shared/data/esco)")
    return ESCO_DIR
