"""Verifying on the server: this platform's own DIDs and status lists are read from the database.

The server never fetches its own documents over HTTP (it may not even reach its public URL), and it
fetches nothing else unless ``VC_VERIFY_ALLOW_NETWORK`` is on: a verify endpoint must not become a
way to make the server call arbitrary URLs.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

from cachetools import LRUCache
from django.conf import settings

from microcred.accounts.models import Organization
from microcred.errors import DomainError
from microcred.issuing import identity, selectors, services
from microcred.vc import did, status_cache, verify
from microcred.vc.errors import ResolutionError

_DID_DOCUMENT = re.compile(r"^/organizations/(?P<slug>[-a-zA-Z0-9_]{1,80})/did\.json$")
_STATUS_LIST = re.compile(r"/(?:credentials/)?status/(?P<id>[0-9a-fA-F-]{32,36})$")


def _path_below(url: str, base: str) -> str | None:
    """The path of ``url`` below ``base`` (any scheme: did:web always says https), or None."""
    if not isinstance(url, str):
        return None
    base_parts = urlsplit(base)
    parts = urlsplit(url.split("#", 1)[0])
    if parts.netloc.lower() != base_parts.netloc.lower() or parts.scheme not in ("http", "https") or parts.query:
        return None
    prefix = base_parts.path.rstrip("/")
    if not parts.path.startswith(prefix + "/"):
        return None
    return parts.path[len(prefix) :]


def _own_path(url: str) -> str | None:
    """The path of ``url`` below this platform's public URL, or None."""
    return _path_below(url, identity.public_base_url())


def _former_bases(organization: Organization) -> list[str]:
    """The former public URLs the organization's status-list entries were handed out under."""
    current = identity.base_key(identity.public_base_url())
    bases: dict[str, str] = {}
    for recorded in organization.status_lists.values_list("public_bases", flat=True):
        for base in recorded or []:
            if isinstance(base, str) and identity.base_key(base) != current:
                bases.setdefault(identity.base_key(base), base)
    return list(bases.values())


# The signed status-list credentials this process served, by URL: (the list's change stamp, the document). Each use
# checks the stamp in the database first (one narrow query instead of the whole row: its bits and its signed JSON), so
# a bit changed or a key withdrawn by any process is seen at once; the document is copied out, never shared.
_STATUS_MEMO: LRUCache[tuple[str, str], tuple[Any, dict[str, Any]]] = LRUCache(maxsize=1024)
_STATUS_MEMO_LOCK = threading.Lock()


def _status_list_document(url: str) -> dict[str, Any] | None:
    parts = urlsplit(url.split("#", 1)[0])
    if parts.scheme not in ("http", "https") or parts.query:
        return None
    match = _STATUS_LIST.search(parts.path)
    if match is None:
        return None
    try:
        public_id = uuid.UUID(match["id"])
    except ValueError:
        return None
    memo_key = (identity.public_base_url(), url.split("#", 1)[0])
    stamp = selectors.status_list_stamp(public_id)
    with _STATUS_MEMO_LOCK:
        memo = _STATUS_MEMO.get(memo_key)
    if stamp is not None and memo is not None and memo[0] == stamp:
        return copy.deepcopy(memo[1])
    status_list = selectors.status_list_by_public_id(match["id"])
    base = services.status_list_base(status_list, url)  # the current URL, or one its entries were given under
    if base is None:
        return None
    document = services.signed_status_list_credential(status_list, base)
    if stamp is not None:  # read before the row: a change in between makes the next use read it again
        with _STATUS_MEMO_LOCK:
            _STATUS_MEMO[memo_key] = (stamp, copy.deepcopy(document))
    return document


def _did_document(url: str) -> dict[str, Any] | None:
    path = _own_path(url)
    if path is not None and (match := _DID_DOCUMENT.match(path)):
        keys = selectors.published_key_multibases(match["slug"])  # one query: this runs on every verification
        if keys is None:
            return None
        return identity.document_for(identity.did_for_slug(match["slug"]), keys)
    # under a former public URL: only an organization whose credentials were handed out there
    match = re.search(r"/organizations/(?P<slug>[-a-zA-Z0-9_]{1,80})/did\.json$", urlsplit(url).path)
    organization = Organization.objects.filter(slug=match["slug"]).first() if match else None
    if organization is None:
        return None
    for base in _former_bases(organization):
        below = _path_below(url, base)
        if below is not None and _DID_DOCUMENT.match(below):
            return identity.did_document(organization, base)
    return None


def own_document(url: str) -> dict[str, Any] | None:
    """The DID document or status-list credential this platform publishes at ``url``, or None.

    After a change of ``MICROCRED_PUBLIC_URL`` on the same database, the documents of the former public URLs the
    platform handed credentials out under are still its own: its status lists (signed under the URL a credential
    names) and its organizations' did:web documents there (the same keys), so its credentials stay verifiable.
    """
    if not isinstance(url, str):
        return None
    try:
        return _status_list_document(url) or _did_document(url)
    except DomainError:
        return None


def _network_allowed() -> bool:
    return bool(getattr(settings, "VC_VERIFY_ALLOW_NETWORK", False))


def fetch(url: str) -> bytes:
    """The bytes at ``url`` for the verifier: own documents from the database, others only if allowed."""
    document = own_document(url)
    if document is not None:
        return json.dumps(document).encode("utf-8")
    if _network_allowed():
        return _network_resolver().fetch(url)
    raise ResolutionError(f"{url} is not published by this platform, and fetching other URLs is off.")


def _network_resolver() -> did.Resolver:
    local = frozenset(getattr(settings, "LOCAL_HTTP_HOSTS", ()))
    return did.Resolver(allow_http_hosts=local, allow_private=bool(local))


def resolver() -> did.Resolver:
    return did.Resolver(fetch=fetch, allow_http_hosts=frozenset(getattr(settings, "LOCAL_HTTP_HOSTS", ())))


def fetch_status_list(url: str) -> dict[str, Any]:
    document = own_document(url)  # as is: no round trip through JSON text for the platform's own lists
    return document if document is not None else json.loads(fetch(url))


# Status-list credentials this process verified, by content: every credential of an issuer points to the same few
# lists, and verifying one (canonicalization and signature) cost more than the rest of a verification.
_VERIFIED_LISTS = status_cache.VerifiedListCache(maxsize=1024)


def verify_credential(credential: dict[str, Any] | str | bytes) -> verify.Report:
    """The verification report, as any verifier would produce it, without leaving the server."""
    return verify.verify(
        credential, resolver=resolver(), status_fetcher=fetch_status_list, status_list_cache=_VERIFIED_LISTS
    )
