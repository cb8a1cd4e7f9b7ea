"""A wallet no one here wrote receives credentials over real HTTP: the OpenWallet Foundation's OID4VCI client
(``@openid4vc/openid4vci``, in ``tests/node/``, installed by ``make node-deps``) runs the pre-authorized flow
against a live server, from the offer link the learner's page shows. What it receives is verified by microcred's
verifier and by the Digital Bazaar libraries (``vc/tests/node/crosscheck.mjs``), is bound to the wallet's DID,
and fails its status check once the award's credential is revoked."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests

from microcred.delivery import metadata
from microcred.delivery.models import Delivery
from microcred.delivery.tests.conftest import b64url_decode
from microcred.issuing import services as issuing
from microcred.issuing.models import IssuedCredential, ProofFormat
from microcred.issuing.verification import verify_credential
from microcred.testing import factories
from microcred.wallet.tests.conftest import make_achievement

NODE = shutil.which("node")
HERE = Path(__file__).parent
WALLET_DIR = HERE / "node"
CROSSCHECK = HERE.parents[1] / "vc" / "tests" / "node" / "crosscheck.mjs"

pytestmark = [
    pytest.mark.node,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (WALLET_DIR / "node_modules" / "@openid4vc" / "openid4vci").is_dir(),
        reason="the OID4VCI wallet client is not installed: run `make node-deps`",
    ),
]


def _node(script: Path, *args: str, payload: Any) -> Any:
    completed = subprocess.run(
        [NODE, str(script), *args],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def _offer_page(live_server: Any, learner: Any, credential: IssuedCredential) -> tuple[str, str]:
    """The learner signs in, opens "Add to a wallet" and creates an offer: (same-device link, tx_code)."""
    session = requests.Session()
    login = session.get(f"{live_server.url}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    session.post(
        f"{live_server.url}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": learner.email, "password": factories.PASSWORD},
        headers={"Referer": f"{live_server.url}/accounts/login/"},
        timeout=30,
    )
    page_url = f"{live_server.url}/wallet/credentials/{credential.public_id}/add-to-wallet/"
    page = session.get(page_url, timeout=30)
    assert page.status_code == 200, page.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    created = session.post(page_url, data={"csrfmiddlewaretoken": token}, headers={"Referer": page_url}, timeout=30)
    assert created.status_code == 200
    link = re.search(r'href="(openid-credential-offer://[^"]+)"', created.text).group(1).replace("&amp;", "&")
    tx_code = re.search(r'class="tx-code">(\d{6})<', created.text).group(1)
    return link, tx_code


def _db_verify(credential: dict[str, Any], organization_key: str) -> dict[str, Any]:
    proof = credential["proof"][0] if isinstance(credential["proof"], list) else credential["proof"]
    method = proof["verificationMethod"]
    return _node(
        CROSSCHECK,
        "verify",
        payload={"credential": credential, "keys": [{"id": method, "publicKeyMultibase": organization_key}]},
    )


@pytest.mark.skipif(not CROSSCHECK.exists(), reason="the Digital Bazaar cross-check script is absent")
def test_an_npm_oid4vci_wallet_receives_bound_copies_that_die_with_the_award(live_server, settings) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    provider = factories.make_organization("provider", name="Maple College")
    learner = factories.make_user(email="maya.singh@learner.example", name="Maya Singh")
    credential = issuing.issue_credential(
        actor=None,
        organization=provider,
        achievement=make_achievement(),
        recipient=learner,
        recipient_identifier=learner.email,
    )
    received: list[Any] = []
    holders: list[str] = []
    for configuration, key_type in ((metadata.LDP_VC, "did:key"), (metadata.JWT_VC_JSON, "did:jwk")):
        link, tx_code = _offer_page(live_server, learner, credential)
        answer = _node(
            WALLET_DIR / "wallet.mjs",
            payload={"offer": link, "txCode": tx_code, "configuration": configuration, "keyType": key_type},
        )
        assert answer["issuer"] == live_server.url and answer["tokenType"] == "Bearer"
        assert set(answer["configurationIds"]) == set(metadata.CONFIGURATIONS)
        [copy] = answer["credentials"]
        holder = answer["holder"]
        assert holder.startswith(key_type + ":")
        if configuration == metadata.JWT_VC_JSON:
            payload = json.loads(b64url_decode(copy.split(".")[1]))
            assert payload["credentialSubject"]["id"] == holder and payload["sub"] == holder
        else:
            assert copy["credentialSubject"]["id"] == holder
            assert copy["credentialStatus"] == credential.document["credentialStatus"]
            multibase = provider.issuer_keys.get(retired_at=None).public_key_multibase
            assert _db_verify(copy, multibase)["verified"] is True
        report = verify_credential(copy)
        assert report.valid, report.failures()
        received.append(copy)
        holders.append(holder)
    assert list(Delivery.objects.values_list("holder_id", flat=True).order_by("delivered_at")) == holders
    assert Delivery.objects.count() == 2 and credential.proof_format == ProofFormat.DATA_INTEGRITY_RDFC

    issuing.revoke_credential(actor=None, credential=credential, reason="Awarded in error")
    for copy in received:
        report = verify_credential(copy)
        assert not report.valid and report.check("status").outcome == "fail"
    # the cryptography still holds: only the status says no
    assert _db_verify(received[0], provider.issuer_keys.get(retired_at=None).public_key_multibase)["verified"] is True
