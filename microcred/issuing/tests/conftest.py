"""Fixtures of the issuing tests: a provider's admin, an achievement, a credential issued to the learner."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.accounts.permissions import SYSTEM
from microcred.issuing import services
from microcred.issuing.models import IssuedCredential
from microcred.testing import factories


@pytest.fixture
def admin(provider: Organization) -> User:
    return factories.make_member(provider, "admin", email="admin@maple.example")


@pytest.fixture
def achievement() -> dict[str, Any]:
    return {
        "id": "https://microcred.example/catalog/maple-college/welding/v1/achievement",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": "Welding safety",
        "description": "Works safely at a welding station.",
        "criteria": {"narrative": "Pass the practical assessment."},
    }


def issue(organization: Organization, achievement: dict[str, Any], learner: User | None, **kwargs: Any):
    arguments: dict[str, Any] = {
        "actor": SYSTEM,
        "organization": organization,
        "achievement": achievement,
        "recipient": learner,
        "recipient_identifier": learner.email if learner else "someone@example.org",
    }
    arguments.update(kwargs)
    return services.issue_credential(**arguments)


@pytest.fixture
def issued(provider: Organization, achievement: dict[str, Any], learner: User) -> IssuedCredential:
    return issue(provider, achievement, learner)
