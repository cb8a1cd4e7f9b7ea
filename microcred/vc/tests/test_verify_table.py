"""The verifier's report: a table of tampered and malformed credentials, each rejected with the right check and reason.

Every case names the first check that must fail and its reason; the report must never be valid, and
``verify()`` must never raise.
"""

from __future__ import annotations

import json

import pytest

from microcred.vc import verify as verifier
from microcred.vc.loader import CREDENTIALS_V2, OB_V3P0


def minimal() -> dict:
    return {
        "@context": [CREDENTIALS_V2, OB_V3P0],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"]},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "n",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/a",
                "type": ["Achievement"],
                "name": "n",
                "description": "d",
                "criteria": {"narrative": "c"},
            },
        },
    }


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_dict(levels: int) -> dict:
    root: dict = {}
    node = root
    for _ in range(levels):
        node["a"] = {}
        node = node["a"]
    return root


INPUT_CASES = {
    "not-utf8": (b"\xff\xfe\x00{", verifier.PARSE, verifier.NOT_UTF8),
    "not-json": ("this is not a credential", verifier.PARSE, verifier.NOT_JSON),
    "truncated-json": ('{"@context": [', verifier.PARSE, verifier.NOT_JSON),
    "json-array": ("[1, 2, 3]", verifier.PARSE, verifier.NOT_OBJECT),
    "json-number": ("42", verifier.PARSE, verifier.NOT_OBJECT),
    "oversized": (b'{"a": "' + b"x" * (1024 * 1024) + b'"}', verifier.PARSE, verifier.TOO_LARGE),
    "deep-json-100k": (deep_json(100_000), verifier.PARSE, verifier.TOO_DEEP),
    "deep-dict-100k": (deep_dict(100_000), verifier.PARSE, verifier.TOO_DEEP),
    "wrong-python-type": (12345, verifier.PARSE, verifier.NOT_OBJECT),
    "no-context": (
        {k: v for k, v in minimal().items() if k != "@context"},
        verifier.CONTEXTS,
        verifier.CONTEXT_MISSING,
    ),
    "first-context": (
        {**minimal(), "@context": [OB_V3P0, CREDENTIALS_V2]},
        verifier.CONTEXTS,
        verifier.CONTEXT_FIRST,
    ),
    "non-bundled-context": (
        {**minimal(), "@context": [CREDENTIALS_V2, OB_V3P0, "https://evil.example/context.json"]},
        verifier.CONTEXTS,
        verifier.CONTEXT_NOT_BUNDLED,
    ),
    "inline-context": (
        {**minimal(), "@context": [CREDENTIALS_V2, OB_V3P0, {"name": "https://evil.example/name"}]},
        verifier.CONTEXTS,
        verifier.CONTEXT_INLINE,
    ),
}


@pytest.mark.parametrize(("given", "code", "reason"), INPUT_CASES.values(), ids=INPUT_CASES.keys())
def test_unreadable_input_is_rejected(given, code, reason):
    report = verifier.verify(given)
    assert not report.valid
    failure = report.first_failure
    assert (failure.code, failure.reason) == (code, reason), report.to_json()["checks"]
    assert failure.message
    skipped = [check for check in report.checks if check.code not in (verifier.PARSE, verifier.CONTEXTS)]
    assert skipped and all(check.outcome == verifier.SKIP for check in skipped)
    json.dumps(report.to_json())
