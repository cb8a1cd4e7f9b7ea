"""Who an organization is, cryptographically: its did:web identifier, DID document and issuer profile.

An organization's DID is ``did:web:<host>:organizations:<slug>``; its DID document is served at
``<base>/organizations/<slug>/did.json`` and lists every key that has not been withdrawn, so a
credential signed before a key rotation keeps verifying.

The one exception is the VC-API test issuer (only while ``VC_API_TEST_MODE`` is on): it signs as
the ``did:key`` of its key, which any verifier resolves offline, as the W3C test suites expect.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings

from microcred.accounts.models import Organization
from microcred.issuing.models import IssuerKey
from microcred.vc.keys import did_key_from_public_multibase

VC_API_TEST_ISSUER_SLUG = "vc-api-test-issuer"
DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def public_base_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


def base_key(base: str) -> str:
    """A public base URL as host and path, lower-case host, no scheme (did:web always means https)."""
    parts = urlsplit(base.rstrip("/"))
    return parts.netloc.lower() + parts.path.rstrip("/")


def organization_did(organization: Organization, base: str | None = None) -> str:
    """The organization's did:web under the platform's public URL (or under ``base``, a former one)."""
    return did_for_slug(organization.slug, base)


def did_for_slug(slug: str, base: str | None = None) -> str:
    parts = urlsplit(base or public_base_url())
    host = quote(parts.netloc, safe="")  # did:web encodes the port's colon as %3A
    path = [segment for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *path, "organizations", slug])


def is_test_issuer(organization: Organization) -> bool:
    return bool(getattr(settings, "VC_API_TEST_MODE", False)) and organization.slug == VC_API_TEST_ISSUER_SLUG


def issuer_did(organization: Organization, key: IssuerKey, base: str | None = None) -> str:
    """The issuer id a credential signed with ``key`` carries (under the public URL, or ``base``)."""
    if is_test_issuer(organization):
        return did_key_from_public_multibase(key.public_key_multibase)
    return organization_did(organization, base)


def signing_method_id(organization: Organization, key: IssuerKey, base: str | None = None) -> str:
    """The ``verificationMethod`` of a proof made with ``key``."""
    return f"{issuer_did(organization, key, base)}#{key.public_key_multibase}"


def did_document_url(organization: Organization) -> str:
    return f"{public_base_url()}/organizations/{organization.slug}/did.json"


def verification_method_id(organization: Organization, key: IssuerKey) -> str:
    return f"{organization_did(organization)}#{key.public_key_multibase}"


def published_keys(organization: Organization) -> list[IssuerKey]:
    return list(organization.issuer_keys.filter(withdrawn_at__isnull=True).order_by("created_at"))


def did_document(organization: Organization, base: str | None = None) -> dict[str, Any]:
    keys = [key.public_key_multibase for key in published_keys(organization)]
    return document_for(organization_did(organization, base), keys)


def document_for(did: str, multibases: list[str]) -> dict[str, Any]:
    """The DID document of ``did`` listing these public keys (multibase), in this order."""
    methods = [
        {"id": f"{did}#{multibase}", "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}
        for multibase in multibases
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": DID_CONTEXT,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def issuer_profile(organization: Organization, key: IssuerKey | None = None) -> dict[str, Any]:
    """The OB 3.0 ``Profile`` embedded as a credential's ``issuer`` (signed with ``key``, if known)."""
    profile: dict[str, Any] = {
        "id": issuer_did(organization, key) if key is not None else organization_did(organization),
        "type": ["Profile"],
        "name": organization.name,
    }
    if organization.website:
        profile["url"] = organization.website
    if organization.email:
        profile["email"] = organization.email
    if organization.description:
        profile["description"] = organization.description
    return profile


def status_list_url(public_id: object, base: str | None = None) -> str:
    return f"{(base or public_base_url()).rstrip('/')}/status/{public_id}"
