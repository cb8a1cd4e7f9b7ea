"""Registry test data: a provider with an admin and a reviewer, designs published through the catalog's services,
and a local Registry Assistant on loopback (``registry_server.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from microcred.accounts.models import Organization, User
from microcred.catalog import services as catalog
from microcred.catalog.models import MicroCredential
from microcred.registry.tests.registry_server import RESOURCES, LocalRegistry
from microcred.testing.factories import make_member

ORG_CTID = "ce-0b1e5a4c-1f7d-4c39-9a42-6c1d2e3f4a5b"
API_KEY = "test-api-key-7f3c"


@pytest.fixture
def admin(provider: Organization) -> User:
    return make_member(provider, "admin", email="admin@maple.example")


@pytest.fixture
def reviewer(provider: Organization) -> User:
    return make_member(provider, "reviewer", email="reviewer@maple.example")


def publish(admin: User, reviewer: User, credential: MicroCredential) -> MicroCredential:
    catalog.submit_for_review(actor=admin, credential=credential)
    catalog.review(actor=reviewer, credential=credential, decision="approved")
    return catalog.publish(actor=admin, credential=credential)


@pytest.fixture
def published(admin: User, reviewer: User, provider: Organization):  # type: ignore[no-untyped-def]
    def build(title: str = "Data Literacy", **fields: Any) -> MicroCredential:
        values = {"delivery_mode": "online", "workload_hours": "20", "cost": "100", **fields}
        return publish(admin, reviewer, catalog.create_draft(actor=admin, provider=provider, title=title, **values))

    return build


@pytest.fixture
def registry(settings: Any) -> Iterator[LocalRegistry]:
    server = LocalRegistry(API_KEY, ORG_CTID).start()
    settings.LOCAL_HTTP_HOSTS = [server.netloc]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield server
    server.stop()


@pytest.fixture
def configured(registry: LocalRegistry, admin: User, provider: Organization) -> LocalRegistry:
    from microcred.registry import services

    services.configure(
        actor=admin,
        organization=provider,
        data={
            "assistant_url": registry.url,
            "api_key": API_KEY,
            "organization_ctid": ORG_CTID,
            "resource_base": RESOURCES,
            "enabled": True,
        },
    )
    return registry
