"""The registry domain in the API: a provider's registry settings, a version's registry state, and CTDL imports
as drafts. Thin: parse, call one selector or service. (The complete CTDL of a version is the catalog's
``GET /catalog/credentials/{provider}/{slug}/versions/{version}/ctdl``.)"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Status

from microcred.accounts.permissions import require
from microcred.catalog import selectors as catalog_selectors
from microcred.registry import ctids, selectors, services
from microcred.registry.models import Publication, RegistrySettings

router = Router(tags=["registry"])


def _settings(row: RegistrySettings) -> dict[str, Any]:
    return {
        "assistant_url": row.assistant_url,
        "organization_ctid": row.organization_ctid,
        "resource_base": row.resource_base,
        "enabled": row.enabled,
        "api_key_hint": row.api_key_hint,
    }


def _publication(publication: Publication) -> dict[str, Any]:
    return {
        "action": publication.action,
        "status": publication.status,
        "attempts": publication.attempts,
        "last_error": publication.last_error,
        "next_attempt_at": publication.next_attempt_at.isoformat() if publication.next_attempt_at else None,
        "ctid": publication.ctid,
        "envelope_id": publication.envelope_id,
        "graph_url": publication.graph_url,
        "created_at": publication.created_at.isoformat(),
    }


@router.put("registry/providers/{provider}/settings", summary="Set where and as whom the provider publishes")
def put_settings(request: HttpRequest, provider: str, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    organization = catalog_selectors.provider_by_slug(provider)
    return _settings(services.configure(actor=request.user, organization=organization, data=payload))


@router.get(
    "registry/credentials/{provider}/{slug}/versions/{version}/publications",
    summary="A version's CTIDs and its publications in the Credential Registry, newest first",
)
def publications(request: HttpRequest, provider: str, slug: str, version: int) -> dict[str, Any]:
    found = catalog_selectors.credential_version(request.user, provider, slug, version)
    require(request.user, "registry.configure", found.provider)
    return {
        "ctid": ctids.design_ctid(found),
        "version_ctid": ctids.version_ctid(found),
        "configured": selectors.settings_of(found.provider) is not None,
        "publications": [_publication(p) for p in found.registry_publications.order_by("-created_at", "-pk")],
    }


@router.post(
    "registry/providers/{provider}/ctdl-imports",
    response={201: dict},
    summary="Import a CTDL credential (a registry export) as a draft, with what could not be carried over",
)
def import_ctdl(request: HttpRequest, provider: str, payload: Body[Any]) -> Status:
    organization = catalog_selectors.provider_by_slug(provider)
    made, notes = services.import_ctdl(actor=request.user, provider=organization, document=payload)
    return Status(
        201,
        {
            "provider": organization.slug,
            "slug": made.slug,
            "version": made.version,
            "status": made.status,
            "title": made.title,
            "notes": [str(note) for note in notes],
        },
    )
