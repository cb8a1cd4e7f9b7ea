"""Fixtures of the wallet tests: credentials issued to the learner here, and credentials signed elsewhere."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.accounts.permissions import SYSTEM
from microcred.issuing import services as issuing
from microcred.issuing.models import IssuedCredential
from microcred.testing import factories
from microcred.vc import compose, data_integrity
from microcred.vc import jwt as vc_jwt
from microcred.vc.dates import format_date_time
from microcred.vc.keys import Ed25519KeyPair

EVIDENCE = [
    {
        "id": "http://127.0.0.1:8000/assessment/evidence/11111111-1111-4111-8111-111111111111/",
        "type": ["Evidence"],
        "name": "Weld inspection video",
        "narrative": "Three joints welded and inspected on camera.",
    },
    {
        "id": "http://127.0.0.1:8000/assessment/evidence/22222222-2222-4222-8222-222222222222/",
        "type": ["Evidence"],
        "name": "Supervisor safety checklist",
    },
    {
        "id": "http://127.0.0.1:8000/assessment/evidence/33333333-3333-4333-8333-333333333333/",
        "type": ["Evidence"],
        "name": "Private reflection journal",
    },
]


def make_achievement(name: str = "Welding safety", slug: str = "welding") -> dict[str, Any]:
    return {
        "id": f"https://microcred.example/catalog/maple-college/{slug}/v1/achievement",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": name,
        "description": "Works safely at a welding station.",
        "criteria": {"narrative": "Pass the practical assessment."},
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": "Hazard identification",
                "targetUrl": "https://frameworks.example/competencies/hazards",
                "targetType": "CFItem",
            }
        ],
    }


def issue(
    organization: Organization, learner: User, *, name: str = "Welding safety", **kwargs: Any
) -> IssuedCredential:
    arguments: dict[str, Any] = {
        "actor": SYSTEM,
        "organization": organization,
        "achievement": make_achievement(name, slug=name.lower().replace(" ", "-")),
        "recipient": learner,
        "recipient_identifier": learner.email,
        "evidence": EVIDENCE,
    }
    arguments.update(kwargs)
    return issuing.issue_credential(**arguments)


@pytest.fixture
def platform(db: None) -> Organization:
    return factories.make_organization("platform", name="microcred platform")


@pytest.fixture
def issued(provider: Organization, learner: User) -> IssuedCredential:
    return issue(provider, learner)


ELSEWHERE_SEED = bytes(range(32))


def unsigned_elsewhere(*, valid_until: datetime | None = None, issuer_id: str | None = None) -> dict[str, Any]:
    pair = Ed25519KeyPair.from_seed(ELSEWHERE_SEED)
    return compose.open_badge_credential(
        id=f"urn:uuid:{uuid.uuid4()}",
        issuer={"id": issuer_id or pair.did_key, "type": ["Profile"], "name": "Elsewhere Polytechnic"},
        achievement=make_achievement("First aid", slug="first-aid"),
        subject_id="did:example:learner",
        valid_from=format_date_time(datetime.now(UTC) - timedelta(days=30)),
        valid_until=format_date_time(valid_until) if valid_until else None,
    )


def signed_elsewhere(*, valid_until: datetime | None = None, issuer_id: str | None = None) -> dict[str, Any]:
    """An OB 3.0 credential a did:key issuer signed somewhere else (verifiable offline)."""
    pair = Ed25519KeyPair.from_seed(ELSEWHERE_SEED)
    unsigned = unsigned_elsewhere(valid_until=valid_until, issuer_id=issuer_id)
    return data_integrity.sign(unsigned, pair, verification_method=pair.did_key_verification_method)


def jwt_elsewhere(*, valid_until: datetime | None = None, issuer_id: str | None = None) -> str:
    pair = Ed25519KeyPair.from_seed(ELSEWHERE_SEED)
    unsigned = unsigned_elsewhere(valid_until=valid_until, issuer_id=issuer_id)
    return vc_jwt.sign_jwt(unsigned, pair, kid=pair.did_key_verification_method)


def as_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()
