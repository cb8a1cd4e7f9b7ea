"""Fixtures of the delivery tests: a learner holding an issued credential, holder keys and key proofs."""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey

from microcred.accounts.models import Organization, User
from microcred.issuing import services as issuing
from microcred.issuing.models import IssuedCredential
from microcred.testing import factories
from microcred.vc.keys import did_key_from_public_multibase, public_key_to_multibase
from microcred.wallet.tests.conftest import make_achievement


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


class Holder:
    """A wallet's key: Ed25519 as did:key, or P-256 as did:jwk (or a bare jwk header)."""

    def __init__(self, kind: str = "did:key") -> None:
        self.kind = kind
        if kind == "did:key":
            self.key: Any = OKPKey.generate_key("Ed25519")
            public = b64url_decode(self.key.as_dict(private=False)["x"])
            self.did = did_key_from_public_multibase(public_key_to_multibase(public))
            self.kid = f"{self.did}#{self.did.removeprefix('did:key:')}"
            self.alg = "EdDSA"
        else:
            self.key = ECKey.generate_key("P-256")
            jwk = {k: v for k, v in self.key.as_dict(private=False).items() if k in ("kty", "crv", "x", "y")}
            encoded = base64.urlsafe_b64encode(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode())
            self.did = "did:jwk:" + encoded.rstrip(b"=").decode()
            self.kid = f"{self.did}#0"
            self.alg = "ES256"

    def proof(
        self, *, nonce: str | None, aud: str, iat: float | None = None, header: dict | None = None, key: Any = None
    ) -> str:
        protected = header if header is not None else {"typ": "openid4vci-proof+jwt", "alg": self.alg, "kid": self.kid}
        claims: dict[str, Any] = {"aud": aud, "iat": int(time.time() if iat is None else iat)}
        if nonce is not None:
            claims["nonce"] = nonce
        algorithms = [protected.get("alg", self.alg)]
        return jws.serialize_compact(protected, json.dumps(claims), key or self.key, algorithms=algorithms)


@pytest.fixture
def holder() -> Holder:
    return Holder()


@pytest.fixture
def provider_org(db: None) -> Organization:
    return factories.make_organization("provider", name="Maple College")


@pytest.fixture
def learner_user(db: None) -> User:
    return factories.make_user(email="maya.singh@learner.example", name="Maya Singh")


@pytest.fixture
def issued(provider_org: Organization, learner_user: User) -> IssuedCredential:
    return issuing.issue_credential(
        actor=None,
        organization=provider_org,
        achievement=make_achievement(),
        recipient=learner_user,
        recipient_identifier=learner_user.email,
    )


def offer_from_link(link: str) -> dict[str, Any]:
    return json.loads(parse_qs(urlsplit(link).query)["credential_offer"][0])
