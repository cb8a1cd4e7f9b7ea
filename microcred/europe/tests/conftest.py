"""European test data: a provider's admin and reviewer, a complete bilingual design, and the ELM SHACL validator
(the European Commission's published shapes, shipped beside the tests)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.catalog import services as catalog
from microcred.catalog.models import MicroCredential
from microcred.europe import services
from microcred.testing.factories import make_member

SHAPES = Path(__file__).parent / "shapes"
CONTEXT = Path(__file__).parents[1] / "contexts" / "edc-ap-context.jsonld"

COMPLETE = {
    "eqf_level": 5,
    "nqf_level": "Ontario Qualifications Framework, level 5",
    "isced_f_code": "07",
    "quality_assurance": "Internal review by the college's quality committee.",
    "supervision": "onsite_verified",
    "grading": "Pass or fail.",
    "stackability": "Counts towards the Grid Technician certificate.",
    "further_information": "Ask the registrar.",
    "translations": {"fr": {
        "quality_assurance": "Revue interne par le comité qualité du collège.",
        "grading": "Réussite ou échec.",
        "stackability": "Compte pour le certificat de technicien de réseau.",
        "further_information": "Demandez au registraire.",
    }},
}


@pytest.fixture
def admin(provider: Organization) -> User:
    return make_member(provider, "admin", email="admin@maple.example")


@pytest.fixture
def reviewer(provider: Organization) -> User:
    return make_member(provider, "reviewer", email="reviewer@maple.example")


def bilingual_draft(admin: User, provider: Organization, title: str = "Grid Safety", **fields: Any) -> MicroCredential:
    values = {
        "delivery_mode": "hybrid",
        "workload_hours": "37.5",
        "time_to_complete_weeks": 6,
        "summary": "Work safely near energized equipment.",
        "description": "<p>Safety practice on the grid.</p>",
        "prerequisites": "Bring approved boots.",
        "award_criteria": "Pass the practical test.",
        "assessment_method": "workplace",
        "credit_type": "credit",
        "credit_value": "2",
        "credit_unit": "ects",
        "country": "FR",
        "language": "en",
        "ladders_into": ["Grid Technician certificate", "Electrical diploma"],
        "learning_outcomes": ["Identify electrical hazards.", "Apply lockout procedures."],
        "translations": {"fr": {
            "title": "Sécurité du réseau",
            "summary": "Travailler en sécurité près des équipements sous tension.",
            "description": "<p>La sécurité sur le réseau.</p>",
            "prerequisites": "Apporter des bottes homologuées.",
            "award_criteria": "Réussir l'épreuve pratique.",
            "learning_outcomes": ["Reconnaître les dangers électriques.", "Appliquer le cadenassage."],
        }},
        **fields,
    }
    return catalog.create_draft(actor=admin, provider=provider, title=title, **values)


def complete(admin: User, credential: MicroCredential, **changes: Any) -> MicroCredential:
    services.set_european_details(actor=admin, credential=credential, changes={**COMPLETE, **changes})
    return credential


@functools.cache
def shapes_graph() -> Any:
    """The ELM 3 SHACL shapes, both published profiles at once: the Learning Opportunity and Qualification profile
    (``LOQ-constraints.ttl``: closed shapes for organisations, outcomes, notes, assessments, credit points …; its
    own Learning Achievement Specification shape is deactivated) and the European Digital Credential generic profile
    (``EDC-generic-no-cv.ttl``, whose Learning Achievement Specification shape is active).

    Their two Java-only regular-expression forms are written as Python's ``re`` reads them (the URL patterns of
    ``contentUrl``): an inline ``(?i)`` after ``^``, and the classes of letters and digits of any script
    (``\\p{L}\\p{Nl}\\p{Nd}``), read as ``\\w``."""
    from rdflib import Graph

    graph = Graph()
    for name in ("LOQ-constraints.ttl", "EDC-generic-no-cv.ttl"):
        text = (SHAPES / name).read_text()
        text = text.replace('"^(?i)(http|https)', '"(?i)^(http|https)')
        text = text.replace("\\\\p{L}\\\\p{Nl}\\\\p{Nd}", "\\\\w")
        graph.parse(data=text, format="turtle")
    return graph


def shacl_report(document: dict[str, Any]) -> tuple[bool, str]:
    """Validate an ELM JSON-LD document against the ELM shapes, offline: the document's context URL is replaced by
    the bundled copy of that context. Returns whether it conforms and pySHACL's report."""
    import pyshacl
    from rdflib import Graph

    bundled = json.loads(CONTEXT.read_text())["@context"]
    local = dict(document)
    contexts = local["@context"] if isinstance(local["@context"], list) else [local["@context"]]
    local["@context"] = [bundled if c == "http://data.europa.eu/snb/model/context/edc-ap" else c for c in contexts]
    data = Graph().parse(data=json.dumps(local), format="json-ld")
    assert len(data) > 20, "the document did not expand to RDF"
    conforms, _graph, text = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none")
    return bool(conforms), str(text)
