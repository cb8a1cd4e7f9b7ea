"""Status-list credentials a verifier has already verified, kept by their exact content.

Checking a credential's status means verifying the status-list credential it points to: for a Data Integrity
list that is a JSON-LD canonicalization and a signature check, four fifths of the work of verifying a typical
credential with a revocation and a suspension entry. Every credential of an issuer points to the same few lists,
so a verifier that keeps what it verified answers the next credential without doing that again.

An entry is found only for the very same document (its URL and a SHA-256 digest of its content: a list whose
bits or signature changed is a new entry) and only inside the window in which the earlier verification holds
for the later moment: not before the moment it was verified (a caller may verify "as of" a past date), not past
its ``validUntil``, and not longer than ``ttl`` seconds, which bounds how long a list signed by a key its issuer
has since withdrawn is still accepted (the credential's own proof is always checked against the current key).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cachetools import LRUCache

from microcred.vc.dates import parse_date_time

DEFAULT_TTL_SECONDS = 300.0


@dataclass(frozen=True)
class VerifiedList:
    credential: dict[str, Any]  # the list credential as verified (a VC-JWT's payload): read, never changed
    issuer: str | None
    verified_at: datetime
    not_after: datetime


def digest(document: Any) -> str | None:
    """A digest of a fetched status-list document (a JSON object, or a VC-JWT's text), or None if it has none."""
    if isinstance(document, str):
        data = document.encode("utf-8")
    elif isinstance(document, bytes):
        data = document
    elif isinstance(document, dict):
        try:
            data = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError):
            return None
    else:
        return None
    return hashlib.sha256(data).hexdigest()


class VerifiedListCache:
    """A bounded, thread-safe memo of verified status-list credentials; share one across verifications."""

    def __init__(self, maxsize: int = 256, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> None:
        self._entries: LRUCache[tuple[str, str], VerifiedList] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()
        self._ttl = timedelta(seconds=ttl_seconds)

    def key(self, url: str, document: Any) -> tuple[str, str] | None:
        """The entry's key for ``document`` fetched from ``url`` (taken before verifying it), or None."""
        found = digest(document)
        return (url, found) if found is not None else None

    def get(self, key: tuple[str, str], now: datetime) -> VerifiedList | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or not entry.verified_at <= now <= entry.not_after:
            return None
        return entry

    def put(self, key: tuple[str, str], credential: dict[str, Any], issuer: str | None, now: datetime) -> None:
        not_after = now + self._ttl
        end = credential.get("validUntil", credential.get("expirationDate"))
        if end is not None:
            parsed = parse_date_time(end) if isinstance(end, str) else None
            if parsed is None:
                return
            not_after = min(not_after, parsed)
        with self._lock:
            self._entries[key] = VerifiedList(credential, issuer, now, not_after)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
