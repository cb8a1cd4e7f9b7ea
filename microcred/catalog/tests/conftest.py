"""Catalog test data: a provider with an admin and a reviewer, and designs built through the services."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.catalog import services
from microcred.catalog.models import MicroCredential
from microcred.testing.factories import make_member


@pytest.fixture
def admin(provider: Organization) -> User:
    return make_member(provider, "admin", email="admin@maple.example")


@pytest.fixture
def reviewer(provider: Organization) -> User:
    return make_member(provider, "reviewer", email="reviewer@maple.example")


def draft(admin: User, provider: Organization, title: str = "Data Literacy", **fields: Any) -> MicroCredential:
    values = {"delivery_mode": "online", "workload_hours": "20", "cost": "100", **fields}
    return services.create_draft(actor=admin, provider=provider, title=title, **values)


def publish(admin: User, reviewer: User, credential: MicroCredential) -> MicroCredential:
    services.submit_for_review(actor=admin, credential=credential)
    services.review(actor=reviewer, credential=credential, decision="approved")
    return services.publish(actor=admin, credential=credential)


@pytest.fixture
def published(admin: User, reviewer: User, provider: Organization):  # type: ignore[no-untyped-def]
    """Publish a design through the whole governance: ``published(title=..., **fields)``."""

    def build(title: str = "Data Literacy", **fields: Any) -> MicroCredential:
        return publish(admin, reviewer, draft(admin, provider, title, **fields))

    return build
