"""Open Badges 2.0 assertions: recognised, and checked only by hosted verification through a guarded fetch.

A hosted assertion is checked by fetching its ``id`` (https only, public addresses only, bounded; see
``microcred.vc.did.Resolver``) and comparing what is served with what was imported. Signed 2.0 assertions
and any assertion that cannot be fetched are kept as "unverified legacy": shown as such, never as valid.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from microcred.vc import did
from microcred.vc.errors import VCError

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
LEGACY_CHECK = "legacy_hosted"


def is_ob2(document: dict[str, Any]) -> bool:
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return OB2_CONTEXT in contexts or "Assertion" in types


def network_allowed() -> bool:
    return bool(getattr(settings, "VC_VERIFY_ALLOW_NETWORK", False))


def guarded_fetch(url: str) -> bytes:
    """The bytes at an https URL on a public address; ``VCError`` otherwise (and when fetching is off)."""
    if not network_allowed():
        raise VCError("Fetching other sites is turned off on this server.", code="network_disabled")
    if not isinstance(url, str) or not url.lower().startswith("https://"):
        raise VCError("Only https addresses are fetched.", code="resolution_network_refused")
    return did.Resolver(cache_seconds=0, max_bytes=1024 * 1024).fetch(url)


def _report(assertion: dict[str, Any], outcome: str, reason: str | None, message: str) -> dict[str, Any]:
    check: dict[str, Any] = {"code": LEGACY_CHECK, "outcome": outcome, "message": message}
    if reason:
        check["reason"] = reason
    return {
        "valid": outcome == "pass",
        "legacy": True,
        "format": "ob2",
        "issuer": None,
        "checks": [check],
        "credential": assertion,
    }


def verify_hosted(assertion: dict[str, Any], *, fetched: bytes | None = None) -> dict[str, Any]:
    """The report of a hosted check of ``assertion`` (``fetched``: the bytes already read from its id)."""
    verification = assertion.get("verification")
    kind = verification.get("type") if isinstance(verification, dict) else None
    identifier = assertion.get("id")
    if kind not in ("hosted", "HostedBadge") or not isinstance(identifier, str):
        return _report(assertion, "skip", "legacy_not_hosted", "Only hosted Open Badges 2.0 assertions are checked.")
    if fetched is None:
        try:
            fetched = guarded_fetch(identifier)
        except VCError as exc:
            return _report(assertion, "skip", exc.code, f"The hosted assertion could not be fetched: {exc.message}")
    try:
        served = json.loads(fetched.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _report(assertion, "fail", "legacy_not_json", "The hosted assertion is not JSON.")
    if not isinstance(served, dict):
        return _report(assertion, "fail", "legacy_not_json", "The hosted assertion is not a JSON object.")
    if served.get("revoked") is True:
        return _report(assertion, "fail", "revoked", "The issuer marks this assertion as revoked.")
    for name in ("id", "recipient", "badge"):
        if served.get(name) != assertion.get(name):
            return _report(assertion, "fail", "legacy_mismatch", f"The hosted assertion differs in {name}.")
    return _report(assertion, "pass", None, "The assertion is served by its issuer as it was imported.")
