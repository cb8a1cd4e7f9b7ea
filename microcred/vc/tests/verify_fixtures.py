"""Keys, issuers, a status-list server and signing helpers shared by the verifier's tests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from microcred.vc import compose, data_integrity, did, status
from microcred.vc.errors import ResolutionError
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import DID_V1, MULTIKEY_V1

SHARED = Path(__file__).resolve().parents[4] / "shared"  # ../shared beside the project

STANDARDS = SHARED / "standards"
NOW = datetime(2027, 6, 1, 12, 0, 0, tzinfo=UTC)
KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
OTHER = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
ENDORSER = Ed25519KeyPair.from_seed(bytes(range(2, 34)))
HTTPS_ISSUER = "https://issuer.example/issuers/1"
HTTPS_VM = f"{HTTPS_ISSUER}#{KEY.public_key_multibase}"
AUTH_ONLY_ISSUER = "https://issuer.example/issuers/auth-only"
AUTH_ONLY_VM = f"{AUTH_ONLY_ISSUER}#{KEY.public_key_multibase}"


def _method(controller: str, key: Ed25519KeyPair) -> dict[str, Any]:
    return {
        "id": f"{controller}#{key.public_key_multibase}",
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": key.public_key_multibase,
    }


def controller_documents() -> dict[str, dict[str, Any]]:
    documents = {
        HTTPS_ISSUER: {
            "@context": [DID_V1, MULTIKEY_V1],
            "id": HTTPS_ISSUER,
            "verificationMethod": [_method(HTTPS_ISSUER, KEY)],
            "assertionMethod": [f"{HTTPS_ISSUER}#{KEY.public_key_multibase}"],
        },
        AUTH_ONLY_ISSUER: {
            "@context": [DID_V1, MULTIKEY_V1],
            "id": AUTH_ONLY_ISSUER,
            "verificationMethod": [_method(AUTH_ONLY_ISSUER, KEY)],
            "authentication": [f"{AUTH_ONLY_ISSUER}#{KEY.public_key_multibase}"],
        },
    }
    vectors = STANDARDS / "vectors/ob3/issuer-565049-controller.json"
    if vectors.exists():
        import json

        document = json.loads(vectors.read_text(encoding="utf-8"))
        documents[document["id"]] = document
    return documents


def resolver() -> Any:
    """A resolver that knows the test issuers' documents and did:key, and never touches the network."""
    return did.Resolver(no_network, documents=controller_documents())


def no_network(url: str) -> bytes:
    raise ResolutionError(f"The tests do not fetch {url}.", code="resolution_network_refused")


ACHIEVEMENT = {
    "id": "https://issuer.example/achievements/data-analysis",
    "name": "Data analysis with Python",
    "description": "Cleans, analyses and plots data sets.",
    "criteria": {"narrative": "Pass three graded projects."},
    "achievementType": "MicroCredential",
    "creditsAvailable": 3,
}


def unsigned(*, issuer_id: str | None = None, id: str = "urn:uuid:1", **changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "id": id,
        "issuer": {"id": issuer_id or KEY.did_key, "name": "Example University"},
        "achievement": ACHIEVEMENT,
        "subject_id": "did:example:learner",
        "valid_from": "2026-01-15T09:00:00Z",
        "valid_until": "2036-01-15T09:00:00Z",
    }
    arguments.update(changes)
    return compose.open_badge_credential(**arguments)


def sign(
    document: dict[str, Any],
    key: Ed25519KeyPair = KEY,
    *,
    vm: str | None = None,
    suite: str = "eddsa-rdfc-2022",
    **options: Any,
) -> dict[str, Any]:
    return data_integrity.sign(
        document,
        key,
        verification_method=vm or key.did_key_verification_method,
        cryptosuite=suite,
        created=options.pop("created", "2026-01-15T09:00:00Z"),
        **options,
    )


def endorsement(key: Ed25519KeyPair = ENDORSER) -> dict[str, Any]:
    return sign(
        compose.endorsement_credential(
            id="urn:uuid:endorsement-1",
            issuer={"id": key.did_key, "name": "Employer"},
            subject_id=ACHIEVEMENT["id"],
            name="Employer endorsement",
            comment="We hire on this.",
            valid_from="2026-01-01T00:00:00Z",
        ),
        key,
    )


class StatusServer:
    """Signed status list credentials (revocation and suspension) served through ``status_fetcher``."""

    def __init__(
        self,
        *,
        revoked: set[int] = frozenset(),  # type: ignore[assignment]
        suspended: set[int] = frozenset(),  # type: ignore[assignment]
        key: Ed25519KeyPair = KEY,
        issuer: str | None = None,
    ) -> None:
        self.lists: dict[str, dict[str, Any]] = {}
        self.fetched: list[str] = []
        for purpose, indexes in (("revocation", revoked), ("suspension", suspended)):
            bits = bytearray(status.MIN_ENTRIES // 8)
            for index in indexes:
                bits[index // 8] |= 0x80 >> (index % 8)
            unsigned_list = status.status_list_credential(
                id=self.url(purpose),
                issuer=issuer or key.did_key,
                bits=bytes(bits),
                purpose=purpose,
                valid_from="2026-01-01T00:00:00Z",
            )
            self.lists[self.url(purpose)] = sign(unsigned_list, key)

    @staticmethod
    def url(purpose: str) -> str:
        return f"https://issuer.example/status/{purpose}"

    def entries(self, *, index: int) -> list[dict[str, Any]]:
        return [status.status_entry(list_url=self.url(p), index=index, purpose=p) for p in ("revocation", "suspension")]

    def fetch(self, url: str) -> dict[str, Any]:
        self.fetched.append(url)
        if url not in self.lists:
            raise OSError(f"404 {url}")
        return copy.deepcopy(self.lists[url])
