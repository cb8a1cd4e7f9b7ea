"""Factories for test data, built with the domain services so tests see what users see."""

from __future__ import annotations

import itertools

from microcred.accounts.models import Organization, User
from microcred.accounts.services import add_member, create_organization

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test accounts only
_counter = itertools.count(1)


def make_user(email: str | None = None, name: str | None = None, password: str = PASSWORD) -> User:
    n = next(_counter)
    return User.objects.create_user(
        email=email or f"person{n}@example.org", password=password, display_name=name or f"Person {n}"
    )


def make_organization(
    kind: str = "provider", name: str | None = None, provider_type: str | None = None
) -> Organization:
    n = next(_counter)
    if provider_type is None:
        provider_type = "college" if kind == "provider" else ""
    return create_organization(actor=None, name=name or f"Organization {n}", kind=kind, provider_type=provider_type)


def make_member(organization: Organization, role: str, email: str | None = None) -> User:
    user = make_user(email=email)
    add_member(actor=None, organization=organization, user=user, role=role)
    return user
