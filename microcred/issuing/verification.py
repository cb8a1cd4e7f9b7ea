"""Verifying on the server: this platform's own DIDs and status lists are read from the database.

The server never fetches its own documents over HTTP (it may not even reach its public URL), and it
fetches nothing else unless ``VC_VERIFY_ALLOW_NETWORK`` is on: a verify endpoint must not become a
way to make the server call arbitrary URLs.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from microcred.accounts.models import Organization
from microcred.errors import DomainError
from microcred.issuing import identity, selectors, services
from microcred.vc import did, verify
from microcred.vc.errors import ResolutionError

_DID_DOCUMENT = re.compile(r"^/organizations/(?P<slug>[-a-zA-Z0-9_]{1,80})/did\.json$")
_STATUS_LIST = re.compile(r"^/(?:credentials/)?status/(?P<id>[0-9a-fA-F-]{32,36})$")


def _own_path(url: str) -> str | None:
    """The path of ``url`` below this platform's public URL (any scheme: did:web always says https), or None."""
    if not isinstance(url, str):
        return None
    base = urlsplit(identity.public_base_url())
    parts = urlsplit(url.split("#", 1)[0])
    if parts.netloc.lower() != base.netloc.lower() or parts.scheme not in ("http", "https") or parts.query:
        return None
    prefix = base.path.rstrip("/")
    if not parts.path.startswith(prefix + "/"):
        return None
    return parts.path[len(prefix) :]


def own_document(url: str) -> dict[str, Any] | None:
    """The DID document or status-list credential this platform publishes at ``url``, or None."""
    path = _own_path(url)
    if path is None:
        return None
    try:
        if match := _DID_DOCUMENT.match(path):
            organization = Organization.objects.filter(slug=match["slug"]).first()
            return identity.did_document(organization) if organization is not None else None
        if match := _STATUS_LIST.match(path):
            return services.signed_status_list_credential(selectors.status_list_by_public_id(match["id"]))
    except DomainError:
        return None
    return None


def _network_allowed() -> bool:
    return bool(getattr(settings, "VC_VERIFY_ALLOW_NETWORK", False))


def fetch(url: str) -> bytes:
    """The bytes at ``url`` for the verifier: own documents from the database, others only if allowed."""
    document = own_document(url)
    if document is not None:
        return json.dumps(document).encode("utf-8")
    if _network_allowed():
        return did.Resolver().fetch(url)
    raise ResolutionError(f"{url} is not published by this platform, and fetching other URLs is off.")


def resolver() -> did.Resolver:
    return did.Resolver(fetch=fetch)


def fetch_status_list(url: str) -> dict[str, Any]:
    return json.loads(fetch(url))


def verify_credential(credential: dict[str, Any] | str | bytes) -> verify.Report:
    """The verification report, as any verifier would produce it, without leaving the server."""
    return verify.verify(credential, resolver=resolver(), status_fetcher=fetch_status_list)
