"""VC DM 2.0's rules for typed structures (status, schema, refresh, terms of use, evidence, related resources)."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.vc import structure

CONTEXT_SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
CONTEXT_MULTIBASE = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"
V2 = "https://www.w3.org/ns/credentials/v2"


def _codes(**properties: Any) -> list[tuple[str, str]]:
    return [(problem.field, problem.code) for problem in structure.problems(properties)]


@pytest.mark.parametrize(
    "properties",
    [
        {"credentialStatus": {"id": "https://example.org/status/1#3", "type": "BitstringStatusListEntry"}},
        {"credentialStatus": [{"type": ["A", "B"]}]},
        {"credentialSchema": {"id": "https://example.org/schema", "type": "JsonSchema"}},
        {"refreshService": [{"type": "X"}, {"id": "did:example:r", "type": "Y"}]},
        {"termsOfUse": {"id": "did:example:t", "type": "IssuerPolicy"}},
        {"evidence": [{"type": ["Evidence"]}]},
        {"relatedResource": {"id": V2, "digestSRI": CONTEXT_SRI}},
        {"relatedResource": [{"id": V2, "digestMultibase": CONTEXT_MULTIBASE, "mediaType": "application/ld+json"}]},
        {"relatedResource": [{"id": V2, "digestSRI": CONTEXT_SRI + " " + CONTEXT_SRI}]},
        {"relatedResource": [{"id": V2, "digestMultibase": "zQmYtUc4iTCbbfVSDNKvtQqrfyezPPnFvE33wFmutw9PBBk"}]},
    ],
)
def test_well_formed_structures_pass(properties) -> None:
    assert _codes(**properties) == []


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"credentialStatus": {"id": "did:example:status"}}, ("credentialStatus.type", structure.TYPE_MISSING)),
        ({"credentialStatus": {"id": "did:example:s", "type": 2}}, ("credentialStatus.type", structure.TYPE_MISSING)),
        (
            {"credentialStatus": {"id": ["did:example:1", "did:example:2"], "type": "X"}},
            ("credentialStatus.id", structure.ID_INVALID),
        ),
        ({"credentialStatus": {"id": "https ://not-a-url/4", "type": "X"}}, ("credentialStatus.id", "id_invalid")),
        ({"credentialSchema": {"type": "https://example.org/#S"}}, ("credentialSchema.id", structure.ID_MISSING)),
        ({"credentialSchema": {"id": "did:example:schemas/1"}}, ("credentialSchema.type", structure.TYPE_MISSING)),
        ({"credentialSchema": {"type": "S", "id": "https ://x.org/1"}}, ("credentialSchema.id", structure.ID_INVALID)),
        ({"refreshService": {"id": "did:example:refresh/1"}}, ("refreshService.type", structure.TYPE_MISSING)),
        ({"termsOfUse": {}}, ("termsOfUse.type", structure.TYPE_MISSING)),
        ({"termsOfUse": {"id": "did:example:terms/1"}}, ("termsOfUse.type", structure.TYPE_MISSING)),
        ({"evidence": {}}, ("evidence.type", structure.TYPE_MISSING)),
        ({"evidence": ["text"]}, ("evidence.0", structure.NOT_AN_OBJECT)),
        ({"relatedResource": [V2]}, ("relatedResource.0", structure.NOT_AN_OBJECT)),
        ({"relatedResource": [{"digestMultibase": CONTEXT_MULTIBASE}]}, ("relatedResource.0.id", "id_missing")),
        (
            {
                "relatedResource": [
                    {"id": V2, "digestSRI": CONTEXT_SRI},
                    {"id": V2, "digestMultibase": CONTEXT_MULTIBASE},
                ]
            },
            ("relatedResource.1.id", structure.ID_DUPLICATE),
        ),
        ({"relatedResource": [{"id": V2}]}, ("relatedResource.0", structure.DIGEST_MISSING)),
        (
            {
                "relatedResource": [
                    {"id": V2, "digestSRI": "sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5"}
                ]
            },
            ("relatedResource.0.digestSRI", structure.DIGEST_MALFORMED),
        ),
        (
            {"relatedResource": [{"id": V2, "digestSRI": "md5-abc="}]},
            ("relatedResource.0.digestSRI", "digest_malformed"),
        ),
        ({"relatedResource": [{"id": V2, "digestSRI": "sha256-" + "A" * 43 + "="}]}, None),
        (
            {"relatedResource": [{"id": V2, "digestMultibase": "uAAAA"}]},
            ("relatedResource.0.digestMultibase", "digest_malformed"),
        ),
        (
            {"relatedResource": [{"id": V2, "digestMultibase": 7}]},
            ("relatedResource.0.digestMultibase", "digest_malformed"),
        ),
        (
            {"relatedResource": [{"id": V2, "digestMultibase": "x" + "A" * 43}]},
            ("relatedResource.0.digestMultibase", "digest_malformed"),
        ),
    ],
)
def test_broken_structures_are_named(properties, expected) -> None:
    codes = _codes(**properties)
    if expected is None:
        assert codes == []
    else:
        assert expected in codes, codes


def test_huge_lists_are_refused_without_walking_them() -> None:
    assert _codes(evidence=[{"type": "E"}] * 101) == [("evidence", structure.NOT_AN_OBJECT)]
