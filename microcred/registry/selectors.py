"""Reads of the registry domain: a provider's settings, a version's registry state."""

from __future__ import annotations

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredential
from microcred.registry.models import Publication, RegistrySettings


def settings_of(organization: Organization) -> RegistrySettings | None:
    return RegistrySettings.objects.filter(organization=organization).first()


def latest_publication(credential: MicroCredential) -> Publication | None:
    return credential.registry_publications.order_by("-created_at", "-pk").first()


def recent_publications(organization: Organization, limit: int = 50) -> list[Publication]:
    return list(
        Publication.objects.filter(credential__provider=organization)
        .select_related("credential")
        .order_by("-created_at", "-pk")[:limit]
    )
