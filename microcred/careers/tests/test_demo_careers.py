"""The demo's career-centre client, with and without the demo's occupations."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.accounts.services import add_member, create_organization
from microcred.careers.models import Client
from microcred.demo.careers import ORGANIZATION, PRACTITIONER, load_demo_client
from microcred.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(db: None) -> None:
    organization = create_organization(
        actor=None, name="Grand River University", kind="provider", provider_type="university", slug=ORGANIZATION
    )
    add_member(actor=None, organization=organization, user=make_user(email=PRACTITIONER), role="practitioner")


def test_demo_client_aims_at_an_occupation_with_a_shortlist(centre: None, world: dict[str, Any]) -> None:
    client = load_demo_client()
    assert client is not None and client.target_occupation == world["occupation"]
    assert client.held_skills.count() == 2
    assert [item.credential.title for item in client.shortlist.all()] == ["Wiring short"]
    assert load_demo_client() == client and Client.objects.count() == 1  # idempotent


def test_demo_client_without_occupations(centre: None) -> None:
    client = load_demo_client()
    assert client is not None and client.target_occupation is None


def test_no_demo_organization_no_client(db: None) -> None:
    assert load_demo_client() is None
